/*
 * proxy.h - the proxy core (RFC 3261 §16): stateful forwarding with a
 * response context per request (§16.6, §16.7), parallel and sequential
 * forking, CANCEL (§16.10), Timer C (§16.8), loop detection (§16.3 step
 * 4 with the branch of §16.6 step 8), Route pre-processing with loose
 * and strict routing (§16.4, §16.12), Record-Route (§16.6 step 4, double
 * Record-Route of RFC 5658 when transport or interface changes), and
 * stateless forwarding (§16.11) of requests and responses.
 *
 * The proxy sits on the transaction layer (include/sip/txn.h) and does
 * no I/O itself: the caller (the daemon, a test) decides where a request
 * goes (location service, dial plan, the Request-URI host), resolves
 * each target to a struct sip_txn_dest, and hands the server transaction
 * and the targets to sip_proxy_forward(). Responses flow back to the
 * server transaction as §16.7 says; events about the call go to the
 * configuration's call hook (the daemon's call table).
 *
 * Branch parameters of our Via (§16.6 step 8): "z9hG4bKsp" + 16 hex
 * digits of a keyed hash over the loop-detection fields of the received
 * request + "." + a per-branch part. The hash is over the To tag, From
 * tag, Call-ID, Request-URI (as received), the topmost Via as received,
 * the CSeq number, Proxy-Require and Proxy-Authorization (§16.6 step 8);
 * the topmost Via is taken as it is passed on (with received/rport).
 * A request coming back carries our Via with the hash computed when the
 * request first passed; the Via just below it is the topmost Via we saw
 * then, so sip_proxy_loop() recomputes the hash with that Via and finds
 * a loop when nothing else changed (a spiral changes the Request-URI).
 */
#ifndef SIP_PROXY_H
#define SIP_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"
#include "sip/txn.h"

struct sip_msg;
struct sip_out;
struct sip_timers;
struct sip_uri;
struct sip_proxy;
struct sip_proxy_call;

enum {
	SIP_PROXY_TIMER_C = 180000,  /* §16.8: "greater than 3 minutes" */
	SIP_PROXY_TARGETS_MAX = 32,  /* branches of one request */
};

/**
 * Print into @p b the "host:port" by which this proxy is reached on the
 * interface and transport of @p dst (for our Via sent-by and our
 * Record-Route URI). Returns 0 or an errno value.
 */
typedef int (sip_proxy_local_h)(void *arg, const struct sip_txn_dest *dst,
				struct sip_buf *b);

/** What happened to a forwarded request, for the call hook. */
enum sip_proxy_event {
	SIP_PROXY_EV_START,      /* forwarded on its first branch */
	SIP_PROXY_EV_RINGING,    /* a 180/183 went to the caller */
	SIP_PROXY_EV_ANSWERED,   /* the first 2xx went to the caller */
	SIP_PROXY_EV_FAILED,     /* a final non-2xx went to the caller */
	SIP_PROXY_EV_END,        /* the context is freed (last event) */
};

/**
 * Call hook: @p c (borrowed) changed; @p scode is the status sent for
 * RINGING, ANSWERED, FAILED. sip_proxy_call_msg() gives the request.
 * Must not free the proxy.
 */
typedef void (sip_proxy_call_h)(void *arg, struct sip_proxy_call *c,
				enum sip_proxy_event ev, uint16_t scode);

struct sip_proxy_conf {
	struct sip_txn_stack *stack;   /* borrowed; outlives the proxy */
	struct sip_timers *timers;     /* borrowed: Timer C, branch timeouts */
	uint32_t timer_c;              /* ms; 0 = SIP_PROXY_TIMER_C */
	sip_proxy_local_h *local;      /* required */
	sip_proxy_call_h *call_h;      /* optional */
	void *arg;                     /* for local and call_h */
	uint8_t secret[16];            /* key of the loop-detection hash */
};

/**
 * New proxy with a copy of @p conf. Free with sip_mem_deref() before the
 * transaction stack: calls in progress are dropped without answers.
 * Returns 0, EINVAL (no stack, timers or local hook), ENOMEM.
 */
int sip_proxy_alloc(struct sip_proxy **pp, const struct sip_proxy_conf *conf);

/* ---- §16.3 and §16.4: checks and Route pre-processing ---- */

/**
 * §16.3 step 4: true when request @p m has looped through this proxy:
 * one of its Via values carries our branch with the hash of the request
 * as it is now. False for a spiral (same proxy, changed request) and for
 * anything unparsable.
 */
bool sip_proxy_loop(const struct sip_proxy *p, struct sip_msg *m);

/** Is @p uri this proxy (an address or domain of ours)? */
typedef bool (sip_proxy_self_h)(void *arg, const struct sip_uri *uri);

/** What §16.4 found in a request. */
struct sip_proxy_route {
	unsigned pop;             /* leading Route values that are ours
	                             (at most 2: RFC 5658 double Record-Route) */
	bool strict;              /* the Request-URI was ours (a strict router
	                             sent it): the last Route value becomes
	                             the Request-URI and is removed */
	struct sip_pl next_uri;   /* where the request goes: the first Route
	                             left, or (no Route left) the Request-URI
	                             after the strict fix; slice of @p m */
	bool has_route;           /* a Route is left after popping */
};

/**
 * §16.4 for request @p m: which Route values to remove and where the
 * request goes next. @p self says what is ours. Returns 0, EBADMSG (a
 * Route or the Request-URI does not parse; m->err says which).
 */
