/*
 * tp.h - private to src/transport/: the transport set, listeners,
 * connections, the connection table and pending sends.
 *
 * Lifetimes: the tp, listeners, connections and write requests are
 * sip_mem objects. Each libuv handle being closed holds a reference on
 * the object that embeds it until its close callback; each write request
 * holds one on its listener or connection. Listeners and connections
 * point back at the tp (borrowed); the tp clears that pointer when it
 * goes, so late libuv callbacks see tp == NULL and only release memory.
 */
#ifndef SRC_TRANSPORT_TP_H
#define SRC_TRANSPORT_TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "sip/transport.h"

/* ---- listeners ---- */

struct tp_listener {
	struct sip_tp *tp;            /* borrowed; NULL once the tp is gone */
	enum sip_tp_kind kind;
	struct sip_tp_addr local;
	union {
		uv_handle_t h;
		uv_udp_t udp;
		uv_tcp_t tcp;
	} u;
	char *batch;                  /* UDP: recvmmsg buffer, owned */
	size_t batch_size;
	uv_timer_t retry;             /* TCP: accept again after ENOMEM */
	bool has_retry;
	struct tp_listener *next;     /* tp->lsn list */
};

/* ---- connections ---- */

struct tp_rbuf;                       /* tcp.c: the read buffer */
struct tp_entry;                      /* conn.c: a table entry */

struct sip_tp_conn {
	struct sip_tp *tp;            /* borrowed; NULL once the tp is gone */
	enum sip_tp_kind kind;
	uv_tcp_t tcp;
	uv_timer_t timer;             /* connect timeout, then idle timeout */
	uv_connect_t creq;
	bool linked;                  /* entries and counts in the table */
	bool listed;                  /* in tp->tab.conns until the socket
	                                 has finished closing */
	bool accepted;                /* the peer opened it */
	bool connecting;
	bool closed;
	int err;                      /* why it closed, told to queued sends */
	struct sip_tp_addr remote;
	struct sip_tp_addr local;
	uint64_t last;                /* uv_now() of the last traffic */
	struct tp_rbuf *rb;           /* read buffer, shared with messages */
	int rb_err;                   /* why no room could be made to read */
	size_t wq;                    /* bytes queued for writing */
	unsigned crlf;                /* CRLF bytes in a row (ping detection) */
	struct tp_entry *entries;     /* table entries naming this conn */
	struct sip_tp_conn *prev, *next; /* tp->tab.conns */
};

/* ---- the connection table (conn.c) ---- */

struct tp_ipcount;

struct tp_conntab {
	struct tp_entry **eb;         /* by (kind, IP, port) */
	struct tp_ipcount **ib;       /* accepted conns by peer IP */
	size_t nb;                    /* buckets in each, a power of two */
	size_t naccepted;
	struct sip_tp_conn *conns;    /* open ones and those still closing */
};

int tp_conntab_init(struct tp_conntab *t, unsigned max_conns);
void tp_conntab_free(struct tp_conntab *t);

/* New conn (one reference, the "open" one, dropped by tp_conn_close())
 * with its tcp and timer handles initialised. 0 or ENOMEM. */
int tp_conn_new(struct sip_tp *tp, bool accepted, struct sip_tp_conn **cp);

/* EMFILE over the total limit, EUSERS over the per-IP one, else 0. */
int tp_conn_admit(const struct sip_tp *tp, const struct sip_tp_addr *peer);

/* Link an open conn into the table under its remote address and start
 * its timer. 0 or ENOMEM. */
int tp_conn_link(struct sip_tp_conn *c);

/* An open connection of @p kind to @p addr, or NULL. */
struct sip_tp_conn *tp_conn_lookup(const struct sip_tp *tp,
				   enum sip_tp_kind kind,
				   const struct sip_tp_addr *addr);

/* Close @p c for @p err (0: orderly): unlink it, close its handles, drop
 * the open reference. Queued writes fail with @p err (ECANCELED if 0).
 * No-op when already closed. */
