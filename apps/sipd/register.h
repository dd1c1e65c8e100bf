/*
 * register.h - the daemon's registrar role: the store (bindings and
 * users), digest authentication of REGISTER (RFC 3261 §22.4, RFC 7616,
 * RFC 8760) and the registrar of include/sip/registrar.h (§10.3), wired
 * to the server transactions of net.c.
 *
 * A REGISTER to one of our domains (registrar.domains, else
 * server.domains, else this server's addresses) goes through, in order:
 *
 *   1. auth.register on: a malformed Authorization      400
 *      no credentials for the realm, a wrong response,
 *      an unknown user, a stale nonce, a replayed
 *      nonce-count                                      401 + WWW-Authenticate
 *                                                       (SHA-256, then MD5)
 *      a source blocked after repeated failures         403
 *   2. the registrar (its own answers: 200, 423, 403 third party, ...)
 *
 * The user's credentials are fetched from the store (asynchronously)
 * before sip_auth_check() runs, and an unknown user goes through the same
 * check with no HA1, so both get the same 401 apart from the nonces.
 * Every answer goes out through the request's server transaction, which
 * is referenced until then.
 */
#ifndef SIPD_REGISTER_H
#define SIPD_REGISTER_H

#include <stdbool.h>

struct sip_store_conf;
struct sipd;
struct sipd_req;
struct sipd_config;

/** Fill @p c (zeroed first) from cfg->store; its strings are borrowed
 *  from @p cfg. The log hook is left unset. */
void sipd_register_store_conf(const struct sipd_config *cfg,
			      struct sip_store_conf *c);

/**
 * Open the store (store.*), load the configuration's users into it, and,
 * when registrar.enabled, set up authentication and the registrar.
 * Returns 0 or an errno value (logged).
 */
int sipd_register_start(struct sipd *sd);

/**
 * The digest context sd->auth (auth.*), unless it exists already: the
 * registrar makes it for auth.register, the proxy for proxy.auth.
 * Returns 0 or an errno value.
 */
int sipd_register_auth_start(struct sipd *sd);

/** Release the registrar, the authentication context and the store
 *  (pending REGISTERs are answered 500 or dropped). Idempotent. */
void sipd_register_stop(struct sipd *sd);

/**
 * Take REGISTER @p rq (its pointers borrowed for the call) if the
 * registrar is on. Returns true when it did (the answer follows,
 * asynchronously), false when the caller must answer it.
 */
bool sipd_register_request(struct sipd *sd, const struct sipd_req *rq);

/**
 * Put the users of @p cfg into the store (SIGHUP and start-up): each
 * with the HA1s given or derived from its password for its realm.
 * Returns 0 or the first error (logged).
 */
int sipd_register_load_users(struct sipd *sd, const struct sipd_config *cfg);

#endif