int sip_proxy_route_pre(struct sip_msg *m, sip_proxy_self_h *self, void *arg,
			struct sip_proxy_route *r);

/* ---- stateful forwarding ---- */

enum sip_proxy_fork {
	SIP_PROXY_PARALLEL,       /* every target at once */
	SIP_PROXY_SEQUENTIAL,     /* targets of the same q-value together,
	                             groups in order of decreasing q */
};

/** One target of the target set (§16.5), resolved by the caller. */
struct sip_proxy_target {
	const char *uri;          /* Request-URI of the branch; NULL: keep
	                             the request's (loose routing) */
	struct sip_txn_dest dst;  /* the next hop */
	int q;                    /* thousandths; -1: none (counts as 1000) */
	const char *route;        /* Route values to put on top (a registered
	                             Path, RFC 3327), comma separated; NULL */
};

/**
 * Sequential failover decision: the current branch ended with @p scode
 * (0: timeout or transport error). Return true to try the next target,
 * false to stop and answer with the best response. When the hook is
 * NULL every final but 2xx and 6xx tries the next target.
 */
typedef bool (sip_proxy_next_h)(void *arg, uint16_t scode);

struct sip_proxy_opts {
	enum sip_proxy_fork fork;
	uint32_t branch_timeout;  /* sequential: ms a group may ring before
	                             the next is tried (0: until its final) */
	bool record_route;        /* add ours (dialog-creating requests only) */
	struct sip_proxy_route route; /* from sip_proxy_route_pre(); zero: none */
	struct sip_pl via;        /* the request's top Via as it is passed on,
	                             with received/rport (§18.2.1, RFC 3581 §4);
	                             unset: as received. Copied. */
	sip_proxy_next_h *next;   /* sequential failover decision, or NULL */
	void *next_arg;           /* for next: NULL or a sip_mem object, of
	                             which the call holds a reference until
	                             it ends */
};

/**
 * Forward the request of server transaction @p st (not ACK, not CANCEL)
 * to the @p n targets (copied; 1..SIP_PROXY_TARGETS_MAX) as @p opts says.
 * The proxy takes a reference on @p st and answers it itself from now
 * on: every provisional but 100 and every 2xx is forwarded, the best
 * final of §16.7 step 6 (401/407 challenges merged) when every branch is
 * done. @p cp (may be NULL) gets the call, borrowed: valid until its END
 * event. Returns 0, EINVAL (no target, too many, ACK/CANCEL), EBADMSG
 * (the request cannot be edited), ENOMEM; then nothing was sent and the
 * caller answers.
 */
int sip_proxy_forward(struct sip_proxy *p, struct sip_txn *st,
		      const struct sip_proxy_target *t, size_t n,
		      const struct sip_proxy_opts *opts,
		      struct sip_proxy_call **cp);

/**
 * §16.10: the caller CANCELled the INVITE of server transaction @p st.
 * When a call of ours has @p st: every pending branch is CANCELled (a
 * branch without a provisional response yet is CANCELled when one comes)
 * and no new branch starts; the caller then gets the best final, a 487
 * from the branches. Returns 0, or ENOENT when @p st is not ours (the
 * caller answers the CANCEL as a UAS would). The CANCEL itself is
 * answered by the caller of this function (200).
 */
int sip_proxy_cancel(struct sip_proxy *p, struct sip_txn *st);

/** The request of call @p c (borrowed, as long as @p c). */
struct sip_msg *sip_proxy_call_msg(const struct sip_proxy_call *c);

/** Number of calls (response contexts) alive. */
size_t sip_proxy_count(const struct sip_proxy *p);

/* ---- stateless forwarding (§16.11) ---- */

/**
 * Forward request @p m (an ACK for a 2xx, or any request of a stateless
 * route) statelessly to @p t: Route pre-processing @p route (may be
 * NULL), Max-Forwards, the request's top Via replaced by @p via when set
 * (as sip_proxy_opts.via), our Via with a branch derived from the
 * request's own top Via (§16.11: a retransmission maps to the same
 * branch), sent through the stack's send hook. Returns 0, EINVAL (Max-Forwards 0), EBADMSG,
 * ENOMEM, or the send hook's error.
 */
int sip_proxy_stateless(struct sip_proxy *p, struct sip_msg *m,
			const struct sip_proxy_target *t,
			const struct sip_proxy_route *route, struct sip_pl via);

/**
 * §16.7 step 3 / §16.11 for a response that matched no client
 * transaction: when its top Via is ours (our branch form), print it
 * without that Via into @p b (appended). Returns 0, ENOENT (top Via not
 * ours, or no Via left under it: not ours to forward), EBADMSG, ENOMEM.
 * The caller sends it to the address of the next Via (§18.2.2).
 */
int sip_proxy_response_out(const struct sip_proxy *p, struct sip_msg *m,
			   struct sip_buf *b);

/* ---- helpers, exposed for tests ---- */

/**
 * The §16.7 step 6 choice among @p n final status codes (0 = none
 * received: counts as 408): a 6xx if any, else the lowest class; within
 * 4xx, 401, 407, 415, 420 and 484 first, then the lowest code. Returns
 * the index chosen, or -1 when @p n is 0.
 */
int sip_proxy_best(const uint16_t *codes, size_t n);

/** Print "SIP/2.0/<T> " for transport @p t into @p b. */
void sip_proxy_print_via_proto(struct sip_buf *b, enum sip_txn_transport t);

#endif
