/*
 * txn.h - private to src/txn/: the transaction object shared by the four
 * state machines (ict.c, nict.c, ist.c, nist.c), the stack that holds
 * them (stack.c), matching (match.c), identifiers (id.c) and the message
 * builders of the client and server sides (client.c, server.c).
 *
 * Division of labour: a machine file owns its states, its timers and the
 * inputs it reacts to (struct txn_ops); the stack owns the tables, the
 * send hook, the counters and event delivery to the TU.
 */
#ifndef SRC_TXN_TXN_H
#define SRC_TXN_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/hdr.h"
#include "sip/msg.h"
#include "sip/pl.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "sip/via.h"

struct sip_cseq;

/** A printed message: sip_mem object, refcounted, bytes follow. */
struct txn_bytes {
	size_t len;
	char p[];       /* NUL-terminated */
};

/** Copy @p len bytes into a new struct txn_bytes. 0 or ENOMEM. */
int txn_bytes_new(struct txn_bytes **bp, const char *p, size_t len);

/** Print @p o into a new struct txn_bytes. 0 or ENOMEM. */
int txn_bytes_print(struct txn_bytes **bp, const struct sip_out *o);

/** Intrusive chained hash table of transactions. */
struct txn_table {
	struct sip_txn **b;   /* sip_mem array of nb bucket heads */
	size_t nb;            /* power of two */
	size_t n;
};

/** Completed non-INVITE server transactions as compact records (done.c). */
struct txn_done;
struct txn_seg;
enum { SEG_MAX = 16, SEG_RAW_CAP = 16384 };
struct txn_done_table {
	struct txn_done **b;        /* sip_mem array of nb bucket heads */
	size_t nb;                  /* power of two, or 0 */
	size_t n;
	struct txn_done *head, *tail;  /* expiry order; the list owns them */
	struct sip_timer timer_j;   /* due at head->due */
	struct txn_seg *open;       /* responses being grouped; a reference */
	struct txn_done *open_rec[SEG_MAX];  /* their records (NULL: gone) */
	void *cctx, *dctx;          /* zstd contexts, made on first use */
};

struct sip_txn_stack {
	struct sip_txn_config cfg;  /* defaults filled in */
	uint64_t key[2];            /* SipHash key, from cfg.secret */
	uint64_t counter;           /* branches and tags drawn so far */
	struct txn_table server;    /* matchable server transactions */
	struct txn_table client;    /* matchable client transactions */
	struct txn_done_table done; /* compact Completed NISTs (done.c) */
	struct sip_txn *all;        /* every transaction holding a stack ref */
	struct sip_txn_stats stats;
	bool dying;                 /* in the destructor: no more events */
};

/** What a message matched on: the parts every lookup needs. */
struct txn_key {
	const struct sip_via *via;    /* top Via */
	const struct sip_cseq *cseq;
	bool rfc3261;                 /* branch has the magic cookie */
	uint64_t hash;
};

/** Inputs of a machine; NULL where the machine has no such input. */
struct txn_ops {
	/* server: a request that matched (retransmission or ACK). The
	 * machine may lend *mp to the TU, who may take it (*mp = NULL). */
	void (*on_request)(struct sip_txn *t, struct sip_msg **mp);
	/* client: a response that matched (§17.1.3); as above */
	void (*on_response)(struct sip_txn *t, struct sip_msg **mp);
	/* server: the TU passes response @p b with status @p scode */
	int (*on_tu_response)(struct sip_txn *t, struct txn_bytes *b, uint16_t scode);
	/* the transport failed (§17.1.4, §17.2.4) */
	void (*on_transport_error)(struct sip_txn *t, int err);
	/* go to Terminated now (stack teardown) */
	void (*terminate)(struct sip_txn *t);
};

extern const struct txn_ops txn_ict_ops, txn_nict_ops, txn_ist_ops, txn_nist_ops;

/* Start a new transaction in its initial state (send, arm timers). */
void txn_ict_start(struct sip_txn *t);
void txn_nict_start(struct sip_txn *t);
void txn_ist_start(struct sip_txn *t);
void txn_nist_start(struct sip_txn *t);

/* Events waiting for the notify timer (see txn_defer()). */
enum txn_pending {
	TXN_PEND_TIMEOUT = 1 << 0,
	TXN_PEND_ERROR = 1 << 1,
	TXN_PEND_TERMINATED = 1 << 2,
};

struct sip_txn {
	struct sip_txn_stack *stack;  /* borrowed; NULL once released */
	const struct txn_ops *ops;
	enum sip_txn_kind kind;
	enum sip_txn_state state;
	bool reliable;                /* dst's transport is reliable */
	struct sip_txn_dest dst;
	sip_txn_h *h;
	void *arg;
	uint64_t created;             /* clock at creation, ms */

