/*
 * proxy_priv.h - private to src/roles/proxy*.c: the proxy object, the
 * branch form and the building of a forwarded request (RFC 3261 §16.6).
 */
#ifndef ROLES_PROXY_PRIV_H
#define ROLES_PROXY_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/proxy.h"

/* Our branches: the magic cookie, "sp", 16 hex digits of the loop hash,
 * ".", then the branch's own part. */
#define PROXY_BRANCH_PREFIX "z9hG4bKsp"
#define PROXY_BRANCH_PREFIX_LEN 9
#define PROXY_HASH_HEX 16

struct sip_proxy {
	struct sip_proxy_conf conf;
	struct sip_proxy_call *calls;  /* every response context */
	size_t ncalls;
	uint64_t seq;                  /* per-branch part of stateful branches */
};

/**
 * The §16.6 step 8 loop-detection hash of request @p m, with @p top_via
 * standing for its topmost Via as received. 0 on a parse error.
 */
uint64_t proxy_loop_hash(const struct sip_proxy *p, struct sip_msg *m,
			 struct sip_pl top_via);

/** What a forwarded request needs besides the target. */
struct proxy_fwd {
	const struct sip_proxy_route *route;  /* NULL: no Route edits */
	const char *branch;                   /* our Via branch */
	bool record_route;
	const struct sip_txn_dest *in;        /* where it came from (for RR) */
	struct sip_pl via;                    /* its top Via as passed on;
	                                         unset: as received */
};

/**
 * §16.6 steps 1-8: a copy of @p m for target @p t: Request-URI, Max-
 * Forwards, Record-Route, Route edits (§16.4 pops, strict fix, Path),
 * our Via on top. Returns 0 with *op set, EINVAL (Max-Forwards 0),
 * EBADMSG, ENOMEM, or the local hook's error.
 */
int proxy_build_request(const struct sip_proxy *p, struct sip_msg *m,
			const struct sip_proxy_target *t,
			const struct proxy_fwd *f, struct sip_out **op);

#endif
