/*
 * txn.h - the SIP transaction layer (RFC 3261 §17, updated by RFC 6026).
 *
 * A struct sip_txn_stack holds every transaction of one sipd instance:
 * INVITE client (ICT), non-INVITE client (NICT), INVITE server (IST) and
 * non-INVITE server (NIST) machines, their timers A-M, and the matching
 * of incoming messages to them (§17.1.3, §17.2.3). It does no I/O of its
 * own: bytes leave through the config's send hook and messages arrive
 * through sip_txn_stack_recv(); time comes from a struct sip_timers.
 *
 * Events reach the transaction user (TU: a UA core, proxy core, ...) as
 * calls of a sip_txn_h handler. Handlers are never called from inside a
 * function the TU called (sip_txn_request(), sip_txn_reply(), ...): what
 * such a call causes (say, a transport error) is reported from the timer
 * set shortly after, at the same clock time.
 *
 * Lifetime: the stack holds one reference on every transaction until it
 * has delivered SIP_TXN_EV_TERMINATED; a transaction pointer handed to the
 * TU is borrowed until then. A TU that keeps the pointer longer takes its
 * own reference (sip_mem_ref / sip_mem_deref).
 */
#ifndef SIP_TXN_H
#define SIP_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "sip/pl.h"

struct sip_msg;
struct sip_out;
struct sip_timers;
struct sip_txn;
struct sip_txn_stack;

/**
 * Returned by sip_txn_stack_recv() for a message no transaction owns and
 * none should be created for (stray response, ACK for a 2xx): the caller
 * keeps the message and handles it itself. Same value as SIP_DECLINED of
 * the message layer; never an errno value.
 */
#define SIP_TXN_DECLINED (-1)

/** Defaults of RFC 3261 Table 4, in milliseconds. */
enum {
	SIP_TXN_T1 = 500,          /* RTT estimate */
	SIP_TXN_T2 = 4000,         /* longest retransmit interval, non-INVITE */
	SIP_TXN_T4 = 5000,         /* longest a message stays in the network */
	SIP_TXN_TIMER_D = 32000,   /* ICT Completed, unreliable: "at least 32 s" */
	SIP_TXN_TRYING_DELAY = 200, /* IST: send 100 if the TU is silent this long */
	SIP_TXN_BRANCH_SIZE = 48,  /* buffer for sip_txn_branch_new(), NUL included */
	SIP_TXN_TAG_SIZE = 24,     /* buffer for sip_txn_tag_new(), NUL included */
};

enum sip_txn_transport {
	SIP_TXN_UDP,
	SIP_TXN_TCP,
	SIP_TXN_TLS,
	SIP_TXN_WS,
	SIP_TXN_WSS,
};

/**
 * Where a message goes (or came from). Only UDP is unreliable (§17.1.1.2:
 * retransmission timers run and Timers D, I, J, K are non-zero); the
 * others are reliable.
 */
struct sip_txn_dest {
	enum sip_txn_transport transport;
	struct sockaddr_storage addr;   /* remote address */
	socklen_t addrlen;
	void *conn;                     /* borrowed: the transport's connection
	                                   to reuse, or NULL; opaque here */
	unsigned iface;                 /* local interface / listener id */
};

/** True for every transport but UDP. */
bool sip_txn_dest_reliable(const struct sip_txn_dest *dst);

/**
 * Send hook: pass @p len bytes at @p bytes to the transport for @p dst.
 * Returns 0 when handed over, or an errno value: the transaction then
 * treats it as a transport error (§17.1.4, §17.2.4). A transport that
 * learns of a failure later calls sip_txn_stack_transport_error().
 */
typedef int (sip_txn_send_h)(void *arg, const struct sip_txn_dest *dst,
			     const char *bytes, size_t len);

enum sip_txn_kind {
	SIP_TXN_ICT,    /* INVITE client, §17.1.1 */
	SIP_TXN_NICT,   /* non-INVITE client, §17.1.2 */
	SIP_TXN_IST,    /* INVITE server, §17.2.1 */
	SIP_TXN_NIST,   /* non-INVITE server, §17.2.2 */
};