	/* the request and what matching reads of it */
	struct sip_msg *req;          /* owned (server: received; client:
	                                 decoded from req_bytes); NULL once
	                                 shed (txn_shed_request) */
	void *kept;                   /* sip_mem: copies of via/branch/method
	                                 after the request is shed */
	const struct sip_via *via;    /* req's top Via */
	struct sip_pl branch;         /* via->branch (may be empty) */
	struct sip_pl method;         /* req->method */
	struct sip_pl callid;         /* Call-ID once the request is shed
	                                 (in kept); else read from req */
	bool rfc3261;                 /* branch has the magic cookie */

	/* table links (match.c) */
	uint64_t hash;
	bool linked;                  /* in stack->server or stack->client */
	struct sip_txn *hnext, **hpprev;
	struct sip_txn *anext, **apprev;  /* stack->all */

	/* what the transaction sends */
	struct txn_bytes *req_bytes;  /* client: the request */
	struct txn_bytes *resp;       /* server: last response sent */
	uint16_t resp_scode;
	struct txn_bytes *ack;        /* ICT: ACK for the non-2xx final */
	char totag[SIP_TXN_TAG_SIZE]; /* server: tag of responses built here */
	char *final_totag;            /* sip_mem string; server, RFC 2543 peer: To tag of the
	                                 final response (ACK matching) */
	uint32_t retransmissions;

	/* events for the TU, delivered from the notify timer */
	unsigned pending;             /* enum txn_pending bits */
	int pending_err;
	struct sip_timer notify;

	/* timers, named as in RFC 3261 §17 / RFC 6026 */
	union {
		struct {
			struct sip_timer timer_a, timer_b, timer_d, timer_m;
			uint64_t a_interval;
		} ict;
		struct {
			struct sip_timer timer_e, timer_f, timer_k;
			uint64_t e_interval;
		} nict;
		struct {
			struct sip_timer timer_trying; /* §17.2.1's 200 ms */
			struct sip_timer timer_g, timer_h, timer_i, timer_l;
			uint64_t g_interval;
		} ist;
		struct {
			struct sip_timer timer_j;
			struct sip_timer shed;   /* not RFC: frees the request
			                            once Completed (txn_shed) */
		} nist;
	};
};

/* ---- stack.c: services to the machines ---- */

/**
 * New transaction of @p kind sending to @p dst, on the stack's `all` list
 * (the stack's reference) but in no match table yet; the caller fills in
 * the request, links it and starts the machine. 0 or ENOMEM.
 */
int txn_new(struct sip_txn **tp, struct sip_txn_stack *s, enum sip_txn_kind kind,
	    const struct sip_txn_dest *dst);

/** Undo txn_new() when creation fails before the machine started. */
void txn_discard(struct sip_txn *t);

/** The stack's timer set. */
struct sip_timers *txn_timers(const struct sip_txn *t);

/** 64*T1: Timers B, F, H, J (unreliable), L, M. */
uint64_t txn_64t1(const struct sip_txn *t);

/**
 * Send @p b to t->dst; @p retrans counts it as a retransmission. Returns
 * true when the transport took it; on failure the machine's
 * on_transport_error() has run and false is returned.
 */
bool txn_xmit(struct sip_txn *t, const struct txn_bytes *b, bool retrans);

/**
 * Pass message *@p mp to the TU as event @p kind, now (inputs from the
 * network and timers only). *@p mp becomes NULL if the TU took it.
 */
void txn_pass_up(struct sip_txn *t, enum sip_txn_event_kind kind, struct sip_msg **mp);

/**
 * Queue events for the TU, delivered from a zero-delay timer, in the order
 * timeout, transport error (@p err), terminated. Never calls the TU.
 */
void txn_defer(struct sip_txn *t, unsigned pending, int err);

/**
 * A machine entered Terminated (its timers are cancelled): unlink from the
 * tables so nothing matches it any more, and queue the TERMINATED event.
 */
void txn_terminated(struct sip_txn *t);

/** Report a state change to the trace hook. */
void txn_trace(const struct sip_txn *t, enum sip_txn_state from, enum sip_txn_state to);

/** A retransmission was absorbed (counted). */
void txn_absorbed(struct sip_txn *t);

/** Count a timeout (Timer B, F, H). */
void txn_count_timeout(struct sip_txn *t);

/* ---- match.c ---- */

/**
 * The matching key of @p m: top Via, CSeq. 0 or EBADMSG (ENOMEM).
 */
int txn_key_of(struct sip_txn_stack *s, struct sip_msg *m, struct txn_key *k);

