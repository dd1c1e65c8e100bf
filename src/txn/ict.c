/*
 * ict.c - the INVITE client transaction: RFC 3261 §17.1.1 as updated by
 * RFC 6026 §7.2 (a 2xx leads to Accepted, not Terminated, so that
 * retransmitted and forked 2xx responses still reach the TU).
 *
 *                               |INVITE from TU
 *             Timer A fires     |INVITE sent
 *             Reset A,          V                      Timer B fires
 *             INVITE sent +-----------+                or Transport Err.
 *               +---------|           |---------------+inform TU
 *               |         |  Calling  |               |
 *               +-------->|           |-------------->|
 *                         +-----------+ 2xx           |
 *                            |  |       2xx to TU     |
 *                            |  |1xx                  |
 *    300-699 +---------------+  |1xx to TU            |
 *    ACK sent|                  |                     |
 * resp. to TU|  1xx             V                     |
 *            |  1xx to TU  +-----------+              |
 *            |  +----------|           |              |
 *            |  |          |Proceeding |-----------+  |
 *            |  +--------->|           | 2xx       |  |
 *            |             +-----------+ 2xx to TU |  |
 *            |    300-699       |                  |  |
 *            |    ACK sent,     |         2xx      V  |
 *            |    resp. to TU   |  2xx to TU +----------+
 *            |                  |     +------|          |
 *            |                  |     |      | Accepted |
 *            |                  |     +----->|          |
 *            |  300-699         |            +----------+
 *            |  ACK sent        |                  |Timer M
 *            |  +-----------+   |                  |-
 *            |  |           V   V                  |
 *            |  |       +-----------+              |
 *            |  +-------|           |              |
 *            |          | Completed |              |
 *            +--------->|           |              |
 *                       +-----------+              |
 *                          |     |Timer D fires    |
 *         Transport Err.   |     |-                |
 *         inform TU        V     V                 V
 *                       +-------------------------------+
 *                       |           Terminated          |
 *                       +-------------------------------+
 *
 * Transitions (every one through set_state()):
 *
 *   from        input              to          done by
 *   (new)       INVITE from TU     Calling     txn_ict_start(): send, A, B
 *   Calling     Timer A            Calling     on_timer_a(): resend, A *= 2
 *   Calling     Timer B            Terminated  on_timer_b(): timeout to TU
 *   Calling     1xx                Proceeding  on_response(): to TU
 *   Calling     2xx                Accepted    on_response(): to TU
 *   Calling     300-699            Completed   on_response(): ACK, to TU
 *   Calling     transport error    Terminated  on_transport_error()
 *   Proceeding  1xx                Proceeding  on_response(): to TU
 *   Proceeding  2xx                Accepted    on_response(): to TU
 *   Proceeding  300-699            Completed   on_response(): ACK, to TU
 *   Proceeding  transport error    Terminated  on_transport_error()
 *   Completed   300-699            Completed   on_response(): resend ACK
 *   Completed   Timer D            Terminated  on_timer_d()
 *   Completed   transport error    Terminated  on_transport_error()
 *   Accepted    2xx                Accepted    on_response(): to TU
 *   Accepted    Timer M            Terminated  on_timer_m()
 *
 * Responses not listed are absorbed. Timers: A = T1 doubling without cap
 * (unreliable transports only), B = 64*T1, D = 32 s unreliable / 0
 * reliable, M = 64*T1.
 *
 * Invariants per state (assert_invariants()):
 *   Calling     B armed; A armed exactly when the transport is unreliable
 *   Proceeding  no timer armed (the TU's Timer C bounds the wait)
 *   Completed   only D armed
 *   Accepted    only M armed
 *   Terminated  no timer armed, not in the match table
 */
#include <assert.h>

#include "sip/msg.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "txn.h"

static const bool legal[SIP_TXN_TERMINATED + 1][SIP_TXN_TERMINATED + 1] = {
	[SIP_TXN_CALLING] = {
		[SIP_TXN_PROCEEDING] = true, [SIP_TXN_COMPLETED] = true,
		[SIP_TXN_ACCEPTED] = true, [SIP_TXN_TERMINATED] = true,
	},
	[SIP_TXN_PROCEEDING] = {
		[SIP_TXN_COMPLETED] = true, [SIP_TXN_ACCEPTED] = true,
		[SIP_TXN_TERMINATED] = true,
	},
	[SIP_TXN_COMPLETED] = { [SIP_TXN_TERMINATED] = true },
	[SIP_TXN_ACCEPTED] = { [SIP_TXN_TERMINATED] = true },
};

static void on_timer_a(void *arg);
static void on_timer_b(void *arg);
static void on_timer_d(void *arg);
static void on_timer_m(void *arg);

static void assert_invariants(const struct sip_txn *t)
{
	bool a = sip_timer_armed(&t->ict.timer_a), b = sip_timer_armed(&t->ict.timer_b);
	bool d = sip_timer_armed(&t->ict.timer_d), m = sip_timer_armed(&t->ict.timer_m);

	switch (t->state) {
	case SIP_TXN_CALLING:
		assert(b && a == !t->reliable && !d && !m);
		break;
	case SIP_TXN_PROCEEDING:
		assert(!a && !b && !d && !m);
		break;
	case SIP_TXN_COMPLETED:
		assert(!a && !b && d && !m);
		break;
	case SIP_TXN_ACCEPTED:
		assert(!a && !b && !d && m);
		break;
	default:
		assert(t->state == SIP_TXN_TERMINATED && !a && !b && !d && !m && !t->linked);
		break;
	}
	(void)a; (void)b; (void)d; (void)m;
}

