/*
 * transport.h - the SIP transport layer (RFC 3261 §18): UDP and TCP
 * listeners on a libuv loop, stream framing, the connection table with
 * reuse (§18, RFC 5923 aliases), CRLF keep-alives (RFC 5626 §4.4.1),
 * received/rport (§18.2.1, RFC 3581), response addressing (§18.2.2) and
 * the UDP size rule (§18.1.1).
 *
 * One struct sip_tp is a set of listeners plus the connections they
 * accept or open, all on one uv loop. Every message received is decoded
 * (sip_msg_decode()) and handed to the receive handler; every send copies
 * its bytes, so the caller's buffer may be reused at once.
 */
#ifndef SIP_TRANSPORT_H
#define SIP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <uv.h>

#include "sip/buf.h"
#include "sip/pl.h"

struct sip_msg;
struct sip_via;

enum sip_tp_kind {
	SIP_TP_UDP,
	SIP_TP_TCP,
	SIP_TP_TLS,     /* reserved: not implemented yet (ENOTSUP) */
	SIP_TP_NKINDS,
};

/* Default ports (RFC 3261 §18.1.1 / §19.1.2). */
enum {
	SIP_TP_PORT = 5060,
	SIP_TP_PORT_TLS = 5061,
};

/* ---- addresses (addr.c) ---- */

/** An IPv4 or IPv6 socket address. len 0 means "unset". */
struct sip_tp_addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_storage ss;
	} u;
	socklen_t len;
};

/* Room for "[ipv6]:port" plus NUL. */
#define SIP_TP_ADDRSTRLEN (INET6_ADDRSTRLEN + 8)

/**
 * Parse "1.2.3.4:5060", "1.2.3.4", "[::1]:5060", "[::1]" or "::1" (a
 * bare IPv6 address has no port). A missing port gives port 0. Host names
 * are not resolved. Returns 0 or EINVAL; @p a is written only on success.
 */
int sip_tp_addr_decode(struct sip_tp_addr *a, struct sip_pl text);

/**
 * Set @p a from an IP literal without brackets (@p ip, "1.2.3.4" or
 * "2001:db8::1") and @p port. Returns 0 or EINVAL.
 */
int sip_tp_addr_ip(struct sip_tp_addr *a, struct sip_pl ip, uint16_t port);

/**
 * Copy a struct sockaddr (AF_INET or AF_INET6) into @p a; an IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d) becomes plain AF_INET so that it compares
 * equal to the same peer seen on an IPv4 socket. Returns 0 or
 * EAFNOSUPPORT.
 */
int sip_tp_addr_set(struct sip_tp_addr *a, const struct sockaddr *sa);

/** Port in host order (0 for an unset address). */
uint16_t sip_tp_addr_port(const struct sip_tp_addr *a);

/** Change the port of a set address (no-op when unset). */
void sip_tp_addr_set_port(struct sip_tp_addr *a, uint16_t port);

/** Address family (AF_INET, AF_INET6) or AF_UNSPEC when unset. */
int sip_tp_addr_af(const struct sip_tp_addr *a);

/** True for 0.0.0.0 and :: (a wildcard bind). */
bool sip_tp_addr_is_any(const struct sip_tp_addr *a);

/**
 * Total order on addresses: family, then IP bytes, then port (when
 * @p with_port). Returns <0, 0 or >0. Unset sorts first.
 */
int sip_tp_addr_cmp(const struct sip_tp_addr *a, const struct sip_tp_addr *b,
		    bool with_port);

/** Same IP and port. */
bool sip_tp_addr_eq(const struct sip_tp_addr *a, const struct sip_tp_addr *b);

/** Same IP, any port. */
bool sip_tp_addr_ip_eq(const struct sip_tp_addr *a,
		       const struct sip_tp_addr *b);

/**
 * Print "1.2.3.4:5060" or "[::1]:5060" (@p with_port), or the bare IP
 * ("1.2.3.4", "::1": the form of a Via received value). Allocation
 * failure is left sticky in @p b. Unset addresses print nothing.
 */
void sip_tp_addr_print(struct sip_buf *b, const struct sip_tp_addr *a,
		       bool with_port);

