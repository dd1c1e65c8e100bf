/*
 * health.c - gateway health from OPTIONS probe results.
 *
 *            N consecutive failures
 *     +----+ -----------------------> +------+
 *     | UP |                          | DOWN |
 *     +----+ <----------------------- +------+
 *            M consecutive successes
 *
 * Transitions (all through set_state()):
 *   UP   --failure, consec_fail reaches fail_down--> DOWN
 *   DOWN --success, consec_ok reaches ok_up------> UP
 * Invariants: consec_ok and consec_fail are never both non-zero; a
 * success clears consec_fail and a failure clears consec_ok. The next
 * probe is due interval_ms after each result while UP, down_interval_ms
 * while DOWN. Sending the probes belongs to the daemon.
 */
#include <assert.h>
#include <string.h>

#include "route/route.h"

enum {
	DEF_FAIL_DOWN = 3,
	DEF_OK_UP = 2,
	DEF_INTERVAL_MS = 30000,
};

static uint64_t interval(const struct sip_route_health *h)
{
	return h->state == SIP_ROUTE_GW_DOWN ? h->conf.down_interval_ms
					     : h->conf.interval_ms;
}

static void set_state(struct sip_route_health *h,
		      enum sip_route_health_state next)
{
	assert(h->state != next);
	h->state = next;
	h->transitions++;
	h->consec_ok = 0;
	h->consec_fail = 0;
}

void sip_route_health_init(struct sip_route_health *h,
			   const struct sip_route_health_conf *conf,
			   uint64_t now_ms)
{
	memset(h, 0, sizeof *h);
	if (conf)
		h->conf = *conf;
	if (!h->conf.fail_down)
		h->conf.fail_down = DEF_FAIL_DOWN;
	if (!h->conf.ok_up)
		h->conf.ok_up = DEF_OK_UP;
	if (!h->conf.interval_ms)
		h->conf.interval_ms = DEF_INTERVAL_MS;
	if (!h->conf.down_interval_ms)
		h->conf.down_interval_ms = h->conf.interval_ms;
	h->state = SIP_ROUTE_GW_UP;
	h->next_probe_ms = now_ms;
}

bool sip_route_health_feed(struct sip_route_health *h, bool ok,
			   uint64_t now_ms)
{
	bool changed = false;

	h->probes++;
	if (ok) {
		h->successes++;
		h->consec_fail = 0;
		h->consec_ok++;
		if (h->state == SIP_ROUTE_GW_DOWN &&
		    h->consec_ok >= h->conf.ok_up) {
			set_state(h, SIP_ROUTE_GW_UP);
			changed = true;
		}
	} else {
		h->failures++;
		h->consec_ok = 0;
		h->consec_fail++;
		if (h->state == SIP_ROUTE_GW_UP &&
		    h->consec_fail >= h->conf.fail_down) {
			set_state(h, SIP_ROUTE_GW_DOWN);
			changed = true;
		}
	}
	h->next_probe_ms = now_ms + interval(h);
	return changed;
}

uint64_t sip_route_health_next_probe(const struct sip_route_health *h)
{
	return h->next_probe_ms;
}

const char *sip_route_health_name(enum sip_route_health_state s)
{
	return s == SIP_ROUTE_GW_DOWN ? "down" : "up";
}
