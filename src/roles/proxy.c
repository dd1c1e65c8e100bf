/*
 * proxy.c - the stateful proxy core (RFC 3261 §16.6-§16.10): one
 * response context per forwarded request, its branches (client
 * transactions), parallel and sequential forking, the choice and
 * forwarding of responses (§16.7), CANCEL (§16.10) and Timer C (§16.8).
 *
 * A branch goes through
 *
 *   CALLING --1xx--> PROCEEDING --final--> DONE
 *      |                  |
 *      +------final-------+  (also: timeout, transport error, Timer C,
 *                                the sequential timeout, a CANCEL of a
 *                                branch with no provisional yet)
 *
 * Invariants: a DONE branch has its final code (0 = no response, which
 * counts as 408); a branch leaves DONE never; the context answers the
 * caller once with a final (final_sent), except that every 2xx of an
 * INVITE is forwarded (§16.7 step 5); the context is freed when its
 * final was sent and every client transaction has terminated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/timer.h"
#include "sip/via.h"

#include "proxy_priv.h"

enum br_state {
	BR_IDLE,        /* not started */
	BR_CALLING,
	BR_PROCEEDING,
	BR_DONE,
};

struct branch {
	struct sip_proxy_call *c;
	struct sip_proxy_target t;   /* t.uri, t.route: owned copies */
	struct sip_txn *ct;          /* a reference we hold until TERMINATED */
	enum br_state state;
	bool provisional;            /* a 1xx came: a CANCEL may be sent */
	bool cancel_pending;         /* CANCEL when the first 1xx comes */
	bool cancelled;              /* CANCEL sent */
	uint16_t scode;              /* DONE: final, 0 = none (408) */
	struct sip_msg *resp;        /* DONE: the final, kept (owned) */
	struct sip_timer timer_c;    /* §16.8 */
};

struct sip_proxy_call {
	struct sip_proxy *p;
	struct sip_proxy_call *prev, *next;   /* p->calls */
	struct sip_txn *st;          /* a reference we hold */
	struct sip_msg *req;         /* the server transaction's request */
	bool invite;
	struct sip_proxy_opts opts;
	struct sip_txn_dest in;      /* where the request came from */
	size_t nbr;
	size_t pos;                  /* first target not started */
	struct sip_timer seq_timer;  /* sequential: the group rang too long */
	uint64_t hash;               /* loop-detection hash (§16.6 step 8) */
	char *via;                   /* opts.via, copied; NULL: none */
	unsigned live;               /* client transactions not terminated */
	bool final_sent;
	bool answered;               /* a 2xx went to the caller */
	bool cancelled;              /* the caller CANCELled */
	bool stop;                   /* no new branches (6xx, 2xx, CANCEL) */
	bool started;                /* START was reported */
	bool freeing;
	/* nbr branches: a context lives until its last client transaction
	 * ends (32 s after a final over UDP), so it is sized to fit */
	struct branch br[];
};

static void after_final(struct sip_proxy_call *c);

/* ---- events to the call hook ---- */

static void report(struct sip_proxy_call *c, enum sip_proxy_event ev,
		   uint16_t scode)
{
	if (c->p->conf.call_h)
		c->p->conf.call_h(c->p->conf.arg, c, ev, scode);
}

/* ---- freeing ---- */

static void branch_clear(struct branch *b)
{
	sip_timer_cancel(&b->timer_c);
	if (b->ct) {
		sip_txn_set_handler(b->ct, NULL, NULL);
		b->ct = sip_mem_deref(b->ct);
	}
	sip_msg_free(b->resp);
	b->resp = NULL;
	free((char *)b->t.uri);
	free((char *)b->t.route);
	b->t.uri = b->t.route = NULL;
}

static void call_free(struct sip_proxy_call *c, bool events)
{
	struct sip_proxy *p = c->p;

	if (c->freeing)
		return;
	c->freeing = true;
	if (events && c->started)
		report(c, SIP_PROXY_EV_END, 0);
	sip_timer_cancel(&c->seq_timer);
	for (size_t i = 0; i < c->nbr; i++)
		branch_clear(&c->br[i]);
	sip_mem_deref(c->opts.next_arg);
	free(c->via);
	if (c->prev)
		c->prev->next = c->next;
	else
		p->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	p->ncalls--;
	sip_mem_deref(c->st);
	free(c);
}

static void maybe_free(struct sip_proxy_call *c)
{
	if (c->final_sent && !c->live)
		call_free(c, true);
}