/**
 * Format into @p buf (at least SIP_TP_ADDRSTRLEN bytes) with the port,
 * for logs. Returns @p buf ("-" when unset).
 */
const char *sip_tp_addr_fmt(const struct sip_tp_addr *a,
			    char buf[SIP_TP_ADDRSTRLEN]);

/* ---- the transport set (tp.c) ---- */

struct sip_tp;
struct sip_tp_conn;

/** Limits and tunables. A field left 0 takes the default shown. */
struct sip_tp_conf {
	size_t max_msg;          /* bytes per message; SIP_MSG_MAX_SIZE, which
	                            is also the ceiling */
	unsigned tcp_max_conns;  /* accepted connections in total; 4096 */
	unsigned tcp_max_per_ip; /* accepted connections per peer IP; 64 */
	uint64_t tcp_idle_ms;    /* close after this long without traffic
	                            either way; 300000 */
	uint64_t tcp_connect_ms; /* outgoing connect timeout; 10000 */
	size_t tcp_max_queue;    /* bytes waiting to be written per
	                            connection; 1 MiB */
	int tcp_backlog;         /* listen(2) backlog; 511 */
	int udp_rcvbuf;          /* SO_RCVBUF asked for (the kernel caps it
	                            at net.core.rmem_max); 4 MiB */
	bool tcp_alias;          /* honour ";alias" (RFC 5923) on plain TCP,
	                            see sip_tp_conn_alias(); default off */
};

/**
 * Where a message came from (receive) or goes to (send).
 *
 * On receive every field is set; @p conn is borrowed for the duration of
 * the handler call (NULL for UDP): take a sip_mem_ref() to keep it.
 * On send, @p kind and @p remote name the destination; @p local (may be
 * unset) picks the UDP listener with that address; @p conn (may be NULL)
 * is the connection to use when it is still open (§18.2.2: a response
 * goes back on the request's connection); when it is closed the send
 * falls back to @p remote.
 */
struct sip_tp_peer {
	enum sip_tp_kind kind;
	struct sip_tp_addr remote;
	struct sip_tp_addr local;
	struct sip_tp_conn *conn;   /* borrowed */
};

/**
 * Receive handler: one decoded message @p m from @p src. The handler owns
 * @p m and must sip_msg_free() it (now or later). @p m is only framed and
 * split, not checked: call sip_msg_check() before acting on it. The
 * handler may send and may close connections; it must not release the
 * struct sip_tp itself.
 */
typedef void (sip_tp_recv_h)(void *arg, struct sip_msg *m,
			     const struct sip_tp_peer *src);

/**
 * Asynchronous failure of one accepted send (connection refused, reset,
 * connect timeout, write error): @p err is an errno value. Success is
 * silent. Called from the loop, at most once per send, never for a send
 * whose sip_tp_send*() call returned an error.
 */
typedef void (sip_tp_send_h)(void *arg, int err);

/**
 * Transport-level error handler: asynchronous failures of sends that had
 * no handler of their own (sip_tp_send()), with the destination.
 */
typedef void (sip_tp_err_h)(void *arg, int err, const struct sip_tp_peer *dst);

/** Counters; *_in / *_out per transport kind. */
struct sip_tp_stats {
	struct {
		uint64_t msgs_in;
		uint64_t bytes_in;
		uint64_t msgs_out;
		uint64_t bytes_out;
	} kind[SIP_TP_NKINDS];
	uint64_t parse_errors;    /* sip_msg_decode/sip_msg_frame failures */
	uint64_t dropped;         /* datagrams discarded: too big, truncated */
	uint64_t keepalives_in;   /* CRLF keep-alives received */
	uint64_t pongs_out;       /* RFC 5626 §4.4.1 pongs sent */
	uint64_t send_errors;     /* sends that failed, now or later */
	uint64_t conns_open;      /* gauge: TCP connections open now */
	uint64_t conns_accepted;
	uint64_t conns_connected; /* outgoing connects that succeeded */
	uint64_t conns_rejected;  /* accepts refused by a limit */
	uint64_t conns_failed;    /* outgoing connects that failed */
	uint64_t conns_idle;      /* closed by the idle timeout */
	uint64_t conns_bad;       /* closed for bad or oversized input */
};

