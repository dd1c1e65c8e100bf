/*
 * registrar.h - the registrar (RFC 3261 §10.3) with Path (RFC 3327) and
 * +sip.instance / reg-id (RFC 5626 §6-7), and the location service that
 * the proxy and the redirect server read (§10, §16.5).
 *
 * The registrar is driven without sockets: a parsed REGISTER goes in,
 * with the authenticated user (if any) and where it came from; a
 * response (struct sip_out) comes out through a handler, because the
 * store answers asynchronously. Bindings live in a struct sip_store.
 *
 * Answers, in the order the checks are made:
 *
 *   400  malformed request, a bad Contact (expires, q, reg-id), "*"
 *        with other contacts or without "Expires: 0"    (§10.3 step 6)
 *   404  Request-URI or To domain not served here       (§10.3 steps 1, 3;
 *        §21.4.5: "the domain in the Request-URI does not match any of
 *        the domains handled by the recipient"). Forwarding REGISTERs
 *        for other domains is a proxy decision made before this call.
 *   403  third-party registration (From or the authenticated user is
 *        not the To AOR) refused by the policy         (§10.3 step 4)
 *   423  an expiry below the minimum, with Min-Expires  (§10.3 step 7)
 *   500  an older or equal CSeq for a binding with the same Call-ID:
 *        §10.3 steps 6-7 say the update is "aborted and the request
 *        fails", and the paragraph after step 7 says a failed update
 *        fails "with a 500 (Server Error) response"; reason phrase
 *        "CSeq out of order". Also store failures.
 *   503  the store is unreachable (Redis down), with Retry-After.
 *   403  "Too many contacts": the AOR would hold more than max_contacts
 *        bindings. 403 rather than the 503 some registrars send: the
 *        limit is policy, retrying elsewhere or later cannot help, and a
 *        503 would make an RFC 3263 client fail over to the next server
 *        of the domain for nothing.
 *   200  every current binding of the AOR with ";expires=" (seconds
 *        left), q, +sip.instance and reg-id as registered; a Date header;
 *        the request's Path values when it said "Supported: path"
 *        (RFC 3327 §5.3); "Require: outbound" when an instance
 *        registered with reg-id and the UA supports outbound (RFC 5626
 *        §6). A REGISTER without Contact just lists (§10.2.3).
 *
 * Binding identity: a contact with +sip.instance is one binding per
 * (instance, reg-id), whatever its URI (RFC 5626 §6: a device that
 * re-registers with a new address replaces its old binding); a contact
 * without instance is matched to existing bindings by URI equivalence
 * (§10.3 step 7, §19.1.4).
 */
#ifndef SIP_REGISTRAR_H
#define SIP_REGISTRAR_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"
#include "sip/store.h"

struct sip_msg;
struct sip_out;
struct sip_registrar;
struct sip_tp_peer;
struct sip_uri;

/* ---- canonical address-of-record (aor.c) ---- */

/**
 * Append the canonical AOR of SIP or SIPS URI @p uri (§10.3 step 5):
 * "sip:" user "@" host, URI parameters, headers, password and port
 * dropped, escapes decoded (then re-escaped only where the user part
 * needs it), host in lower case; "sip:" host when there is no user.
 * SIPS maps to sip: one AOR, whatever the transport security asked for.
 * Returns 0, EINVAL for another scheme, EBADMSG for a bad escape;
 * allocation failure is sticky in @p b.
 */
int sip_aor_canon(struct sip_buf *b, const struct sip_uri *uri);

/** As sip_aor_canon() for a user name (unescaped) and a domain. */
void sip_aor_from_parts(struct sip_buf *b, struct sip_pl user, struct sip_pl host);

/* ---- location service (location.c) ---- */

/**
 * Lookup completion: on 0, @p bs (borrowed; sip_mem_ref() to keep) lists
 * the unexpired bindings by q-value, highest first (no q counts as 1.0),
 * then most recently updated first.
 */
typedef void (sip_location_h)(void *arg, int err, struct sip_bindings *bs);

/**
 * The contacts registered for canonical AOR @p aor (see sip_aor_canon()),
 * through @p st: the memory index, or Redis (other nodes' registrations
 * included). The handler never runs inside this call. Returns 0,
 * ECANCELED or ENOMEM (then the handler is not called).
 */
int sip_location_lookup(struct sip_store *st, const char *aor,
			sip_location_h *h, void *arg);

/** As sip_location_lookup() for a URI (a Request-URI): canonicalised
 *  first. EINVAL for a URI that is not sip or sips. */