/* ---- answering the caller ---- */

/* §16.7 step 3: the response without our Via, on the server transaction. */
static int forward_response(struct sip_proxy_call *c, struct sip_msg *resp)
{
	struct sip_out *o;
	int err = sip_out_from_msg(&o, resp, 0);

	if (err)
		return err;
	err = sip_out_via_pop(o);
	if (!err)
		err = sip_txn_reply(c->st, o);
	sip_out_free(o);
	return err;
}

/* §16.7 step 7: every challenge of the other 401/407s into @p o. */
static int merge_challenges(struct sip_proxy_call *c, struct sip_out *o,
			    const struct branch *chosen)
{
	int err;

	for (size_t i = 0; i < c->nbr; i++) {
		const struct branch *b = &c->br[i];

		if (b == chosen || !b->resp ||
		    (b->scode != 401 && b->scode != 407))
			continue;
		for (size_t h = 0; h < b->resp->nhdrs; h++) {
			const struct sip_hdr *hd = &b->resp->hdrs[h];

			if (hd->id != SIP_HDR_WWW_AUTHENTICATE &&
			    hd->id != SIP_HDR_PROXY_AUTHENTICATE)
				continue;
			if ((err = sip_out_add(o, hd->id, NULL, hd->value)))
				return err;
		}
	}
	return 0;
}

static int send_chosen(struct sip_proxy_call *c, struct branch *b)
{
	struct sip_out *o;
	int err = sip_out_from_msg(&o, b->resp, 0);

	if (err)
		return err;
	err = sip_out_via_pop(o);
	if (!err && (b->scode == 401 || b->scode == 407))
		err = merge_challenges(c, o, b);
	if (!err)
		err = sip_txn_reply(c->st, o);
	sip_out_free(o);
	return err;
}

/* §16.7 step 6: the best final of the branches goes to the caller. */
static void send_best(struct sip_proxy_call *c)
{
	uint16_t codes[SIP_PROXY_TARGETS_MAX];
	struct branch *map[SIP_PROXY_TARGETS_MAX];
	struct branch *b;
	size_t n = 0;
	uint16_t sc;
	int i;

	for (size_t k = 0; k < c->nbr; k++) {
		if (c->br[k].state != BR_DONE)
			continue;
		map[n] = &c->br[k];
		codes[n++] = c->br[k].scode;
	}
	c->final_sent = true;
	i = sip_proxy_best(codes, n);
	b = i < 0 ? NULL : map[i];
	sc = b && b->scode ? b->scode : 408;
	if (c->cancelled && sc < 600 && sc != 487 && !(sc >= 200 && sc < 300))
		sc = 487;   /* §16.10: the caller's CANCEL is what ended it */
	if (sc == 503)
		sc = 500;   /* §16.7 step 6: a 503 is not passed on */
	if (b && b->resp && sc == b->scode) {
		if (send_chosen(c, b))
			(void)sip_txn_reply_code(c->st, 500, NULL);
	} else {
		(void)sip_txn_reply_code(c->st, sc, NULL);
	}
	/* the context may live on for its client transactions: the finals
	 * kept for the choice are not needed any more */
	for (size_t k = 0; k < c->nbr; k++) {
		sip_msg_free(c->br[k].resp);
		c->br[k].resp = NULL;
	}
	report(c, sc < 300 ? SIP_PROXY_EV_ANSWERED : SIP_PROXY_EV_FAILED, sc);
}

/* ---- branches ---- */

static bool pending(const struct branch *b)
{
	return b->state == BR_CALLING || b->state == BR_PROCEEDING;
}

/* §9.1: CANCEL a branch now, or when its first provisional comes. */
static void cancel_branch(struct branch *b)
{
	if (b->cancelled || !b->ct)
		return;
	if (b->provisional && !sip_txn_cancel(NULL, b->ct, NULL, NULL)) {
		b->cancelled = true;
		b->cancel_pending = false;
	} else {
		b->cancel_pending = true;
	}
}

/* The branch is over as far as the caller is concerned. */
static void branch_done(struct branch *b, uint16_t scode)
{
	/* Timer C keeps running: it lets go of a client transaction that
	 * never ends (a CANCELled INVITE whose final never comes, §9.1) */
	b->state = BR_DONE;
	b->scode = scode;
}

/* Stop branch @p b early (Timer C, sequential timeout, CANCEL): CANCEL
 * it; a branch with no provisional yet is done at once with @p scode. */
