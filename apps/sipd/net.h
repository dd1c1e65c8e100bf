/*
 * net.h - the glue between the transport (include/sip/transport.h) and
 * the transaction layer (include/sip/txn.h), and the one place where
 * messages are traced on their way in and out.
 *
 * Receiving (sipd_net_recv): every message is traced, then a response
 * goes to the transaction layer (stray or malformed ones are dropped and
 * counted); a request goes to the transaction layer with the destination
 * of its responses (§18.2.2, RFC 3581), which creates a server
 * transaction and calls the core (core.c) or answers a retransmission
 * itself; what it cannot take (no usable Via, CSeq, ...) is answered
 * statelessly by the core.
 *
 * Sending: the transaction layer's send hook and sipd's own stateless
 * answers go through sipd_net_send(). Transport errors go both ways: a
 * send the transport refuses at once is the hook's return value, a later
 * failure (TCP reset, connect timeout) reaches the transactions through
 * sip_txn_stack_transport_error() (§17.1.4, §17.2.4).
 *
 * Connections: a server transaction's destination names the TCP
 * connection its request came on (§18.2.2). The transaction layer only
 * borrows that pointer, so each server transaction is bound to a
 * struct sipd_stx that holds a reference on the connection (and keeps
 * the request's source for building responses) until the transaction's
 * TERMINATED event.
 */
#ifndef SIPD_NET_H
#define SIPD_NET_H

#include <stddef.h>

#include "sip/transport.h"
#include "sip/txn.h"

struct sipd;

/** A server transaction and where its request came from. */
struct sipd_stx {
	struct sipd *sd;
	struct sip_txn *st;           /* borrowed until TERMINATED */
	struct sip_tp_peer src;       /* src.conn: a reference we hold */
	struct sipd_stx *prev, *next; /* sd->stx */
};

/**
 * Open every listener of the configuration on sd->tp, filling sd->lsn,
 * and log each one. Returns 0, or the first error (logged with the
 * listener: EADDRINUSE, ENOTSUP for tls, ...), the listeners already
 * open staying open until the transport goes.
 */
int sipd_net_listen(struct sipd *sd);

/** sip_tp_recv_h: one message from the transport; @p arg is the sipd. */
void sipd_net_recv(void *arg, struct sip_msg *m, const struct sip_tp_peer *src);

/** sip_txn_send_h: the transaction layer sends; @p arg is the sipd. */
int sipd_net_send_hook(void *arg, const struct sip_txn_dest *dst,
		       const char *bytes, size_t len);

/** sip_tp_err_h: a send failed after the fact; @p arg is the sipd. */
void sipd_net_tp_error(void *arg, int err, const struct sip_tp_peer *dst);

/**
 * Send @p len bytes at @p p to @p dst through the transport and trace
 * them. Returns 0 or the transport's error (counted, logged at debug).
 */
int sipd_net_send(struct sipd *sd, const struct sip_tp_peer *dst,
		  const char *p, size_t len);

/**
 * From inside the request handler of the transaction layer: bind the new
 * server transaction @p st to the request being received, and route
 * @p st's events to net.c. Returns the binding (valid until @p st
 * terminates), or NULL when called outside sipd_net_recv().
 */
struct sipd_stx *sipd_net_claim(struct sipd *sd, struct sip_txn *st);

/** The binding of server transaction @p st, or NULL. Linear search. */
struct sipd_stx *sipd_net_stx_find(struct sipd *sd, const struct sip_txn *st);

/**
 * Tear-down, once the transaction stack is gone: drop every binding
 * left (their transactions ended without events) and its connection
 * reference.
 */
void sipd_net_release_all(struct sipd *sd);

#endif