/** States named as in RFC 3261 §17 and RFC 6026 §7. */
enum sip_txn_state {
	SIP_TXN_CALLING,      /* ICT */
	SIP_TXN_TRYING,       /* NICT, NIST */
	SIP_TXN_PROCEEDING,   /* all */
	SIP_TXN_COMPLETED,    /* all */
	SIP_TXN_CONFIRMED,    /* IST */
	SIP_TXN_ACCEPTED,     /* ICT, IST (RFC 6026) */
	SIP_TXN_TERMINATED,   /* all */
};

enum sip_txn_event_kind {
	/* client: a response to pass up: every 1xx, the first final
	 * response, and every 2xx while Accepted (RFC 6026 §7.2) */
	SIP_TXN_EV_RESPONSE,
	/* IST in Accepted: an ACK that matched it (RFC 6026 §7.1) */
	SIP_TXN_EV_ACK,
	/* Timer B (ICT), Timer F (NICT), Timer H (IST: no ACK came) */
	SIP_TXN_EV_TIMEOUT,
	/* the transport failed (ev->err); the transaction terminates,
	 * except an IST in Accepted, which waits for Timer L */
	SIP_TXN_EV_TRANSPORT_ERROR,
	/* last event of every transaction; the stack drops its reference
	 * right after the handler returns */
	SIP_TXN_EV_TERMINATED,
};

struct sip_txn_event {
	enum sip_txn_event_kind kind;
	struct sip_msg *msg;   /* RESPONSE, ACK: lent for the call; see
	                          sip_txn_event_take() */
	int err;               /* TRANSPORT_ERROR: the transport's errno */
};

/** Event handler of a transaction. */
typedef void (sip_txn_h)(struct sip_txn *t, struct sip_txn_event *ev, void *arg);

/**
 * A new server transaction was created for request @p req (not an ACK).
 * The TU answers now or later with sip_txn_reply() / sip_txn_reply_code();
 * an INVITE it leaves unanswered for 200 ms gets a 100 (Trying) from the
 * transaction (§17.2.1). @p req belongs to the transaction (see
 * sip_txn_msg()). For a CANCEL, sip_txn_stack_match_cancel() finds the
 * transaction it cancels.
 */
typedef void (sip_txn_request_h)(struct sip_txn *st, struct sip_msg *req, void *arg);

/** Observer of every state change (logs, traces); must not call the stack. */
typedef void (sip_txn_trace_h)(void *arg, const struct sip_txn *t,
			       enum sip_txn_state from, enum sip_txn_state to);

struct sip_txn_config {
	struct sip_timers *timers;     /* borrowed; outlives the stack */
	uint32_t t1, t2, t4;           /* ms; 0 = SIP_TXN_T1 / T2 / T4 */
	uint32_t timer_d;              /* ms, unreliable only; 0 = SIP_TXN_TIMER_D */
	uint32_t trying;               /* ms before the automatic 100 (Trying);
	                                  0 = SIP_TXN_TRYING_DELAY */
	sip_txn_send_h *send;          /* required */
	void *send_arg;
	sip_txn_request_h *request_h;  /* required: new server transaction */
	sip_txn_h *server_h;           /* default event handler of server
	                                  transactions (may be NULL) */
	void *arg;                     /* for request_h and server_h */
	sip_txn_trace_h *trace;        /* optional */
	void *trace_arg;
	uint8_t secret[16];            /* key for branches, tags and hashing;
	                                  all zero: drawn from getrandom() */
	bool compact_completed;        /* a Completed non-INVITE server
	                                  transaction over UDP (RFC 3261
	                                  branch) lives on as a compact record
	                                  (done.c) answering retransmissions
	                                  with its final response until Timer
	                                  J, and the transaction object ends
	                                  at once: its TERMINATED event comes
	                                  right after the final response */
};

/** Counters, for metrics. */
struct sip_txn_stats {
	uint64_t created[4];        /* per enum sip_txn_kind */
	uint64_t active[4];         /* in progress now, per kind */
	uint64_t retransmissions;   /* requests (A, E) and responses (G, and
	                               answers to retransmitted requests) resent */
	uint64_t absorbed;          /* retransmitted requests and responses
	                               absorbed without reaching the TU */
	uint64_t timeouts;          /* Timer B, F, H */
	uint64_t transport_errors;
	uint64_t sent;              /* messages passed to the send hook */
	uint64_t compact;           /* Completed non-INVITE server transactions
	                               held as compact records now */
};

/* ---- the stack ---- */

