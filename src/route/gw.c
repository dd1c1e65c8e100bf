/*
 * gw.c - gateway groups: try order (lowest priority first, weighted
 * random within a priority, down gateways skipped), failover on 408, 5xx
 * and timeouts, and the best final response of RFC 3261 §16.7 step 6.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"

static uint32_t default_rand(void *arg)
{
	(void)arg;
	return arc4random();
}

/* Move one weighted-random pick of order[from..to) to order[from]. */
static void pick(struct sip_route_gw **order, size_t from, size_t to,
		 sip_route_rand_h *rh, void *arg)
{
	uint64_t sum = 0, r;
	size_t i;
	struct sip_route_gw *t;

	for (i = from; i < to; i++)
		sum += order[i]->weight;
	r = (uint64_t)rh(arg) % sum;
	for (i = from; i < to - 1; i++) {
		if (r < order[i]->weight)
			break;
		r -= order[i]->weight;
	}
	t = order[from];
	order[from] = order[i];
	order[i] = t;
}

size_t route_group_order(const struct sip_route_group *g,
			 sip_route_rand_h *rh, void *arg, bool all,
			 struct sip_route_gw **order)
{
	size_t n = 0, i, j, end;
	struct sip_route_gw *t;

	if (!rh)
		rh = default_rand;
	for (i = 0; i < g->ngws && n < SIP_ROUTE_GW_MAX; i++) {
		if (all || sip_route_gw_is_up(&g->gws[i]))
			order[n++] = &g->gws[i];
	}
	/* Stable insertion sort by priority: groups are small. */
	for (i = 1; i < n; i++) {
		t = order[i];
		for (j = i; j > 0 && order[j - 1]->priority > t->priority; j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
	for (i = 0; i < n; i = end) {
		for (end = i + 1; end < n; end++) {
			if (order[end]->priority != order[i]->priority)
				break;
		}
		for (j = i; j + 1 < end; j++)
			pick(order, j, end, rh, arg);
	}
	return n;
}

size_t sip_route_group_order(const struct sip_route_group *g,
			     sip_route_rand_h *rh, void *arg,
			     struct sip_route_gw **order)
{
	return route_group_order(g, rh, arg, false, order);
}

int sip_route_failover_start(struct sip_route_failover *f,
			     const struct sip_route_group *g,
			     sip_route_rand_h *rh, void *arg,
			     struct sip_route_gw **gwp)
{
	memset(f, 0, sizeof *f);
	f->n = sip_route_group_order(g, rh, arg, f->order);
	if (!f->n)
		return ENOENT;
	*gwp = f->order[0];
	return 0;
}

static bool retryable(uint16_t status)
{
	return status == 0 || status == 408 ||
	       (status >= 500 && status < 600);
}

enum sip_route_next sip_route_failover_next(struct sip_route_failover *f,
					    uint16_t status,
					    struct sip_route_gw **gwp,
					    uint16_t *statusp)
{
	if (!retryable(status))
		return SIP_ROUTE_RELAY;
	if (f->ncodes < SIP_ROUTE_GW_MAX)
		f->codes[f->ncodes++] = status;
	/* A gateway may have gone down since the order was drawn. */
	while (++f->pos < f->n) {
		if (sip_route_gw_is_up(f->order[f->pos])) {
			*gwp = f->order[f->pos];
			return SIP_ROUTE_TRY;
		}
	}
	*statusp = sip_route_best_response(f->codes, f->ncodes);
	return SIP_ROUTE_EXHAUSTED;
}

/* §16.7 step 6: preferred 4xx, they let the caller fix the request. */
static bool preferred_4xx(uint16_t c)
{
	return c == 401 || c == 407 || c == 415 || c == 420 || c == 484;
}

static bool better(uint16_t c, uint16_t best)
{
	unsigned cc = c / 100, bc = best / 100;

	if (!best)
		return true;
	if (bc == 6)
		return false;
	if (cc == 6)
		return true;
	if (cc != bc)
		return cc < bc;
	return cc == 4 && preferred_4xx(c) && !preferred_4xx(best);
}

uint16_t sip_route_best_response(const uint16_t *codes, size_t n)
{
	uint16_t best = 0, c;

	for (size_t i = 0; i < n; i++) {
		/* No response at all counts as a 408 (§16.7 step 6). */
		c = codes[i] >= 200 && codes[i] < 700 ? codes[i] : 408;
		if (better(c, best))
			best = c;
	}
	if (!best)
		return 408;
	return best == 503 ? 500 : best;
}