void tp_conn_close(struct sip_tp_conn *c, int err);

/* The tp is going: close every connection and forget the tp. */
void tp_conn_close_all(struct sip_tp *tp);

/* One line about @p c for sip_tp_debug(). */
void tp_conn_debug(struct sip_buf *b, const struct sip_tp_conn *c);

/* Traffic on @p c: push the idle timeout back. */
void tp_conn_touch(struct sip_tp_conn *c);

/* (Re)start the timer: connect timeout while connecting, else idle. */
void tp_conn_arm(struct sip_tp_conn *c);

/* ---- pending writes ---- */

struct tp_wreq {
	union {
		uv_write_t w;
		uv_udp_send_t u;
	} req;
	struct sip_tp_conn *conn;     /* reference (TCP) */
	struct tp_listener *lsn;      /* reference (UDP) */
	enum sip_tp_kind kind;
	struct sip_tp_addr remote;
	bool own;                     /* had a handler of its own */
	bool keepalive;               /* a pong: bytes, not a message */
	sip_tp_send_h *h;             /* NULL once cancelled */
	void *arg;
	bool pending;                 /* linked in tp->pending */
	struct tp_wreq *prev, *next;
	size_t len;
	char data[];
};

/* ---- the transport set ---- */

struct sip_tp {
	uv_loop_t *loop;              /* borrowed */
	struct sip_tp_conf conf;      /* defaults applied */
	sip_tp_recv_h *recvh;
	void *arg;
	sip_tp_err_h *errh;
	void *errarg;
	struct tp_listener *lsn;
	struct tp_conntab tab;
	struct tp_wreq *pending;      /* write requests with a handler */
	struct sip_tp_stats stats;
};

/* addr.c: FNV-1a over the IP bytes (and the port). */
uint32_t tp_addr_hash(const struct sip_tp_addr *a, bool with_port);

/* tp.c */
/* A write request carrying a copy of @p data to @p remote; with @p h it
 * is pending (sip_tp_send_cancel() finds it). NULL when out of memory. */
struct tp_wreq *tp_wreq_new(struct sip_tp *tp, enum sip_tp_kind kind,
			    const struct sip_tp_addr *remote,
			    struct sip_pl data, sip_tp_send_h *h, void *arg);
/* The write ended (err 0 or errno): count, tell its handler or the
 * tp-level one, free. @p tp NULL: the tp is gone, only free. */
void tp_wreq_done(struct sip_tp *tp, struct tp_wreq *w, int err);
/* The send failed at once (reported by return value): just free. */
void tp_wreq_drop(struct sip_tp *tp, struct tp_wreq *w);
/* Decode one message and hand it to the receive handler. 0 (also when
 * out of memory: the message is dropped and counted), or the
 * sip_msg_decode() error EBADMSG / E2BIG (counted). */
int tp_deliver(struct sip_tp *tp, const char *p, size_t len, void *owner,
	       const struct sip_tp_peer *src);
int tp_uv_err(int uverr);
/* uv_close() @p h, whose data is the sip_mem object embedding it: that
 * object keeps a reference until the close callback. No-op if closing. */
void tp_handle_close(uv_handle_t *h);

/* Close the handles of a listener (it keeps a reference until done). */
void tp_lsn_close(struct tp_listener *l);

/* udp.c */
int tp_udp_listen(struct sip_tp *tp, struct tp_listener *l,
		  const struct sockaddr *addr);
int tp_udp_send(struct sip_tp *tp, const struct sip_tp_peer *dst,
		struct sip_pl data, sip_tp_send_h *h, void *arg);

/* tcp.c */
int tp_tcp_listen(struct sip_tp *tp, struct tp_listener *l,
		  const struct sockaddr *addr);
int tp_tcp_send(struct sip_tp *tp, const struct sip_tp_peer *dst,
		struct sip_pl data, sip_tp_send_h *h, void *arg);

#endif
