/*
 * core.h - what sipd answers by itself, before any role (registrar,
 * proxy, ...) is enabled: RFC 3261 §8.2 for a UAS, with the checks of
 * §16.3 a server of a domain makes before it would forward anything.
 *
 * Every request that reaches a new server transaction is answered at
 * once, in this order (the first rule that applies wins):
 *
 *   1. malformed (sip_msg_check)                 400 <reason naming it>
 *      version other than SIP/2.0                505
 *   2. sipd is stopping (SIGTERM)                503, except CANCEL
 *   3. Request-URI scheme not sip, sips, tel     416 (§8.2.2.1)
 *   4. Max-Forwards: 0                           483 (§16.3 step 3), except
 *      OPTIONS to this server, answered as its final recipient (§11)
 *   5. method unknown to SIP                     501 (§8.2.1)
 *   6. Require / Proxy-Require tag not supported 420 + Unsupported
 *      (§8.2.2.3, §16.3 step 5; CANCEL exempt). sipd supports no
 *      option tag yet: every tag is unsupported.
 *   7. CANCEL                                    200 if it matches an
 *      INVITE server transaction (which gets 487 if still unanswered,
 *      or, when the proxy carries it, has its branches CANCELled and
 *      answers 487 once they end: §16.10), else 481 (§9.2)
 *   8. To tag (a mid-dialog request): with proxy.enabled, forwarded by
 *      its Route or Request-URI (proxy.h) unless it is for sipd
 *      itself; otherwise no dialog                481 (§12.2.2)
 *   8a. REGISTER with registrar.enabled           the registrar role
 *      (register.h: digest authentication, then §10.3), answered
 *      asynchronously through the server transaction
 *   8b. proxy.enabled, a request for a user or another domain (not
 *      OPTIONS to sipd, not to sipd without a user part): the proxy
 *      and redirect roles (proxy.h: 482 loop, 407, dial plan, location
 *      service, 3xx, forwarding), answered asynchronously
 *   9. OPTIONS to this server (any user part)    200 + Allow, Accept,
 *      Accept-Encoding, Accept-Language, Supported (§11.2); an ordinary
 *      one (no To tag, no Require) statelessly, before any transaction
 *      (sipd_core_options_stateless, §8.2.7)
 *      OPTIONS to anything else                  404
 *  10. other methods: to the server itself (no user part)
 *                                                405 + Allow (§8.2.1)
 *      to a user or a number, or to a domain that is not ours, with
 *      the proxy off                             404 (§21.4.5)
 *
 * "This server" is self.c's: a listen address or a server.domains entry.
 * ACKs never get here: the transaction layer absorbs the ACK for a
 * non-2xx and declines a stray one (net.c hands it to the proxy, which
 * routes the ACK for a 2xx statelessly, or drops it). A request the
 * transaction layer cannot take (no usable Via, CSeq, Call-ID, From or
 * To) is answered 400 (505 for another SIP version) statelessly, to the
 * address of §18.2.2 or, when its top Via does not parse, back to its
 * source; one with no Via at all, and a malformed ACK, are dropped. Every response carries the
 * received/rport Via and a Server header (reply.c).
 */
#ifndef SIPD_CORE_H
#define SIPD_CORE_H

#include <stdbool.h>

#include "sip/transport.h"

struct sip_msg;
struct sip_txn;
struct sipd;

/** Set what the core handles (sd->allow) before the first request. */
void sipd_core_init(struct sipd *sd);

/**
 * sip_txn_request_h: a new server transaction @p st for @p m (owned by
 * the transaction); @p arg is the sipd. Answers as listed above.
 */
void sipd_core_request(struct sip_txn *st, struct sip_msg *m, void *arg);

/**
 * RFC 3261 §8.2.7: answer an ordinary OPTIONS to this server (well formed,
 * no To tag, no Require) 200 without a transaction, with a To tag derived
 * from the request so that a retransmission gets the same bytes; keeping
 * a transaction for 64*T1 per OPTIONS would only cost memory. Returns
 * false, having sent nothing, for anything else (the caller then takes
 * the stateful path). @p m is borrowed.
 */
bool sipd_core_options_stateless(struct sipd *sd, struct sip_msg *m,
				 const struct sip_tp_peer *src);

/**
 * Answer request @p m (borrowed) from @p src that the transaction layer
 * refused as malformed: 400 (or 505) without a transaction, when its
 * top Via allows a response at all. Counts it.
 */
void sipd_core_stateless(struct sipd *sd, struct sip_msg *m,
			 const struct sip_tp_peer *src);

#endif
