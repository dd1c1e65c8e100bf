/*
 * ist.c - the INVITE server transaction: RFC 3261 §17.2.1 as updated by
 * RFC 6026 §7.1 (a 2xx from the TU leads to Accepted, which absorbs
 * retransmitted INVITEs for Timer L instead of letting them look like new
 * requests, and passes ACKs that match it to the TU).
 *
 *                                |INVITE
 *                                |pass INV to TU
 *             INVITE             V send 100 if TU won't in 200 ms
 *             send response+------------+
 *                 +--------|            |--------+ 101-199 from TU
 *                 |        |            |        | send response
 *                 +------->|            |<-------+
 *                          | Proceeding |
 *                          |            |--------+ Transport Err.
 *                          |            |        | Inform TU
 *                          |            |<-------+  (to Terminated)
 *                          +------------+
 *             300-699 from TU |       |2xx from TU
 *             send response   |       |send response
 *              +--------------+       +---------------+
 *              |                                      |
 *    INVITE    V          Timer G fires               |  INVITE    -
 *  send resp.+-----------+ send response              |  2xx from TU
 *    +-------|           |--------+                   |  send response
 *    |       | Completed |        |                   |  ACK, to TU
 *    +------>|           |<-------+                   V  Transp. Err.
 *            +-----------+                     +------------+ Inform TU
 *              |   |                  +--------|            |<-------+
 *          ACK |   | Timer H fires    |        |  Accepted  |        |
 *          -   |   | or Transport Err.+------->|            |--------+
 *              |   | Inform TU                 +------------+
 *              V   |                                 |
 *      +-----------+                                 |Timer L fires
 *      |           |--+ ACK                          |-
 *      | Confirmed |  | -                            |
 *      |           |<-+                              |
 *      +-----------+                                 |
 *         |        |                                 |
 *         |Timer I |                                 |
 *         |fires - V                                 V
 *         |      +---------------------------------------+
 *         +----->|               Terminated              |
 *                +---------------------------------------+
 *
 * Transitions (every one through set_state()):
 *
 *   from        input              to          done by
 *   (new)       INVITE             Proceeding  txn_ist_start(): Trying timer
 *   Proceeding  200 ms, TU silent  Proceeding  on_timer_trying(): send 100
 *   Proceeding  INVITE             Proceeding  on_request(): resend last 1xx
 *   Proceeding  1xx from TU        Proceeding  on_tu_response(): send
 *   Proceeding  2xx from TU        Accepted    on_tu_response(): send
 *   Proceeding  300-699 from TU    Completed   on_tu_response(): send
 *   Proceeding  transport error    Terminated  on_transport_error()
 *   Completed   INVITE             Completed   on_request(): resend final
 *   Completed   Timer G            Completed   on_timer_g(): resend,
 *                                              G = min(2G, T2)
 *   Completed   ACK                Confirmed   on_request(): absorbed
 *   Completed   Timer H            Terminated  on_timer_h(): timeout to TU
 *   Completed   transport error    Terminated  on_transport_error()
 *   Confirmed   ACK, INVITE        Confirmed   on_request(): absorbed
 *   Confirmed   Timer I            Terminated  on_timer_i()
 *   Accepted    INVITE             Accepted    on_request(): absorbed
 *   Accepted    ACK                Accepted    on_request(): to TU
 *   Accepted    2xx from TU        Accepted    on_tu_response(): send
 *   Accepted    transport error    Accepted    on_transport_error(): to TU
 *   Accepted    Timer L            Terminated  on_timer_l()
 *
 * Timers: the 100 (Trying) timer (200 ms, §17.2.1), G = T1 doubling up
 * to T2 (unreliable only), H = 64*T1, I = T4 unreliable / 0 reliable,
 * L = 64*T1.
 *
 * Invariants per state (assert_invariants()):
 *   Proceeding  G, H, I, L idle
 *   Completed   H armed; G armed exactly when unreliable; Trying, I, L idle
 *   Confirmed   only I armed
 *   Accepted    only L armed
 *   Terminated  no timer armed, not in the match table
 */
#include <assert.h>
#include <errno.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "txn.h"

