/*
 * debug.c - names of kinds and states, and the debug dump of a stack
 * (sip_txn_debug): configuration, counters, then one line per transaction
 * with its state, request, age and the timers armed.
 */
#include <inttypes.h>
#include <stdio.h>

#include "sip/msg.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "txn.h"

const char *sip_txn_kind_name(enum sip_txn_kind k)
{
	switch (k) {
	case SIP_TXN_ICT: return "ICT";
	case SIP_TXN_NICT: return "NICT";
	case SIP_TXN_IST: return "IST";
	case SIP_TXN_NIST: return "NIST";
	}
	return "?";
}

const char *sip_txn_state_name(enum sip_txn_state s)
{
	switch (s) {
	case SIP_TXN_CALLING: return "Calling";
	case SIP_TXN_TRYING: return "Trying";
	case SIP_TXN_PROCEEDING: return "Proceeding";
	case SIP_TXN_COMPLETED: return "Completed";
	case SIP_TXN_CONFIRMED: return "Confirmed";
	case SIP_TXN_ACCEPTED: return "Accepted";
	case SIP_TXN_TERMINATED: return "Terminated";
	}
	return "?";
}

static void timer(FILE *f, const char *name, const struct sip_timer *t)
{
	if (sip_timer_armed(t))
		fprintf(f, " %s=%" PRId64 "ms", name, sip_timer_remaining(t));
}

static void timers(FILE *f, const struct sip_txn *t)
{
	switch (t->kind) {
	case SIP_TXN_ICT:
		timer(f, "A", &t->ict.timer_a);
		timer(f, "B", &t->ict.timer_b);
		timer(f, "D", &t->ict.timer_d);
		timer(f, "M", &t->ict.timer_m);
		break;
	case SIP_TXN_NICT:
		timer(f, "E", &t->nict.timer_e);
		timer(f, "F", &t->nict.timer_f);
		timer(f, "K", &t->nict.timer_k);
		break;
	case SIP_TXN_IST:
		timer(f, "Trying", &t->ist.timer_trying);
		timer(f, "G", &t->ist.timer_g);
		timer(f, "H", &t->ist.timer_h);
		timer(f, "I", &t->ist.timer_i);
		timer(f, "L", &t->ist.timer_l);
		break;
	case SIP_TXN_NIST:
		timer(f, "J", &t->nist.timer_j);
		break;
	}
}

static void txn_line(FILE *f, const struct sip_txn *t, uint64_t now)
{
	fprintf(f, "  %-4s %-10s %.*s branch=%.*s%s age=%" PRIu64 "ms",
		sip_txn_kind_name(t->kind), sip_txn_state_name(t->state),
		(int)t->method.len, t->method.p, (int)t->branch.len,
		t->branch.p ? t->branch.p : "", t->rfc3261 ? "" : " (rfc2543)",
		now - t->created);
	if (t->resp_scode)
		fprintf(f, " last=%u", t->resp_scode);
	if (t->retransmissions)
		fprintf(f, " rtx=%" PRIu32, t->retransmissions);
	timers(f, t);
	fputc('\n', f);
}

void sip_txn_debug(FILE *f, const struct sip_txn_stack *s)
{
	const struct sip_txn_stats *st = &s->stats;
	uint64_t now = sip_timers_now(s->cfg.timers);

	fprintf(f, "txn stack: T1=%" PRIu32 " T2=%" PRIu32 " T4=%" PRIu32
		" D=%" PRIu32 " now=%" PRIu64 " timers=%zu\n",
		s->cfg.t1, s->cfg.t2, s->cfg.t4, s->cfg.timer_d, now,
		sip_timers_count(s->cfg.timers));
	fprintf(f, "  active ICT=%" PRIu64 " NICT=%" PRIu64 " IST=%" PRIu64
		" NIST=%" PRIu64 "; created %" PRIu64 "/%" PRIu64 "/%" PRIu64
		"/%" PRIu64 "\n",
		st->active[0], st->active[1], st->active[2], st->active[3],
		st->created[0], st->created[1], st->created[2], st->created[3]);
	fprintf(f, "  sent=%" PRIu64 " retransmissions=%" PRIu64 " absorbed=%" PRIu64
		" timeouts=%" PRIu64 " transport_errors=%" PRIu64 "\n",
		st->sent, st->retransmissions, st->absorbed, st->timeouts,
		st->transport_errors);
	if (s->done.n)
		fprintf(f, "  completed (compact records, UDP)=%zu\n", s->done.n);
	for (const struct sip_txn *t = s->all; t; t = t->anext)
		txn_line(f, t, now);
}

static struct sip_pl callid_of(const struct sip_txn *t)
{
	const struct sip_hdr *h = t->req ? sip_msg_hdr(t->req, SIP_HDR_CALL_ID) :
				  NULL;

	return h ? h->value : t->callid;
}

size_t sip_txn_stack_foreach(const struct sip_txn_stack *s, sip_txn_visit_h *h,
			     void *arg)
{
	uint64_t now = sip_timers_now(s->cfg.timers);
	bool stop = false;
	size_t n = 0;

	for (const struct sip_txn *t = s->all; t; t = t->anext) {
		struct sip_txn_info ti = {
			.kind = t->kind, .state = t->state, .method = t->method,
			.branch = t->branch, .callid = callid_of(t),
			.age_ms = now - t->created, .last_code = t->resp_scode,
			.retransmissions = t->retransmissions,
		};

		n++;
		if (!h(arg, &ti)) {
			stop = true;
			break;
		}
	}
	/* completed non-INVITE server transactions kept as records */
	return n + txn_done_foreach(s, now, h, arg, &stop);
}