/**
 * Create a transport set on @p loop (borrowed, must outlive it) with
 * @p conf (copied; NULL for all defaults). Every decoded message goes to
 * @p recvh with @p arg. Returns 0 and sets @p *tpp (a sip_mem object:
 * release with sip_mem_deref()), EINVAL or ENOMEM.
 *
 * Releasing the last reference closes every listener and connection;
 * their libuv handles finish closing on the next loop iteration, so run
 * the loop (uv_run) once more before uv_loop_close(). Pending sends are
 * cancelled without calling their handlers.
 */
int sip_tp_alloc(struct sip_tp **tpp, uv_loop_t *loop,
		 const struct sip_tp_conf *conf, sip_tp_recv_h *recvh,
		 void *arg);

/** Set (or clear, @p eh NULL) the transport-level error handler. */
void sip_tp_set_err_handler(struct sip_tp *tp, sip_tp_err_h *eh, void *arg);

/**
 * Listen for @p kind (SIP_TP_UDP or SIP_TP_TCP) on @p addr (IPv4 or
 * IPv6; port 0 picks an ephemeral port). IPv6 sockets are IPV6_V6ONLY so
 * an IPv4 listener can share the port. @p bound (may be NULL) gets the
 * address actually bound. Returns 0, ENOTSUP for TLS, EAFNOSUPPORT, or
 * the bind/listen errno (EADDRINUSE, ...); ENOMEM.
 */
int sip_tp_listen(struct sip_tp *tp, enum sip_tp_kind kind,
		  const struct sockaddr *addr, struct sip_tp_addr *bound);

/**
 * Local address of the first listener of @p kind and family @p af
 * (AF_UNSPEC: any), e.g. for a Via sent-by. Returns 0 or ENOENT.
 */
int sip_tp_laddr(const struct sip_tp *tp, enum sip_tp_kind kind, int af,
		 struct sip_tp_addr *out);

/**
 * Send @p len bytes at @p p (copied) to @p dst.
 *
 * UDP goes out of the listener whose local address is dst->local, or
 * else the first UDP listener of the destination's family. TCP uses
 * dst->conn when open, else an open connection to dst->remote (accepted
 * or connected: §18 reuse, RFC 5923 aliases included), else opens one;
 * bytes sent while it connects are queued.
 *
 * Returns 0 when the bytes were handed to the kernel or queued;
 * otherwise an errno value and nothing will be reported later: EINVAL,
 * EAFNOSUPPORT (no UDP listener for that family), ENOTCONN (no conn and
 * no remote), ENOBUFS (write queue full), EMSGSIZE (over
 * SIP_MSG_MAX_SIZE, or the kernel's datagram limit), ENOTSUP (TLS),
 * ENOMEM, or what sendto(2)/connect(2) reported at once. Later failures
 * go to the transport-level error handler (sip_tp_set_err_handler()).
 */
int sip_tp_send(struct sip_tp *tp, const struct sip_tp_peer *dst,
		const char *p, size_t len);

/**
 * As sip_tp_send(), with @p h (may be NULL) told of a later failure of
 * this send instead of the transport-level handler: what a client
 * transaction needs for RFC 3261 §17.1.4. @p arg is borrowed: call
 * sip_tp_send_cancel() before it goes away.
 */
int sip_tp_sendh(struct sip_tp *tp, const struct sip_tp_peer *dst,
		 struct sip_pl data, sip_tp_send_h *h, void *arg);

/** Forget the handlers of every pending send whose arg is @p arg. */
void sip_tp_send_cancel(struct sip_tp *tp, const void *arg);

/** The counters (valid as long as @p tp). */
const struct sip_tp_stats *sip_tp_stats(const struct sip_tp *tp);

/**
 * Debug dump into @p b: listeners, connections (state, addresses,
 * aliases, queued bytes, idle time), counters. Allocation failure is
 * left sticky in @p b.
 */
void sip_tp_debug(struct sip_buf *b, const struct sip_tp *tp);

/** Protocol token of @p kind: "UDP", "TCP", "TLS". */
const char *sip_tp_kind_name(enum sip_tp_kind kind);

/**
 * Kind named by a Via transport token (case-insensitive). Returns 0 or
 * ENOTSUP for other tokens (SCTP, WS, ...).
 */