static const bool legal[SIP_TXN_TERMINATED + 1][SIP_TXN_TERMINATED + 1] = {
	[SIP_TXN_PROCEEDING] = {
		[SIP_TXN_COMPLETED] = true, [SIP_TXN_ACCEPTED] = true,
		[SIP_TXN_TERMINATED] = true,
	},
	[SIP_TXN_COMPLETED] = {
		[SIP_TXN_CONFIRMED] = true, [SIP_TXN_TERMINATED] = true,
	},
	[SIP_TXN_CONFIRMED] = { [SIP_TXN_TERMINATED] = true },
	[SIP_TXN_ACCEPTED] = { [SIP_TXN_TERMINATED] = true },
};

static void on_timer_g(void *arg);
static void on_timer_h(void *arg);
static void on_timer_i(void *arg);
static void on_timer_l(void *arg);

static void assert_invariants(const struct sip_txn *t)
{
	bool y = sip_timer_armed(&t->ist.timer_trying);
	bool g = sip_timer_armed(&t->ist.timer_g), h = sip_timer_armed(&t->ist.timer_h);
	bool i = sip_timer_armed(&t->ist.timer_i), l = sip_timer_armed(&t->ist.timer_l);

	switch (t->state) {
	case SIP_TXN_PROCEEDING:
		assert(!g && !h && !i && !l);
		break;
	case SIP_TXN_COMPLETED:
		assert(!y && g == !t->reliable && h && !i && !l);
		break;
	case SIP_TXN_CONFIRMED:
		assert(!y && !g && !h && i && !l);
		break;
	case SIP_TXN_ACCEPTED:
		assert(!y && !g && !h && !i && l);
		break;
	default:
		assert(t->state == SIP_TXN_TERMINATED && !y && !g && !h && !i && !l &&
		       !t->linked);
		break;
	}
	(void)y; (void)g; (void)h; (void)i; (void)l;
}

static void cancel_all(struct sip_txn *t)
{
	sip_timer_cancel(&t->ist.timer_trying);
	sip_timer_cancel(&t->ist.timer_g);
	sip_timer_cancel(&t->ist.timer_h);
	sip_timer_cancel(&t->ist.timer_i);
	sip_timer_cancel(&t->ist.timer_l);
}

static void set_state(struct sip_txn *t, enum sip_txn_state next)
{
	struct sip_timers *ts = txn_timers(t);
	enum sip_txn_state prev = t->state;

	assert(legal[prev][next]);
	(void)legal;  /* NDEBUG builds */
	t->state = next;
	cancel_all(t);
	switch (next) {
	case SIP_TXN_COMPLETED:
		if (!t->reliable) {
			t->ist.g_interval = t->stack->cfg.t1;
			sip_timer_start(ts, &t->ist.timer_g, t->ist.g_interval, on_timer_g, t);
		}
		sip_timer_start(ts, &t->ist.timer_h, txn_64t1(t), on_timer_h, t);
		break;
	case SIP_TXN_CONFIRMED:
		sip_timer_start(ts, &t->ist.timer_i, t->reliable ? 0 : t->stack->cfg.t4,
				on_timer_i, t);
		break;
	case SIP_TXN_ACCEPTED:
		sip_timer_start(ts, &t->ist.timer_l, txn_64t1(t), on_timer_l, t);
		break;
	default:
		break;
	}
	txn_trace(t, prev, next);
	if (next == SIP_TXN_TERMINATED)
		txn_terminated(t);
	assert_invariants(t);
}

/* Keep @p b as the response to resend, then send it. */
static void send_response(struct sip_txn *t, struct txn_bytes *b, uint16_t sc)
{
	sip_mem_deref(t->resp);
	t->resp = sip_mem_ref(b);
	t->resp_scode = sc;
	txn_xmit(t, b, false);
}

/* §17.2.1: the 100 (Trying), built per §8.2.6 without a To tag. */
static void send_trying(struct sip_txn *t)
{
	struct txn_bytes *b;

	sip_timer_cancel(&t->ist.timer_trying);
	if (txn_build_reply(t, 100, NULL, &b))
		return; /* no memory: the INVITE's next retransmission retries */
	send_response(t, b, 100);
	sip_mem_deref(b);
}

static void on_timer_trying(void *arg)
{
	struct sip_txn *t = arg;

	assert(t->state == SIP_TXN_PROCEEDING && !t->resp);
	send_trying(t);
}