int sip_location_lookup_uri(struct sip_store *st, const struct sip_uri *uri,
			    sip_location_h *h, void *arg);

/**
 * Order of the location service: <0 when @p a comes before @p b (higher
 * q, then more recently updated, then key order, for a stable answer).
 */
int sip_location_cmp(const struct sip_binding *a, const struct sip_binding *b);

/* ---- the registrar (registrar.c) ---- */

/**
 * Third-party policy (§10.3 step 4): may the request register contacts
 * for @p to_aor, when its From AOR is @p from_aor (NULL for a non-SIP
 * From) and the authenticated user is @p user (NULL: none)? Called only
 * when one of them differs from @p to_aor.
 */
typedef bool (sip_registrar_policy_h)(void *arg, const char *to_aor,
				      const char *from_aor,
				      const struct sip_user *user);

/** True when @p host (no brackets for IPv6) is a domain served here. */
typedef bool (sip_registrar_domain_h)(void *arg, struct sip_pl host);

/** Settings; copied. Fields left 0/NULL take the default shown. */
struct sip_registrar_conf {
	const char *const *domains;    /* NULL-terminated; compared ignoring
	                                  case; NULL: none */
	sip_registrar_domain_h *is_local; /* asked when no entry of domains
	                                  matched (e.g. the daemon's own
	                                  addresses); NULL: no */
	void *domain_arg;
	uint32_t default_expires;      /* no expires given; 3600 */
	uint32_t min_expires;          /* shorter: 423; 60 */
	uint32_t max_expires;          /* longer: cut down to this; 86400 */
	unsigned max_contacts;         /* bindings per AOR; 10 */
	sip_registrar_policy_h *third_party; /* NULL: refuse all (403) */
	void *policy_arg;
};

/**
 * New registrar over @p st (referenced) with @p conf. Returns 0 and sets
 * @p *rp (release with sip_mem_deref(); REGISTERs in progress keep it
 * alive until answered), EINVAL (min above max, default outside them),
 * ENOMEM.
 */
int sip_registrar_alloc(struct sip_registrar **rp, struct sip_store *st,
			const struct sip_registrar_conf *conf);

/**
 * Response skeleton hook: build response @p scode with @p reason (NULL:
 * the RFC's phrase) to the request, with Via, From, To (tagged), Call-ID
 * and CSeq (what sip_out_reply() does, plus whatever the caller adds:
 * received/rport, Server). The registrar appends its own headers.
 * Returns 0 and sets @p *op, or an errno value.
 */
typedef int (sip_registrar_build_h)(void *arg, uint16_t scode,
				    const char *reason, struct sip_out **op);

/** One REGISTER to process. */
struct sip_reg_req {
	struct sip_msg *m;               /* borrowed until the handler ran */
	const struct sip_user *user;     /* authenticated user or NULL; read
	                                    during the call only */
	const struct sip_tp_peer *src;   /* source (NAT: stored as received,
	                                    transport, socket) or NULL; read
	                                    during the call only */
	const char *totag;               /* To tag of the answer (e.g. the
	                                    server transaction's); NULL: one
	                                    derived from the request; copied */
	sip_registrar_build_h *build;    /* NULL: sip_out_reply() with totag;
	                                    else called when answering, so
	                                    build_arg must live until then */
	void *build_arg;
};

/**
 * The answer: @p resp (owned by the handler; NULL when it could not be
 * built for lack of memory: answer @p scode bare) with status @p scode.
 */
typedef void (sip_registrar_reply_h)(void *arg, struct sip_out *resp,
				     uint16_t scode);

/**
 * Process REGISTER @p rq. The handler @p h runs exactly once, on the
 * store's loop, never before this call has returned (even for answers
 * decided at once). Returns 0; EINVAL (not a REGISTER, no handler),
 * ENOMEM, or ECANCELED (the store is being released), and then the
 * handler will not run.
 */
int sip_registrar_handle(struct sip_registrar *reg, const struct sip_reg_req *rq,
			 sip_registrar_reply_h *h, void *arg);

/** Counters. */
struct sip_registrar_stats {
	uint64_t requests;
	uint64_t ok;                /* 200 */
	uint64_t rejected;          /* 4xx */
	uint64_t failed;            /* 5xx */
	uint64_t added;             /* bindings created */
	uint64_t refreshed;         /* bindings updated */
	uint64_t removed;           /* bindings removed by request */
};

/** The counters (valid as long as @p reg). */
const struct sip_registrar_stats *sip_registrar_stats(const struct sip_registrar *reg);

#endif
