/*
 * nict.c - the non-INVITE client transaction (RFC 3261 §17.1.2).
 *
 *                                |Request from TU
 *                                |send request
 *            Timer E             V
 *            send request  +-----------+
 *                +---------|           |-------------------+
 *                |         |  Trying   |  Timer F          |
 *                +-------->|           |  or Transport Err.|
 *                          +-----------+  inform TU        |
 *             200-699         |  |                         |
 *             resp. to TU     |  |1xx                      |
 *             +---------------+  |resp. to TU              |
 *             |                  |                         |
 *             |   Timer E        V       Timer F           |
 *             |   send req +-----------+ or Transport Err. |
 *             |  +---------|           | inform TU         |
 *             |  |         |Proceeding |------------------>|
 *             |  +-------->|           |-----+             |
 *             |            +-----------+     |1xx          |
 *             |              |      ^        |resp to TU   |
 *             | 200-699      |      +--------+             |
 *             | resp. to TU  |                             |
 *             |              |                             |
 *             |              V                             |
 *             |            +-----------+                   |
 *             |            |           |                   |
 *             |            | Completed |                   |
 *             |            |           |                   |
 *             |            +-----------+                   |
 *             |              ^   |                         |
 *             |              |   | Timer K                 |
 *             +--------------+   | -                       |
 *                                |                         |
 *                                V                         |
 *          NOTE:           +-----------+                   |
 *                          |           |                   |
 *      transitions         | Terminated|<------------------+
 *      labeled with        |           |
 *      the event           +-----------+
 *      over the action
 *      to take
 *
 * Transitions (every one through set_state()):
 *
 *   from        input              to          done by
 *   (new)       request from TU    Trying      txn_nict_start(): send, E, F
 *   Trying      Timer E            Trying      on_timer_e(): resend,
 *                                              E = min(2E, T2)
 *   Trying      Timer F            Terminated  on_timer_f(): timeout to TU
 *   Trying      1xx                Proceeding  on_response(): to TU
 *   Trying      200-699            Completed   on_response(): to TU
 *   Trying      transport error    Terminated  on_transport_error()
 *   Proceeding  Timer E            Proceeding  on_timer_e(): resend, E = T2
 *   Proceeding  Timer F            Terminated  on_timer_f(): timeout to TU
 *   Proceeding  1xx                Proceeding  on_response(): to TU
 *   Proceeding  200-699            Completed   on_response(): to TU
 *   Proceeding  transport error    Terminated  on_transport_error()
 *   Completed   any response       Completed   on_response(): absorbed
 *   Completed   Timer K            Terminated  on_timer_k()
 *
 * Timers: E = T1 at first (unreliable transports only), F = 64*T1,
 * K = T4 unreliable / 0 reliable.
 *
 * Invariants per state (assert_invariants()):
 *   Trying, Proceeding  F armed; E armed exactly when unreliable; K idle
 *   Completed           only K armed
 *   Terminated          no timer armed, not in the match table
 */
#include <assert.h>

#include "sip/msg.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "txn.h"

static const bool legal[SIP_TXN_TERMINATED + 1][SIP_TXN_TERMINATED + 1] = {
	[SIP_TXN_TRYING] = {
		[SIP_TXN_PROCEEDING] = true, [SIP_TXN_COMPLETED] = true,
		[SIP_TXN_TERMINATED] = true,
	},
	[SIP_TXN_PROCEEDING] = {
		[SIP_TXN_COMPLETED] = true, [SIP_TXN_TERMINATED] = true,
	},
	[SIP_TXN_COMPLETED] = { [SIP_TXN_TERMINATED] = true },
};

static void on_timer_e(void *arg);
static void on_timer_f(void *arg);
static void on_timer_k(void *arg);

static void assert_invariants(const struct sip_txn *t)
{
	bool e = sip_timer_armed(&t->nict.timer_e), f = sip_timer_armed(&t->nict.timer_f);
	bool k = sip_timer_armed(&t->nict.timer_k);

	switch (t->state) {
	case SIP_TXN_TRYING:
	case SIP_TXN_PROCEEDING:
		assert(f && e == !t->reliable && !k);
		break;
	case SIP_TXN_COMPLETED:
		assert(!e && !f && k);
		break;
	default:
		assert(t->state == SIP_TXN_TERMINATED && !e && !f && !k && !t->linked);
		break;
	}
	(void)e; (void)f; (void)k;
}