void txn_ist_start(struct sip_txn *t)
{
	t->state = SIP_TXN_PROCEEDING;
	sip_timer_start(txn_timers(t), &t->ist.timer_trying, t->stack->cfg.trying,
			on_timer_trying, t);
	txn_trace(t, SIP_TXN_PROCEEDING, SIP_TXN_PROCEEDING);
	assert_invariants(t);
}

static void on_timer_g(void *arg)
{
	struct sip_txn *t = arg;
	uint64_t t2 = t->stack->cfg.t2;

	assert(t->state == SIP_TXN_COMPLETED);
	if (!txn_xmit(t, t->resp, true))
		return;
	t->ist.g_interval = 2 * t->ist.g_interval < t2 ? 2 * t->ist.g_interval : t2;
	sip_timer_start(txn_timers(t), &t->ist.timer_g, t->ist.g_interval, on_timer_g, t);
}

/* No ACK for the final response: §17.2.1 says inform the TU. */
static void on_timer_h(void *arg)
{
	struct sip_txn *t = arg;

	txn_count_timeout(t);
	txn_defer(t, TXN_PEND_TIMEOUT, 0);
	set_state(t, SIP_TXN_TERMINATED);
}

static void on_timer_i(void *arg)
{
	set_state(arg, SIP_TXN_TERMINATED);
}

static void on_timer_l(void *arg)
{
	set_state(arg, SIP_TXN_TERMINATED);
}

static void on_ack(struct sip_txn *t, struct sip_msg **mp)
{
	switch (t->state) {
	case SIP_TXN_COMPLETED:
		/* the ACK for our non-2xx: ends here, never seen by the TU */
		set_state(t, SIP_TXN_CONFIRMED);
		break;
	case SIP_TXN_ACCEPTED:
		txn_pass_up(t, SIP_TXN_EV_ACK, mp);  /* RFC 6026 §7.1 */
		break;
	default:
		txn_absorbed(t);
		break;
	}
}

static void on_invite(struct sip_txn *t)
{
	txn_absorbed(t);
	switch (t->state) {
	case SIP_TXN_PROCEEDING:
		/* resend the latest provisional; none yet: the 100 now */
		if (t->resp)
			txn_xmit(t, t->resp, true);
		else
			send_trying(t);
		break;
	case SIP_TXN_COMPLETED:
		txn_xmit(t, t->resp, true);
		break;
	default:
		break; /* Confirmed, Accepted: absorbed */
	}
}

static void on_request(struct sip_txn *t, struct sip_msg **mp)
{
	if ((*mp)->mid == SIP_ACK)
		on_ack(t, mp);
	else
		on_invite(t);
}

static int on_tu_response(struct sip_txn *t, struct txn_bytes *b, uint16_t sc)
{
	switch (t->state) {
	case SIP_TXN_PROCEEDING:
		if (sc < 200) {
			sip_timer_cancel(&t->ist.timer_trying);
			send_response(t, b, sc);
			return 0;
		}
		set_state(t, sc < 300 ? SIP_TXN_ACCEPTED : SIP_TXN_COMPLETED);
		if (!t->rfc3261)
			txn_note_final_totag(t, b);
		send_response(t, b, sc);
		return 0;
	case SIP_TXN_ACCEPTED:
		if (sc < 200 || sc >= 300)
			return EALREADY;
		/* RFC 6026 §7.1: the TU's own 2xx retransmissions pass */
		txn_xmit(t, b, false);
		return 0;
	case SIP_TXN_TERMINATED:
		return ESRCH;
	default:
		return EALREADY;
	}
}

static void on_transport_error(struct sip_txn *t, int err)
{
	switch (t->state) {
	case SIP_TXN_PROCEEDING:
	case SIP_TXN_COMPLETED:
		txn_defer(t, TXN_PEND_ERROR, err);
		set_state(t, SIP_TXN_TERMINATED);
		break;
	case SIP_TXN_ACCEPTED:
		/* RFC 6026: tell the TU, which owns 2xx retransmission;
		 * Timer L still ends the transaction */
		txn_defer(t, TXN_PEND_ERROR, err);
		break;
	default:
		break; /* Confirmed: nothing left to send */
	}
}

static void terminate(struct sip_txn *t)
{
	set_state(t, SIP_TXN_TERMINATED);
}

const struct txn_ops txn_ist_ops = {
	.on_request = on_request,
	.on_tu_response = on_tu_response,
	.on_transport_error = on_transport_error,
	.terminate = terminate,
};
