/*
 * drain.c - the graceful stop: counting transactions with work left and
 * stopping the loop when there are none or the deadline passes (see
 * drain.h).
 */
#include <stdio.h>

#include "drain.h"
#include "sipd.h"

enum { DRAIN_MAX_MS = 4000 };

uint64_t sipd_drain_deadline_ms(const struct sipd_config *cfg)
{
	uint64_t t64 = 64 * (uint64_t)cfg->transaction.t1_ms;

	return t64 < DRAIN_MAX_MS ? t64 : DRAIN_MAX_MS;
}

/* Does a transaction of kind @p k in state @p s hold the stop? */
static bool holds(enum sip_txn_kind k, enum sip_txn_state s)
{
	switch (s) {
	case SIP_TXN_CALLING:
	case SIP_TXN_TRYING:
	case SIP_TXN_PROCEEDING:
		return true;
	case SIP_TXN_COMPLETED:
		return k == SIP_TXN_IST;
	default:
		return false;
	}
}

/* Stop the loop, unless it is being torn down already (the stack then
 * terminates its transactions, which comes through here too). */
static void finish(struct sipd *sd)
{
	if (sd->handles_open)
		uv_stop(&sd->loop);
}

static void log_change(struct sipd *sd, const struct sip_txn *t,
		       enum sip_txn_state from, enum sip_txn_state to)
{
	char branch[64];

	if (!sipd_log_on(&sd->log, SIPD_LOG_DEBUG))
		return;
	sip_pl_strcpy(sip_txn_branch(t), branch, sizeof(branch));
	sipd_log(&sd->log, SIPD_LOG_DEBUG, "transaction",
		 "kind", sip_txn_kind_name(sip_txn_kind(t)),
		 "from", from == to ? "-" : sip_txn_state_name(from),
		 "to", sip_txn_state_name(to), "branch", branch, NULL);
}

void sipd_drain_observe(void *arg, const struct sip_txn *t,
			enum sip_txn_state from, enum sip_txn_state to)
{
	struct sipd *sd = arg;
	enum sip_txn_kind k = sip_txn_kind(t);

	/* a transaction's first report has from == to: no edge is a loop */
	if (from != to && holds(k, from) && sd->busy)
		sd->busy--;
	if (holds(k, to))
		sd->busy++;
	log_change(sd, t, from, to);
	if (sd->stopping && !sd->busy)
		finish(sd);
}

static void on_deadline(uv_timer_t *h)
{
	struct sipd *sd = h->data;
	char n[32];

	snprintf(n, sizeof(n), "%zu", sd->busy);
	sipd_log(&sd->log, SIPD_LOG_NOTICE, "stop deadline reached",
		 "transactions_cut", n, NULL);
	finish(sd);
}

void sipd_drain_start(struct sipd *sd, const char *signame)
{
	char n[32], ms[32];

	if (sd->stopping) {
		sipd_log(&sd->log, SIPD_LOG_NOTICE, "stopping now",
			 "signal", signame, NULL);
		finish(sd);
		return;
	}
	sd->stopping = true;
	snprintf(n, sizeof(n), "%zu", sd->busy);
	snprintf(ms, sizeof(ms), "%llu",
		 (unsigned long long)sipd_drain_deadline_ms(sd->cfg));
	sipd_log(&sd->log, SIPD_LOG_INFO, "stopping", "signal", signame,
		 "transactions", n, "deadline_ms", ms, NULL);
	if (!sd->busy) {
		finish(sd);
		return;
	}
	uv_timer_start(&sd->drain_timer, on_deadline,
		       sipd_drain_deadline_ms(sd->cfg), 0);
}
