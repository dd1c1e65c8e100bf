/*
 * proxy.h - the daemon's proxy and redirect roles: the proxy core of
 * include/sip/proxy.h (RFC 3261 §16) wired to the server transactions of
 * net.c, the location service (§16.5), the dial plan (dialplan.h), name
 * resolution off the loop, proxy authentication (§22.3) and the call
 * table (calls.h).
 *
 * A request the core passes on (after rules 1-8a of core.h) goes
 * through, in order:
 *
 *   1. §16.4 Route pre-processing: our own Route values are removed (two
 *      with RFC 5658 double Record-Route); a Request-URI of ours with
 *      Routes left means a strict router before us (§16.12)
 *   2. §16.3 step 4: a loop through us                   482
 *   3. a Route left: forwarded there (loose routing); a request within a
 *      dialog: forwarded to its Request-URI (an in-dialog request to
 *      sipd itself is the core's 481)
 *   4. out of dialog, from a user of one of our domains, with
 *      proxy.auth on: Proxy-Authorization checked (digest, auth.*)
 *                                                        407 + Proxy-
 *      Authenticate, 403 for a blocked source, 400 for a bad header
 *   5. for one of our domains, the dial plan when one is configured
 *      (dialplan.h): a refused caller 403; a user to the location
 *      service; a URI forwarded; a redirect 3xx; a gateway group tried
 *      in order with failover (all down: 503); no rule: on to 6
 *   6. one of our domains: proxy.redirect_domains answered 302/301 with
 *      every contact and its q-value; else the contacts of the location
 *      service forked (proxy.fork: parallel, or sequential by q-value
 *      with proxy.branch_timeout_ms per group; a contact with a Path is
 *      reached through it, an RFC 5626 registration (instance, reg-id)
 *      over its flow); none registered 480
 *   7. another domain: forwarded to the Request-URI host (an IP literal,
 *      or a name resolved by uv_getaddrinfo off the loop; no NAPTR/SRV
 *      yet); unresolvable 503
 *
 * The forwarded request gets Record-Route when proxy.record_route (two
 * when transport or interface changes, RFC 5658). ACKs for 2xx and
 * responses that match no client transaction but carry our Via on top
 * are forwarded statelessly (§16.11), and so are requests for other
 * domains with proxy.stateless (sipd_proxy_stateless_request()). A CANCEL of a proxied INVITE is
 * answered 200 and CANCELs every branch (§16.10).
 */
#ifndef SIPD_PROXY_H
#define SIPD_PROXY_H

#include <stdbool.h>

#include "sip/transport.h"

struct sip_msg;
struct sip_txn;
struct sipd;
struct sipd_req;

/**
 * When proxy.enabled: the proxy core, the call table and, for
 * proxy.auth, the digest context. After the transaction stack and the
 * registrar. Returns 0 or an errno value (logged).
 */
int sipd_proxy_start(struct sipd *sd);

/** Release the proxy (calls in progress dropped) and the call table.
 *  Before the transaction stack. Idempotent. */
void sipd_proxy_stop(struct sipd *sd);

/**
 * Take request @p rq (pointers borrowed for the call) if the proxy
 * routes it; the answer follows, possibly asynchronously. Returns false
 * when the core must answer (proxy off, a request to sipd itself).
 */
bool sipd_proxy_request(struct sipd *sd, const struct sipd_req *rq);

/**
 * §16.10: true when INVITE server transaction @p ist is being proxied:
 * its branches are CANCELled and the caller will get the 487; the
 * CANCEL is to be answered 200 by the caller of this function.
 */
bool sipd_proxy_cancel(struct sipd *sd, struct sip_txn *ist);

/**
 * An ACK no transaction took (the ACK for a 2xx): forward it
 * statelessly when it is not for sipd itself; a next hop named by host
 * is resolved first (the ACK copied meanwhile). Returns true when sent
 * or on its way. @p m is borrowed.
 */
bool sipd_proxy_ack(struct sipd *sd, struct sip_msg *m,
		    const struct sip_tp_peer *src);

/**
 * proxy.stateless (§16.11): forward request @p m without a transaction
 * when it is bound for another domain (or a Route not ours) at an IP
 * literal, and is neither malformed, out of hops, looping, carrying
 * Proxy-Require nor from one of our users who must authenticate (those
 * take the stateful path). Called before the transaction layer sees
 * @p m (borrowed). Returns true when it was sent.
 */
bool sipd_proxy_stateless_request(struct sipd *sd, struct sip_msg *m,
				  const struct sip_tp_peer *src);

/**
 * A response no client transaction took (a 2xx retransmitted after the
 * context is gone, a response to a request forwarded statelessly): when
 * our Via is on top, pass it on to the next Via. Returns true when
 * sent. @p m is borrowed.
 */
bool sipd_proxy_response(struct sipd *sd, struct sip_msg *m,
			 const struct sip_tp_peer *src);

#endif