static void set_state(struct sip_txn *t, enum sip_txn_state next)
{
	struct sip_timers *ts = txn_timers(t);
	enum sip_txn_state prev = t->state;

	assert(legal[prev][next]);
	(void)legal;  /* NDEBUG builds */
	t->state = next;
	sip_timer_cancel(&t->ict.timer_a);
	sip_timer_cancel(&t->ict.timer_b);
	switch (next) {
	case SIP_TXN_COMPLETED:
		sip_timer_start(ts, &t->ict.timer_d,
				t->reliable ? 0 : t->stack->cfg.timer_d, on_timer_d, t);
		break;
	case SIP_TXN_ACCEPTED:
		sip_timer_start(ts, &t->ict.timer_m, txn_64t1(t), on_timer_m, t);
		break;
	case SIP_TXN_TERMINATED:
		sip_timer_cancel(&t->ict.timer_d);
		sip_timer_cancel(&t->ict.timer_m);
		break;
	default:
		break;
	}
	txn_trace(t, prev, next);
	if (next == SIP_TXN_TERMINATED)
		txn_terminated(t);
	assert_invariants(t);
}

void txn_ict_start(struct sip_txn *t)
{
	struct sip_timers *ts = txn_timers(t);

	t->state = SIP_TXN_CALLING;
	if (!t->reliable) {
		t->ict.a_interval = t->stack->cfg.t1;
		sip_timer_start(ts, &t->ict.timer_a, t->ict.a_interval, on_timer_a, t);
	}
	sip_timer_start(ts, &t->ict.timer_b, txn_64t1(t), on_timer_b, t);
	txn_trace(t, SIP_TXN_CALLING, SIP_TXN_CALLING);
	assert_invariants(t);
	txn_xmit(t, t->req_bytes, false);
}

/* §17.1.1.2: retransmit, then wait twice as long. */
static void on_timer_a(void *arg)
{
	struct sip_txn *t = arg;

	assert(t->state == SIP_TXN_CALLING);
	if (!txn_xmit(t, t->req_bytes, true))
		return;
	t->ict.a_interval *= 2;
	sip_timer_start(txn_timers(t), &t->ict.timer_a, t->ict.a_interval, on_timer_a, t);
}

static void on_timer_b(void *arg)
{
	struct sip_txn *t = arg;

	assert(t->state == SIP_TXN_CALLING);
	txn_count_timeout(t);
	txn_defer(t, TXN_PEND_TIMEOUT, 0);
	set_state(t, SIP_TXN_TERMINATED);
}

static void on_timer_d(void *arg)
{
	set_state(arg, SIP_TXN_TERMINATED);
}

static void on_timer_m(void *arg)
{
	set_state(arg, SIP_TXN_TERMINATED);
}

/* §17.1.1.3: the ACK goes to the same place as the INVITE; it is built
 * once, from the first final response, and resent as is. */
static void send_ack(struct sip_txn *t, struct sip_msg *resp, bool retrans)
{
	if (!t->ack && txn_build_ack(t, resp))
		return; /* no memory: the next retransmitted response retries */
	txn_xmit(t, t->ack, retrans);
}

static void on_response(struct sip_txn *t, struct sip_msg **mp)
{
	uint16_t sc = (*mp)->scode;

	switch (t->state) {
	case SIP_TXN_CALLING:
	case SIP_TXN_PROCEEDING:
		if (sc < 200) {
			if (t->state == SIP_TXN_CALLING)
				set_state(t, SIP_TXN_PROCEEDING);
		} else if (sc < 300) {
			set_state(t, SIP_TXN_ACCEPTED);
		} else {
			set_state(t, SIP_TXN_COMPLETED);
			send_ack(t, *mp, false);
		}
		txn_pass_up(t, SIP_TXN_EV_RESPONSE, mp);
		break;
	case SIP_TXN_COMPLETED:
		/* a retransmitted final response: the ACK was lost */
		txn_absorbed(t);
		if (sc >= 300)
			send_ack(t, *mp, true);
		break;
	case SIP_TXN_ACCEPTED:
		/* RFC 6026 §7.2: every 2xx goes up; the TU ACKs it */
		if (sc >= 200 && sc < 300)
			txn_pass_up(t, SIP_TXN_EV_RESPONSE, mp);
		else
			txn_absorbed(t);
		break;
	default:
		break;
	}
}

static void on_transport_error(struct sip_txn *t, int err)
{
	switch (t->state) {
	case SIP_TXN_CALLING:
	case SIP_TXN_PROCEEDING:
	case SIP_TXN_COMPLETED:
		txn_defer(t, TXN_PEND_ERROR, err);
		set_state(t, SIP_TXN_TERMINATED);
		break;
	default:
		break; /* Accepted: nothing left to send */
	}
}

static void terminate(struct sip_txn *t)
{
	set_state(t, SIP_TXN_TERMINATED);
}

const struct txn_ops txn_ict_ops = {
	.on_response = on_response,
	.on_transport_error = on_transport_error,
	.terminate = terminate,
};
