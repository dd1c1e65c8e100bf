/*
 * nist.c - the non-INVITE server transaction (RFC 3261 §17.2.2).
 *
 *                                |Request received
 *                                |pass to TU
 *                                V
 *                          +-----------+
 *                          |           |
 *                          | Trying    |-------------+
 *                          |           |             |
 *                          +-----------+             |200-699 from TU
 *                                |                   |send response
 *                                |1xx from TU        |
 *                                |send response      |
 *                                |                   |
 *             Request            V      1xx from TU  |
 *             send response+-----------+send response|
 *                 +--------|           |--------+    |
 *                 |        | Proceeding|        |    |
 *                 +------->|           |<-------+    |
 *          +<--------------|           |             |
 *          |Trnsprt Err    +-----------+             |
 *          |Inform TU            |                   |
 *          |                     |                   |
 *          |                     |200-699 from TU    |
 *          |                     |send response      |
 *          |  Request            V                   |
 *          |  send response+-----------+             |
 *          |      +--------|           |             |
 *          |      |        | Completed |<------------+
 *          |      +------->|           |
 *          +<--------------|           |
 *          |Trnsprt Err    +-----------+
 *          |Inform TU            |
 *          |                     |Timer J fires
 *          |                     |-
 *          |                     |
 *          |                     V
 *          |               +-----------+
 *          |               |           |
 *          +-------------->| Terminated|
 *                          |           |
 *                          +-----------+
 *
 * Transitions (every one through set_state()):
 *
 *   from        input              to          done by
 *   (new)       request            Trying      txn_nist_start()
 *   Trying      request            Trying      on_request(): absorbed
 *   Trying      1xx from TU        Proceeding  on_tu_response(): send
 *   Trying      200-699 from TU    Completed   on_tu_response(): send
 *   Proceeding  request            Proceeding  on_request(): resend last 1xx
 *   Proceeding  1xx from TU        Proceeding  on_tu_response(): send
 *   Proceeding  200-699 from TU    Completed   on_tu_response(): send
 *   Proceeding  transport error    Terminated  on_transport_error()
 *   Completed   request            Completed   on_request(): resend final
 *   Completed   response from TU   Completed   on_tu_response(): discarded
 *   Completed   Timer J            Terminated  on_timer_j()
 *   Completed   (compact record)   Terminated  on_shed(): with
 *               cfg.compact_completed over UDP the Completed state goes
 *               on in a record of done.c until Timer J
 *   Completed   transport error    Terminated  on_transport_error()
 *
 * Timer J = 64*T1 unreliable / 0 reliable.
 *
 * Invariants per state (assert_invariants()):
 *   Trying, Proceeding  J idle
 *   Completed           J armed
 *   Terminated          J idle, not in the match table
 */
#include <assert.h>
#include <errno.h>

#include "sip/mem.h"
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

static void on_timer_j(void *arg);

static void assert_invariants(const struct sip_txn *t)
{
	bool j = sip_timer_armed(&t->nist.timer_j);

	switch (t->state) {
	case SIP_TXN_TRYING:
	case SIP_TXN_PROCEEDING:
		assert(!j);
		break;
	case SIP_TXN_COMPLETED:
		assert(j);
		break;
	default:
		assert(t->state == SIP_TXN_TERMINATED && !j && !t->linked);
		break;
	}
	(void)j;
}

static void set_state(struct sip_txn *t, enum sip_txn_state next);

/* Once Completed over UDP, after the TU's call has returned: hand the
 * state to a compact record (done.c) when the stack is configured so,
 * which ends this object; else keep it, without its request. */
static void on_shed(void *arg)
{
	struct sip_txn *t = arg;

	if (!txn_done_add(t)) {
		set_state(t, SIP_TXN_TERMINATED);
		return;
	}
	txn_shed_request(t);
}

static void set_state(struct sip_txn *t, enum sip_txn_state next)
{
	enum sip_txn_state prev = t->state;

	assert(legal[prev][next]);
	(void)legal;  /* NDEBUG builds */
	t->state = next;
	switch (next) {
	case SIP_TXN_COMPLETED:
		sip_timer_start(txn_timers(t), &t->nist.timer_j,
				t->reliable ? 0 : txn_64t1(t), on_timer_j, t);
		/* after the TU's call returns: it may still read the request */
		if (!t->reliable)
			sip_timer_start(txn_timers(t), &t->nist.shed, 0, on_shed, t);
		break;
	case SIP_TXN_TERMINATED:
		sip_timer_cancel(&t->nist.timer_j);
		sip_timer_cancel(&t->nist.shed);
		break;
	default:
		break;
	}
	txn_trace(t, prev, next);
	if (next == SIP_TXN_TERMINATED)
		txn_terminated(t);
	assert_invariants(t);
}

void txn_nist_start(struct sip_txn *t)
{
	t->state = SIP_TXN_TRYING;
	txn_trace(t, SIP_TXN_TRYING, SIP_TXN_TRYING);
	assert_invariants(t);
}

static void on_timer_j(void *arg)
{
	set_state(arg, SIP_TXN_TERMINATED);
}

static void on_request(struct sip_txn *t, struct sip_msg **mp)
{
	txn_absorbed(t);
	/* §17.2.2: Trying has nothing to resend yet */
	if (t->state != SIP_TXN_TRYING && t->resp)
		txn_xmit(t, t->resp, true);
}

static int on_tu_response(struct sip_txn *t, struct txn_bytes *b, uint16_t sc)
{
	switch (t->state) {
	case SIP_TXN_TRYING:
	case SIP_TXN_PROCEEDING:
		if (sc >= 200)
			set_state(t, SIP_TXN_COMPLETED);
		else if (t->state == SIP_TXN_TRYING)
			set_state(t, SIP_TXN_PROCEEDING);
		sip_mem_deref(t->resp);
		t->resp = sip_mem_ref(b);
		t->resp_scode = sc;
		txn_xmit(t, b, false);
		return 0;
	case SIP_TXN_COMPLETED:
		return EALREADY;   /* §17.2.2: further responses are discarded */
	default:
		return ESRCH;
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
	default:
		break; /* Trying: nothing sent yet */
	}
}

static void terminate(struct sip_txn *t)
{
	set_state(t, SIP_TXN_TERMINATED);
}

const struct txn_ops txn_nist_ops = {
	.on_request = on_request,
	.on_tu_response = on_tu_response,
	.on_transport_error = on_transport_error,
	.terminate = terminate,
};