static void abandon(struct branch *b, uint16_t scode, bool keep_waiting)
{
	cancel_branch(b);
	if (b->state == BR_CALLING || !keep_waiting)
		branch_done(b, scode);
}

static void cancel_others(struct sip_proxy_call *c, struct branch *except)
{
	for (size_t i = 0; i < c->nbr; i++)
		if (&c->br[i] != except && pending(&c->br[i]))
			abandon(&c->br[i], 487, false);
}

static void arm_timer_c(struct branch *b);

static void on_timer_c(void *arg)
{
	struct branch *b = arg;
	struct sip_proxy_call *c = b->c;

	if (!pending(b)) {
		/* done long ago and its transaction still runs: let it go */
		if (b->ct) {
			sip_txn_set_handler(b->ct, NULL, NULL);
			b->ct = sip_mem_deref(b->ct);
			c->live--;
			maybe_free(c);
		}
		return;
	}
	/* §16.8: CANCEL a branch that rang too long; one that never
	 * answered at all counts as a 408 */
	abandon(b, 408, false);
	arm_timer_c(b);
	after_final(c);
}

static void arm_timer_c(struct branch *b)
{
	struct sip_proxy *p = b->c->p;

	if (b->c->invite)
		sip_timer_start(p->conf.timers, &b->timer_c,
				p->conf.timer_c ? p->conf.timer_c : SIP_PROXY_TIMER_C,
				on_timer_c, b);
}

static void on_response(struct branch *b, struct sip_txn_event *ev)
{
	struct sip_proxy_call *c = b->c;
	struct sip_msg *m = ev->msg;
	uint16_t sc = m->scode;

	if (sc < 200) {
		b->provisional = true;
		if (b->state == BR_CALLING)
			b->state = BR_PROCEEDING;
		if (b->cancel_pending) {
			cancel_branch(b);
			return;
		}
		if (b->state != BR_PROCEEDING)
			return;
		arm_timer_c(b);   /* §16.8: reset on a provisional */
		if (sc > 100 && !c->final_sent && !forward_response(c, m) &&
		    (sc == 180 || sc == 183))
			report(c, SIP_PROXY_EV_RINGING, sc);
		return;
	}
	if (sc < 300 && c->invite) {
		/* §16.7 step 5: every 2xx, even after a CANCEL or a 2xx */
		bool first = !c->answered;

		if (pending(b))
			branch_done(b, sc);
		(void)forward_response(c, m);
		c->answered = c->final_sent = c->stop = true;
		if (first) {
			report(c, SIP_PROXY_EV_ANSWERED, sc);
			cancel_others(c, b);
		}
		return;
	}
	if (!pending(b))
		return;
	branch_done(b, sc);
	if (sc < 300) {
		/* a non-INVITE: the first 2xx goes up at once */
		if (!c->final_sent) {
			c->final_sent = true;
			(void)forward_response(c, m);
			report(c, SIP_PROXY_EV_ANSWERED, sc);
		}
		cancel_others(c, b);
		return;
	}
	b->resp = sip_txn_event_take(ev);
	if (sc >= 600 && c->invite) {
		c->stop = true;
		cancel_others(c, b);
	}
	after_final(c);
}

static void on_branch(struct sip_txn *t, struct sip_txn_event *ev, void *arg)
{
	struct branch *b = arg;
	struct sip_proxy_call *c = b->c;

	(void)t;
	switch (ev->kind) {
	case SIP_TXN_EV_RESPONSE:
		on_response(b, ev);
		break;
	case SIP_TXN_EV_TIMEOUT:
	case SIP_TXN_EV_TRANSPORT_ERROR:
		if (pending(b)) {
			branch_done(b, 0);
			after_final(c);
		}
		break;
	case SIP_TXN_EV_TERMINATED:
		sip_timer_cancel(&b->timer_c);
		b->ct = sip_mem_deref(b->ct);
		c->live--;
		if (pending(b)) {
			branch_done(b, 0);
			after_final(c);   /* frees @p c when it is done */
		} else {
			maybe_free(c);
		}
		break;
	default:
		break;
	}
}