/**
 * New stack with a copy of @p cfg. Free with sip_mem_deref() (never from
 * inside a handler): live transactions are then terminated without
 * further events. Returns 0, EINVAL (no timers, send or request_h; T1 or
 * T2 inconsistent), ENOMEM, or the error of getrandom().
 */
int sip_txn_stack_alloc(struct sip_txn_stack **sp, const struct sip_txn_config *cfg);

/**
 * Hand a received, decoded message to the transaction layer. @p src says
 * where it came from; server transactions send their responses there (the
 * RFC 3581 symmetric rule; a transport wanting §18.2.2's sent-by rules
 * maps the destination in its send hook).
 *
 * Returns
 *  - 0: consumed, and the stack now owns @p m: it matched a transaction
 *    (a retransmission absorbed, an ACK, a response passed to the TU) or
 *    it created a server transaction (request_h was called);
 *  - SIP_TXN_DECLINED: no transaction owns it and none was created: a
 *    response matching no client transaction (§17.1.3: "passed directly
 *    to the core"), or an ACK matching no server transaction (the ACK for
 *    a 2xx, §17.2.3). The caller keeps @p m, e.g. to forward it
 *    statelessly;
 *  - EBADMSG: Via, CSeq, Call-ID, From or To missing or malformed (the
 *    caller keeps @p m and may answer 400 statelessly);
 *  - ENOMEM. The caller keeps @p m.
 */
int sip_txn_stack_recv(struct sip_txn_stack *s, struct sip_msg *m,
		       const struct sip_txn_dest *src);

/**
 * The transport reports a failure after the fact (a TCP connection
 * reset, an ICMP error): every transaction whose destination is the
 * connection @p dst->conn (or, when that is NULL, the same transport and
 * address) gets a transport error @p err.
 */
void sip_txn_stack_transport_error(struct sip_txn_stack *s,
				   const struct sip_txn_dest *dst, int err);

/**
 * §9.2: the server transaction a CANCEL @p cancel is for: the one
 * matching it by §17.2.3 with the method taken as INVITE (any state but
 * Terminated). Returns 0 with @p *stp set (borrowed), ENOENT, EBADMSG.
 */
int sip_txn_stack_match_cancel(struct sip_txn_stack *s, struct sip_msg *cancel,
			       struct sip_txn **stp);

/**
 * Send @p len bytes outside any transaction (the ACK for a 2xx,
 * stateless forwarding) through the send hook. Returns its result.
 */
int sip_txn_stack_send(struct sip_txn_stack *s, const struct sip_txn_dest *dst,
		       const char *bytes, size_t len);

/** Copy the counters into @p st. */
void sip_txn_stack_stats(const struct sip_txn_stack *s, struct sip_txn_stats *st);

/** What sip_txn_stack_foreach() shows of one transaction (slices valid
 *  during the visit only). */
struct sip_txn_info {
	enum sip_txn_kind kind;
	enum sip_txn_state state;
	struct sip_pl method;
	struct sip_pl branch;
	struct sip_pl callid;          /* unset when not known */
	uint64_t age_ms;               /* since creation, on the stack's clock */
	uint16_t last_code;            /* server: last response sent; else 0 */
	uint32_t retransmissions;
};

/** Visitor: return false to stop the walk. Must not call the stack. */
typedef bool (sip_txn_visit_h)(void *arg, const struct sip_txn_info *ti);

/**
 * Call @p h for every live transaction, newest first (for the HTTP API
 * and debugging), then for every Completed non-INVITE server transaction
 * kept as a compact record (cfg.compact_completed), oldest first: those
 * have no Call-ID and their age counts from Completed. Returns how many
 * were visited.
 */
size_t sip_txn_stack_foreach(const struct sip_txn_stack *s, sip_txn_visit_h *h,
			     void *arg);

/** Debug dump: timers, counters and every transaction with its state. */
void sip_txn_debug(FILE *f, const struct sip_txn_stack *s);

/**
 * A fresh branch "z9hG4bK" + 32 hex digits (keyed hash of the stack's
 * secret and a counter) into @p buf of @p size bytes. 0 or ENOSPC.
 */
int sip_txn_branch_new(struct sip_txn_stack *s, char *buf, size_t size);

/** A fresh tag (16 hex digits) for From/To. 0 or ENOSPC. */
int sip_txn_tag_new(struct sip_txn_stack *s, char *buf, size_t size);

/* ---- client transactions ---- */