static void set_state(struct sip_txn *t, enum sip_txn_state next)
{
	enum sip_txn_state prev = t->state;

	assert(legal[prev][next]);
	(void)legal;  /* NDEBUG builds */
	t->state = next;
	switch (next) {
	case SIP_TXN_COMPLETED:
		sip_timer_cancel(&t->nict.timer_e);
		sip_timer_cancel(&t->nict.timer_f);
		sip_timer_start(txn_timers(t), &t->nict.timer_k,
				t->reliable ? 0 : t->stack->cfg.t4, on_timer_k, t);
		break;
	case SIP_TXN_TERMINATED:
		sip_timer_cancel(&t->nict.timer_e);
		sip_timer_cancel(&t->nict.timer_f);
		sip_timer_cancel(&t->nict.timer_k);
		break;
	default:
		break; /* Proceeding: E and F run on */
	}
	txn_trace(t, prev, next);
	if (next == SIP_TXN_TERMINATED)
		txn_terminated(t);
	assert_invariants(t);
}

void txn_nict_start(struct sip_txn *t)
{
	struct sip_timers *ts = txn_timers(t);

	t->state = SIP_TXN_TRYING;
	if (!t->reliable) {
		t->nict.e_interval = t->stack->cfg.t1;
		sip_timer_start(ts, &t->nict.timer_e, t->nict.e_interval, on_timer_e, t);
	}
	sip_timer_start(ts, &t->nict.timer_f, txn_64t1(t), on_timer_f, t);
	txn_trace(t, SIP_TXN_TRYING, SIP_TXN_TRYING);
	assert_invariants(t);
	txn_xmit(t, t->req_bytes, false);
}

/* §17.1.2.2: in Trying the interval doubles up to T2; once a provisional
 * response came, the request is resent every T2. */
static void on_timer_e(void *arg)
{
	struct sip_txn *t = arg;
	uint64_t t2 = t->stack->cfg.t2;

	if (!txn_xmit(t, t->req_bytes, true))
		return;
	if (t->state == SIP_TXN_TRYING)
		t->nict.e_interval = 2 * t->nict.e_interval < t2 ? 2 * t->nict.e_interval : t2;
	else
		t->nict.e_interval = t2;
	sip_timer_start(txn_timers(t), &t->nict.timer_e, t->nict.e_interval, on_timer_e, t);
}

static void on_timer_f(void *arg)
{
	struct sip_txn *t = arg;

	txn_count_timeout(t);
	txn_defer(t, TXN_PEND_TIMEOUT, 0);
	set_state(t, SIP_TXN_TERMINATED);
}

static void on_timer_k(void *arg)
{
	set_state(arg, SIP_TXN_TERMINATED);
}

static void on_response(struct sip_txn *t, struct sip_msg **mp)
{
	uint16_t sc = (*mp)->scode;

	switch (t->state) {
	case SIP_TXN_TRYING:
	case SIP_TXN_PROCEEDING:
		if (sc >= 200)
			set_state(t, SIP_TXN_COMPLETED);
		else if (t->state == SIP_TXN_TRYING)
			set_state(t, SIP_TXN_PROCEEDING);
		txn_pass_up(t, SIP_TXN_EV_RESPONSE, mp);
		break;
	case SIP_TXN_COMPLETED:
		txn_absorbed(t);  /* §17.1.2.2: retransmissions end here */
		break;
	default:
		break;
	}
}

static void on_transport_error(struct sip_txn *t, int err)
{
	switch (t->state) {
	case SIP_TXN_TRYING:
	case SIP_TXN_PROCEEDING:
		txn_defer(t, TXN_PEND_ERROR, err);
		set_state(t, SIP_TXN_TERMINATED);
		break;
	default:
		break; /* Completed: nothing left to send */
	}
}

static void terminate(struct sip_txn *t)
{
	set_state(t, SIP_TXN_TERMINATED);
}

const struct txn_ops txn_nict_ops = {
	.on_response = on_response,
	.on_transport_error = on_transport_error,
	.terminate = terminate,
};
