/*
 * calls.c - the call table (calls.h, calltab.h): one entry per INVITE
 * the proxy forwards, keyed by Call-ID, in a hash table of chains plus a
 * list in arrival order; each entry's expiry is a timer on the daemon's
 * timer set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/msg.h"
#include "sip/timer.h"

#include "calls.h"
#include "calltab.h"
#include "sipd.h"

#define BUCKETS 4096

enum call_state { CALL_TRYING, CALL_RINGING, CALL_ANSWERED, CALL_ENDED };

static const char *const state_names[] = {
	"trying", "ringing", "answered", "ended",
};

struct call {
	struct sipd_calls *t;
	char *call_id, *from, *to;   /* in the same block, after the struct */
	enum call_state state;
	int64_t started_ms, answered_ms;
	struct sip_timer expiry;
	struct call *hnext;          /* same bucket */
	struct call *prev, *next;    /* arrival order */
};

struct sipd_calls {
	struct sip_timers *ts;
	uint64_t timeout_ms;
	struct call *bucket[BUCKETS];
	struct call *head, *tail;
	size_t n;
	uint64_t dropped;
};

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t hash(struct sip_pl id)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < id.len; i++)
		h = (h ^ (unsigned char)id.p[i]) * 16777619u;
	return h % BUCKETS;
}

static struct call *find(const struct sipd_calls *t, struct sip_pl id)
{
	for (struct call *c = t->bucket[hash(id)]; c; c = c->hnext)
		if (strlen(c->call_id) == id.len && !memcmp(c->call_id, id.p, id.len))
			return c;
	return NULL;
}

static void call_free(struct call *c)
{
	struct sipd_calls *t = c->t;
	struct call **pp = &t->bucket[hash(sip_pl_str(c->call_id))];

	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	if (c->prev)
		c->prev->next = c->next;
	else
		t->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		t->tail = c->prev;
	t->n--;
	sip_timer_cancel(&c->expiry);
	free(c);
}

static void on_expiry(void *arg)
{
	call_free(arg);
}

static void set_state(struct call *c, enum call_state s, uint64_t expire_ms)
{
	c->state = s;
	if (s == CALL_ANSWERED && !c->answered_ms)
		c->answered_ms = wall_ms();
	if (expire_ms)
		sip_timer_start(c->t->ts, &c->expiry, expire_ms, on_expiry, c);
}

/* The URI of From or To as a slice of @p m (empty when unreadable). */
static struct sip_pl uri_of(struct sip_msg *m, bool from)
{
	const struct sip_addr *a;
	int err = from ? sip_msg_from(m, &a) : sip_msg_to(m, &a);

	return err ? (struct sip_pl){ "", 0 } : a->uri_raw;
}

/* @p pl into @p *p as a NUL-terminated string; advances @p *p. */
static char *put(char **p, struct sip_pl pl)
{
	char *s = *p;

	memcpy(s, pl.p, pl.len);
	s[pl.len] = '\0';
	*p += pl.len + 1;
	return s;
}

static void add(struct sipd_calls *t, struct sip_msg *req, struct sip_pl id)
{
	struct sip_pl from = uri_of(req, true), to = uri_of(req, false);
	/* one block: the entry and its three strings (an entry per call at
	 * thousands of calls a second) */
	struct call *c = calloc(1, sizeof(*c) + id.len + from.len + to.len + 3);
	size_t b = hash(id);
	char *p;

	if (!c) {
		t->dropped++;
		return;
	}
	p = (char *)(c + 1);
	c->call_id = put(&p, id);
	c->from = put(&p, from);
	c->to = put(&p, to);
	c->t = t;
	c->started_ms = wall_ms();
	c->hnext = t->bucket[b];
	t->bucket[b] = c;
	c->prev = t->tail;
	if (t->tail)
		t->tail->next = c;
	else
		t->head = c;
	t->tail = c;
	t->n++;
	/* a call whose INVITE context never ends would stay forever */
	sip_timer_start(t->ts, &c->expiry, t->timeout_ms, on_expiry, c);
}

static void invite_event(struct sipd_calls *t, struct sip_msg *req,
			 struct sip_pl id, enum sip_proxy_event ev)
{
	struct call *c = find(t, id);

	if (ev == SIP_PROXY_EV_START) {
		if (!c && !sip_msg_to_tagged(req))
			add(t, req, id);
		return;
	}
	if (!c || c->state == CALL_ENDED || sip_msg_to_tagged(req))
		return;
	switch (ev) {
	case SIP_PROXY_EV_RINGING:
		if (c->state == CALL_TRYING)
			set_state(c, CALL_RINGING, 0);
		break;
	case SIP_PROXY_EV_ANSWERED:
		if (c->state != CALL_ANSWERED)
			set_state(c, CALL_ANSWERED, t->timeout_ms);
		break;
	case SIP_PROXY_EV_FAILED:
		set_state(c, CALL_ENDED, SIPD_CALL_LINGER_MS);
		break;
	default:
		break;
	}
}

void sipd_calltab_event(struct sipd_calls *t, struct sip_msg *req,
			enum sip_proxy_event ev, uint16_t scode)
{
	struct sip_pl id;
	struct call *c;

	(void)scode;
	if (!t || !req || sip_msg_callid(req, &id))
		return;
	if (req->mid == SIP_INVITE) {
		invite_event(t, req, id, ev);
		return;
	}
	/* the final of a BYE ends the call, whatever it says: a 481 means
	 * the other side had forgotten it already */
	if (req->mid != SIP_BYE || (ev != SIP_PROXY_EV_ANSWERED &&
				    ev != SIP_PROXY_EV_FAILED))
		return;
	c = find(t, id);
	if (c && c->state != CALL_ENDED)
		set_state(c, CALL_ENDED, SIPD_CALL_LINGER_MS);
}

int sipd_calltab_alloc(struct sipd_calls **tp, struct sip_timers *ts,
		       unsigned timeout_s)
{
	struct sipd_calls *t = calloc(1, sizeof(*t));

	if (!t)
		return ENOMEM;
	t->ts = ts;
	t->timeout_ms = (uint64_t)timeout_s * 1000;
	*tp = t;
	return 0;
}

void sipd_calltab_free(struct sipd_calls *t)
{
	if (!t)
		return;
	while (t->head)
		call_free(t->head);
	free(t);
}

uint64_t sipd_calltab_dropped(const struct sipd_calls *t)
{
	return t ? t->dropped : 0;
}

size_t sipd_calltab_foreach(const struct sipd_calls *t, sipd_call_h *h, void *arg)
{
	size_t n = 0;

	for (const struct call *c = t ? t->head : NULL; c; c = c->next) {
		struct sipd_call_info i = {
			.call_id = c->call_id, .from = c->from, .to = c->to,
			.state = state_names[c->state],
			.started_ms = c->started_ms, .answered_ms = c->answered_ms,
		};

		n++;
		if (!h(&i, arg))
			break;
	}
	return n;
}

size_t sipd_calltab_count(const struct sipd_calls *t)
{
	return t ? t->n : 0;
}

size_t sipd_calls_foreach(const struct sipd *sd, sipd_call_h *h, void *arg)
{
	return sipd_calltab_foreach(sd->calls, h, arg);
}

size_t sipd_calls_count(const struct sipd *sd)
{
	return sipd_calltab_count(sd->calls);
}