static int start_branch(struct sip_proxy_call *c, struct branch *b)
{
	struct sip_proxy *p = c->p;
	char branch[64];
	struct proxy_fwd f = {
		.route = &c->opts.route, .branch = branch,
		.record_route = c->opts.record_route, .in = &c->in,
		.via = c->via ? sip_pl_str(c->via) : (struct sip_pl){ NULL, 0 },
	};
	struct sip_out *o;
	struct sip_txn *ct;
	int err;

	snprintf(branch, sizeof(branch), PROXY_BRANCH_PREFIX "%016llx.%llx",
		 (unsigned long long)c->hash, (unsigned long long)++p->seq);
	if ((err = proxy_build_request(p, c->req, &b->t, &f, &o)))
		return err;
	err = sip_txn_request(&ct, p->conf.stack, o, &b->t.dst, on_branch, b);
	sip_out_free(o);
	if (err)
		return err;
	b->ct = sip_mem_ref(ct);
	c->live++;
	b->state = BR_CALLING;
	arm_timer_c(b);
	return 0;
}

static int q_of(const struct branch *b)
{
	return b->t.q < 0 ? 1000 : b->t.q;
}

static void on_seq_timer(void *arg)
{
	struct sip_proxy_call *c = arg;

	/* the group rang long enough: the next one gets its turn */
	for (size_t i = 0; i < c->pos; i++)
		if (pending(&c->br[i]))
			abandon(&c->br[i], 408, false);
	after_final(c);
}

/* Start the next group of targets: all of them (parallel), or those of
 * the next q-value (sequential). Returns how many started. */
static size_t start_group(struct sip_proxy_call *c)
{
	size_t started = 0;

	while (c->pos < c->nbr && !started) {
		size_t first = c->pos;

		while (c->pos < c->nbr &&
		       (c->opts.fork == SIP_PROXY_PARALLEL ||
			q_of(&c->br[c->pos]) == q_of(&c->br[first]))) {
			struct branch *b = &c->br[c->pos++];

			if (start_branch(c, b))
				branch_done(b, 503);
			else
				started++;
		}
	}
	if (started && c->opts.fork == SIP_PROXY_SEQUENTIAL &&
	    c->opts.branch_timeout && c->pos < c->nbr)
		sip_timer_start(c->p->conf.timers, &c->seq_timer,
				c->opts.branch_timeout, on_seq_timer, c);
	return started;
}

/* The last branch that ended, for the failover decision. */
static uint16_t last_code(const struct sip_proxy_call *c)
{
	for (size_t i = c->pos; i-- > 0;)
		if (c->br[i].state == BR_DONE)
			return c->br[i].scode;
	return 0;
}

static bool may_continue(struct sip_proxy_call *c)
{
	uint16_t sc = last_code(c);

	if (c->stop || c->cancelled || c->pos >= c->nbr)
		return false;
	if (c->opts.next)
		return c->opts.next(c->opts.next_arg, sc);
	return !(sc >= 200 && sc < 300) && sc < 600;
}

/* A branch ended: start the next group, or answer when none is left. */
static void after_final(struct sip_proxy_call *c)
{
	if (c->final_sent) {
		maybe_free(c);
		return;
	}
	for (size_t i = 0; i < c->nbr; i++)
		if (pending(&c->br[i]))
			return;
	sip_timer_cancel(&c->seq_timer);
	while (may_continue(c))
		if (start_group(c))
			return;
	send_best(c);
	maybe_free(c);
}

/* ---- the public side ---- */

static void proxy_destroy(void *arg)
{
	struct sip_proxy *p = arg;

	while (p->calls)
		call_free(p->calls, false);
}

int sip_proxy_alloc(struct sip_proxy **pp, const struct sip_proxy_conf *conf)
{
	struct sip_proxy *p;

	if (!conf->stack || !conf->timers || !conf->local)
		return EINVAL;
	p = sip_mem_zalloc(sizeof(*p), proxy_destroy);
	if (!p)
		return ENOMEM;
	p->conf = *conf;
	*pp = p;
	return 0;
}

static int target_copy(struct branch *b, const struct sip_proxy_target *t)
{
	b->t = *t;
	b->t.uri = t->uri ? strdup(t->uri) : NULL;
	b->t.route = t->route ? strdup(t->route) : NULL;
	if ((t->uri && !b->t.uri) || (t->route && !b->t.route))
		return ENOMEM;
	return 0;
}

/* Sequential forking: by decreasing q, stable (insertion sort: at most
 * SIP_PROXY_TARGETS_MAX). */
