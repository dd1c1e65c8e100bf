/*
 * reply.h - responses sipd itself sends to a request (RFC 3261 §8.2.6):
 * built from the request, with the top Via carrying received/rport as
 * the transport noted them on arrival (§18.2.1, RFC 3581 §4) and a Server
 * header from server.name; sent through the request's server
 * transaction, or statelessly (§8.2.7's "stateless UAS") to the address
 * of §18.2.2 when the transaction layer could not take the request.
 */
#ifndef SIPD_REPLY_H
#define SIPD_REPLY_H

#include <stdint.h>

#include "sip/transport.h"

struct sip_msg;
struct sip_out;
struct sip_txn;
struct sipd;

/** A request being answered. Every pointer is borrowed. */
struct sipd_req {
	struct sip_msg *m;
	const struct sip_tp_peer *src;   /* where it came from */
	struct sip_txn *st;              /* its server transaction; NULL:
	                                    answer statelessly */
	const char *totag;               /* To tag of a stateless answer;
	                                    NULL: a random one */
};

/**
 * A request a role answers later (after a store lookup, a DNS answer, a
 * forwarded branch): references on its server transaction and on the
 * connection it came over, and rq pointing at them. The message is the
 * transaction's, alive as long as the transaction.
 */
struct sipd_held {
	struct sip_txn *st;              /* a reference */
	struct sip_msg *m;
	struct sip_tp_peer src;          /* src.conn: a reference */
	struct sipd_req rq;              /* points at the fields above */
};

/** Hold @p rq (which has a server transaction) in @p h. */
void sipd_held_init(struct sipd_held *h, const struct sipd_req *rq);

/** Drop the references of sipd_held_init(). */
void sipd_held_release(struct sipd_held *h);

/**
 * Build response @p scode with @p reason (NULL: the RFC's phrase) to
 * @p rq into a new @p *op, for the caller to add headers to. The To tag
 * (for @p scode > 100 when To has none) is the transaction's, or a fresh
 * one for a stateless answer. A top Via that does not parse is copied
 * as it came, without received/rport (only in a stateless answer: the
 * transaction layer never takes such a request). Returns 0, ENOMEM, or
 * EBADMSG when the request has no Via at all (no one to answer).
 */
int sipd_reply_build(struct sipd *sd, const struct sipd_req *rq,
		     uint16_t scode, const char *reason, struct sip_out **op);

/**
 * Send @p o (borrowed: the caller frees it), built with status @p scode,
 * as the answer to @p rq and count it. Returns 0, or the error of the
 * transaction layer / the transport (logged at debug).
 */
int sipd_reply_send(struct sipd *sd, const struct sipd_req *rq,
		    struct sip_out *o, uint16_t scode);

/** Build and send a bare response: sipd_reply_build() + sipd_reply_send(). */
int sipd_reply(struct sipd *sd, const struct sipd_req *rq, uint16_t scode,
	       const char *reason);

#endif