/**
 * Free the request of a Completed non-INVITE server transaction that
 * matches by RFC 3261 branch, keeping copies of what matching reads (top
 * Via sent-by and transport, branch, method): in Completed only
 * retransmissions are matched and answered from the stored response
 * (§17.2.2), and Timer J keeps the transaction 64*T1 over UDP. An RFC 2543
 * transaction (no magic cookie) keeps its request: its matching reads the
 * whole of it. Allocation failure keeps the request (heavier, not wrong).
 */
void txn_shed_request(struct sip_txn *t);

/** §17.2.3: the server transaction request @p m belongs to, or NULL. */
struct sip_txn *txn_match_server(struct sip_txn_stack *s, struct sip_msg *m,
				 const struct txn_key *k);

/** §9.2: the INVITE server transaction CANCEL @p m is for, or NULL. */
struct sip_txn *txn_match_cancel(struct sip_txn_stack *s, struct sip_msg *m,
				 const struct txn_key *k);

/** §17.1.3: the client transaction response @p m belongs to, or NULL. */
struct sip_txn *txn_match_client(struct sip_txn_stack *s, struct sip_msg *m,
				 const struct txn_key *k);

/** The live client transaction with @p branch and @p method, or NULL. */
struct sip_txn *txn_find_client(struct sip_txn_stack *s, struct sip_pl branch,
				struct sip_pl method);

/** Hash of a client transaction's key (its branch). */
uint64_t txn_hash_branch(const struct sip_txn_stack *s, struct sip_pl branch);

/**
 * Insert @p t in the server or client table (by t->kind), t->hash set.
 * 0, or ENOMEM when the table has no buckets and none can be allocated.
 */
int txn_table_link(struct sip_txn_stack *s, struct sip_txn *t);

/** Remove @p t from its table (no-op when not linked). */
void txn_table_unlink(struct sip_txn_stack *s, struct sip_txn *t);

/** Free the bucket arrays. */
void txn_tables_free(struct sip_txn_stack *s);

/** Port of @p v's sent-by, the transport's default when absent. */
uint16_t txn_via_port(const struct sip_via *v);

/* ---- done.c ---- */

/**
 * With cfg.compact_completed: keep Completed NIST @p t (UDP, RFC 3261
 * branch, final response sent) as a compact record that answers
 * retransmissions until t's Timer J. On 0 the caller moves @p t to
 * Terminated. ENOTSUP when @p t does not qualify, ENOMEM.
 */
int txn_done_add(struct sip_txn *t);

/**
 * Request @p m with key @p k matched a record: the stored final response
 * went out again (§17.2.2) and true is returned; false when none matched.
 */
bool txn_done_recv(struct sip_txn_stack *s, const struct sip_msg *m,
		   const struct txn_key *k);

/**
 * sip_txn_stack_foreach() over the records, after the live transactions:
 * each shows as a NIST in Completed with its method, branch and final
 * status (no Call-ID: a record does not keep it), unless *@p stop is set;
 * sets *@p stop when @p h returns false. Returns the records visited.
 */
size_t txn_done_foreach(const struct sip_txn_stack *s, uint64_t now,
			sip_txn_visit_h *h, void *arg, bool *stop);

/** The records' Timer J (arg: the stack). */
void txn_done_on_timer(void *arg);

/** Drop every record and the table (stack teardown). */
void txn_done_free(struct sip_txn_stack *s);

/* ---- id.c ---- */

/** SipHash-2-4 of @p len bytes at @p p under @p key. */
uint64_t txn_siphash(const uint64_t key[2], const void *p, size_t len);

/* ---- client.c ---- */

/**
 * §17.1.1.3: build the ACK for non-2xx final response @p resp of ICT @p t
 * into t->ack. 0 or ENOMEM.
 */
int txn_build_ack(struct sip_txn *t, struct sip_msg *resp);

/* ---- server.c ---- */

/** Create the server transaction for request @p m (owned by it on 0). */
int txn_server_new(struct sip_txn_stack *s, struct sip_msg *m,
		   const struct sip_txn_dest *src, const struct txn_key *k);

/**
 * A §8.2.6 response to t->req with @p scode (To tag: t->totag for
 * scode > 100), printed. 0 or ENOMEM.
 */
int txn_build_reply(struct sip_txn *t, uint16_t scode, const char *reason,
		    struct txn_bytes **bp);

/**
 * RFC 2543 peers: remember the To tag of final response @p b, which their
 * ACK repeats (§17.2.3). Allocation failure leaves it unset.
 */
void txn_note_final_totag(struct sip_txn *t, struct txn_bytes *b);

#endif