/**
 * Start a client transaction for request @p req (printed once, borrowed):
 * an ICT for INVITE, a NICT for any other method but ACK. The request
 * must carry its top Via with an RFC 3261 branch (sip_txn_branch_new())
 * and a CSeq. It is sent to @p dst now and retransmitted as §17.1 says;
 * events go to @p h with @p arg (h may be NULL).
 * On 0, @p *ctp (may be NULL) is the transaction, borrowed (see the top
 * of this file). Returns EINVAL (ACK, not a request, no branch with the
 * magic cookie, no CSeq), EEXIST (a live client transaction has the same
 * branch and method), ENOMEM. A failed first send is a transport error
 * event, not an error here.
 */
int sip_txn_request(struct sip_txn **ctp, struct sip_txn_stack *s,
		    struct sip_out *req, const struct sip_txn_dest *dst,
		    sip_txn_h *h, void *arg);

/** As sip_txn_request() for a request already printed: @p bytes is copied. */
int sip_txn_request_bytes(struct sip_txn **ctp, struct sip_txn_stack *s,
			  struct sip_pl bytes, const struct sip_txn_dest *dst,
			  sip_txn_h *h, void *arg);

/**
 * §9.1: CANCEL the INVITE of client transaction @p ict with a new NICT
 * (same Request-URI, Call-ID, From, To, CSeq number, top Via and Route
 * headers) sent to the same destination. Returns 0 with @p *ctp set (may
 * be NULL), EINVAL (not an ICT), EAGAIN (no provisional response yet: a
 * CANCEL must wait for one), EALREADY (a final response arrived or the
 * transaction ended), ENOMEM.
 */
int sip_txn_cancel(struct sip_txn **ctp, struct sip_txn *ict, sip_txn_h *h, void *arg);

/* ---- server transactions ---- */

/**
 * Send response @p resp (printed once, borrowed; built e.g. with
 * sip_out_reply() from sip_txn_msg(st)) on server transaction @p st.
 * Returns 0 when the state machine took it (a send failure is reported as
 * an event), EINVAL (not a server transaction, not a response, 100-699
 * only), EALREADY (a final response was already sent: only 2xx may follow
 * a 2xx, RFC 6026), ESRCH (terminated), ENOMEM.
 */
int sip_txn_reply(struct sip_txn *st, struct sip_out *resp);

/**
 * Reply with a bare response to the request: §8.2.6 (sip_out_reply())
 * with @p reason (NULL: the RFC's) and, for scode > 100 when the request
 * has no To tag, the transaction's tag (sip_txn_totag()). Returns as
 * sip_txn_reply().
 */
int sip_txn_reply_code(struct sip_txn *st, uint16_t scode, const char *reason);

/**
 * The To tag this server transaction puts in responses it builds itself,
 * NUL-terminated, stable for its lifetime; a TU building its own
 * responses may use it. Empty for client transactions.
 */
const char *sip_txn_totag(const struct sip_txn *st);

/* ---- any transaction ---- */

/** Route @p t's events to @p h(@p arg) from now on. */
void sip_txn_set_handler(struct sip_txn *t, sip_txn_h *h, void *arg);

/**
 * The transaction's request: for a server transaction the one received,
 * for a client transaction a decoded copy of the one sent. Valid as long
 * as @p t, except that a non-INVITE server transaction over UDP frees it
 * once it is Completed and the TU's call has returned (it would otherwise
 * be held for Timer J, 64*T1): NULL from then on.
 */
struct sip_msg *sip_txn_msg(const struct sip_txn *t);

/** Branch of the transaction's top Via (may be empty for RFC 2543 peers). */
struct sip_pl sip_txn_branch(const struct sip_txn *t);

/** Where the transaction sends. */
const struct sip_txn_dest *sip_txn_dest(const struct sip_txn *t);

enum sip_txn_kind sip_txn_kind(const struct sip_txn *t);
enum sip_txn_state sip_txn_state(const struct sip_txn *t);
const char *sip_txn_kind_name(enum sip_txn_kind k);    /* "ICT", ... */
const char *sip_txn_state_name(enum sip_txn_state s);  /* "Calling", ... */

/**
 * Take the message of a RESPONSE or ACK event out of the event: the caller
 * owns it from now (sip_msg_free()), the stack will not free it. NULL when
 * there is none or it was taken already.
 */
struct sip_msg *sip_txn_event_take(struct sip_txn_event *ev);

#endif