int sip_tp_kind_decode(struct sip_pl token, enum sip_tp_kind *kind);

/** True for the connection-oriented kinds (TCP, TLS). */
bool sip_tp_kind_reliable(enum sip_tp_kind kind);

/* ---- connections (conn.c) ---- */

/**
 * A TCP connection is a sip_mem object owned by the transport while it is
 * open; anyone may hold a reference to it beyond that (its accessors stay
 * valid, sends through it fail over as described at sip_tp_send()).
 */

/** Remote / local address of @p c. */
const struct sip_tp_addr *sip_tp_conn_remote(const struct sip_tp_conn *c);
const struct sip_tp_addr *sip_tp_conn_local(const struct sip_tp_conn *c);

/** True while @p c is open (connecting counts as open). */
bool sip_tp_conn_isopen(const struct sip_tp_conn *c);

/** True when the peer opened @p c (we accepted it). */
bool sip_tp_conn_accepted(const struct sip_tp_conn *c);

/**
 * Close @p c now; its queued bytes are dropped and their senders told
 * ECANCELED. No-op when already closed. The caller's references remain.
 */
void sip_tp_conn_close(struct sip_tp_conn *c);

/**
 * RFC 5923 §5 alias: let requests to @p alias (the peer's advertised
 * sent-by IP and port) reuse @p c, a connection the peer opened. The
 * RFC asks for TLS with mutual authentication before honouring an alias;
 * over plain TCP the transport does so by itself only with
 * conf.tcp_alias and only for a Via ";alias" whose sent-by IP is the
 * connection's own source IP. Callers that have authenticated the peer
 * otherwise may call this directly. Returns 0, ENOTCONN (closed),
 * EEXIST (already an alias of @p c), ENOMEM.
 */
int sip_tp_conn_alias(struct sip_tp_conn *c, const struct sip_tp_addr *alias);

/* ---- RFC 3261 §18.1.1, §18.2.1, §18.2.2, RFC 3581 (rport.c) ---- */

/**
 * §18.1.1: the kind to send a request of @p len bytes with, when @p kind
 * was chosen. A UDP request larger than 1300 bytes (path MTU unknown,
 * @p path_mtu 0) or within 200 bytes of @p path_mtu goes over TCP
 * instead; anything else keeps @p kind. The caller updates the top Via
 * and falls back to UDP if the TCP attempt is refused.
 */
enum sip_tp_kind sip_tp_pick_kind(enum sip_tp_kind kind, size_t len,
				  unsigned path_mtu);

/**
 * §18.2.1 and RFC 3581 §4: append to @p b the text of the via-parm @p v
 * (the top Via of a request received from @p src) with "received=<src
 * IP>" added when the sent-by host is not that IP, or whenever rport was
 * asked for, and "rport" given the source port. Other parameters keep
 * their order and spelling; a "received" already present is replaced.
 * The received bytes are not touched. Returns 0, EINVAL (unset source),
 * EBADMSG (bad parameters) or ENOMEM.
 */
int sip_tp_via_received(struct sip_buf *b, const struct sip_via *v,
			const struct sip_tp_addr *src);

/**
 * §18.2.2 and RFC 3581 §4: where to send a response to a request whose
 * top Via is @p v, received from @p src (NULL when unknown, e.g. for a
 * response forwarded statelessly: then the Via's own received and rport
 * parameters are used). Fills @p dst:
 *  - reliable transport: conn = src->conn, with remote = source IP (or
 *    received) and the sent-by port (or the default) as the fallback
 *    when that connection has closed;
 *  - maddr: the maddr address and the sent-by port (or 5060);
 *  - rport: the source IP and port (or received and the rport value);
 *  - received (or a source IP differing from sent-by): that IP with the
 *    sent-by port (or 5060);
 *  - otherwise the sent-by IP and port (or 5060).
 * For UDP, dst->local is src->local so the response leaves from the
 * socket the request arrived on (RFC 3581 §4).
 * Returns 0; ENOENT when the address is a host name that needs RFC 3263
 * §5 resolution (dst->kind is still set); ENOTSUP for an unknown
 * transport; EINVAL.
 */
int sip_tp_response_dest(struct sip_tp_peer *dst, const struct sip_via *v,
			 const struct sip_tp_peer *src);

#endif