static void sort_by_q(struct sip_proxy_call *c)
{
	for (size_t i = 1; i < c->nbr; i++) {
		struct branch tmp = c->br[i];
		size_t j = i;

		for (; j > 0 && q_of(&c->br[j - 1]) < q_of(&tmp); j--)
			c->br[j] = c->br[j - 1];
		c->br[j] = tmp;
	}
	for (size_t i = 0; i < c->nbr; i++)
		c->br[i].c = c;
}

static int call_new(struct sip_proxy *p, struct sip_txn *st,
		    const struct sip_proxy_target *t, size_t n,
		    const struct sip_proxy_opts *opts, struct sip_proxy_call **cp)
{
	struct sip_msg *m = sip_txn_msg(st);
	const struct sip_via *v;
	struct sip_proxy_call *c;

	if (!m || sip_msg_via(m, &v))
		return EBADMSG;
	c = calloc(1, sizeof(*c) + n * sizeof(c->br[0]));
	if (!c)
		return ENOMEM;
	c->p = p;
	c->req = m;
	c->invite = m->mid == SIP_INVITE;
	c->opts = *opts;
	c->in = *sip_txn_dest(st);
	/* over the topmost Via as we pass it on: that is what comes back */
	c->hash = proxy_loop_hash(p, m, opts->via.len ? opts->via : v->raw);
	c->nbr = n;
	for (size_t i = 0; i < n; i++) {
		c->br[i].c = c;
		if (target_copy(&c->br[i], &t[i])) {
			for (size_t k = 0; k <= i; k++)
				branch_clear(&c->br[k]);
			free(c);
			return ENOMEM;
		}
	}
	if (opts->fork == SIP_PROXY_SEQUENTIAL)
		sort_by_q(c);
	if (opts->via.len && !(c->via = sip_pl_dup(opts->via))) {
		for (size_t k = 0; k < n; k++)
			branch_clear(&c->br[k]);
		free(c);
		return ENOMEM;
	}
	c->opts.via = (struct sip_pl){ NULL, 0 };
	c->st = sip_mem_ref(st);
	sip_mem_ref(c->opts.next_arg);
	*cp = c;
	return 0;
}

int sip_proxy_forward(struct sip_proxy *p, struct sip_txn *st,
		      const struct sip_proxy_target *t, size_t n,
		      const struct sip_proxy_opts *opts,
		      struct sip_proxy_call **cp)
{
	struct sip_proxy_call *c;
	struct sip_msg *m = sip_txn_msg(st);
	int err;

	if (!n || n > SIP_PROXY_TARGETS_MAX || !m || m->mid == SIP_ACK ||
	    m->mid == SIP_CANCEL)
		return EINVAL;
	if ((err = call_new(p, st, t, n, opts, &c)))
		return err;
	c->next = p->calls;
	if (p->calls)
		p->calls->prev = c;
	p->calls = c;
	p->ncalls++;
	if (!start_group(c)) {
		/* nothing could be sent: the caller answers */
		err = c->br[0].scode == 503 ? ENETUNREACH : EIO;
		call_free(c, false);
		return err;
	}
	/* §16.2: a stateful proxy answers an INVITE with 100 at once rather
	 * than letting the caller retransmit */
	if (c->invite)
		(void)sip_txn_reply_code(st, 100, NULL);
	c->started = true;
	report(c, SIP_PROXY_EV_START, 0);
	if (cp)
		*cp = c;
	return 0;
}

static struct sip_proxy_call *find_call(struct sip_proxy *p,
					const struct sip_txn *st)
{
	for (struct sip_proxy_call *c = p->calls; c; c = c->next)
		if (c->st == st)
			return c;
	return NULL;
}

int sip_proxy_cancel(struct sip_proxy *p, struct sip_txn *st)
{
	struct sip_proxy_call *c = find_call(p, st);

	if (!c)
		return ENOENT;
	if (c->final_sent || c->cancelled)
		return 0;
	c->cancelled = c->stop = true;
	sip_timer_cancel(&c->seq_timer);
	/* §16.10: CANCEL every pending branch; those that rang stay pending
	 * until their 487 comes, the others are done at once */
	for (size_t i = 0; i < c->nbr; i++)
		if (pending(&c->br[i]))
			abandon(&c->br[i], 487, true);
	after_final(c);
	return 0;
}

struct sip_msg *sip_proxy_call_msg(const struct sip_proxy_call *c)
{
	return sip_txn_msg(c->st);
}

size_t sip_proxy_count(const struct sip_proxy *p)
{
	return p->ncalls;
}
