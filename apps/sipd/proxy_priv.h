/*
 * proxy_priv.h - private to apps/sipd/proxy*.c: the request context of
 * the proxy role and what its files share (addresses, answers, auth).
 */
#ifndef SIPD_PROXY_PRIV_H
#define SIPD_PROXY_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "sip/auth.h"
#include "sip/proxy.h"
#include "sip/txn.h"
#include "sip/uri.h"

#include "authn.h"
#include "proxy_plan.h"
#include "reply.h"

struct sipd;

#define NAME_MAX_LEN 256


/* One target being prepared: its Request-URI and next hop as text. */
struct ptarget {
	char *uri;       /* NULL: keep the request's */
	char *hop;       /* URI of the next hop */
	char *route;     /* Path to push, or NULL */
	int q;
	bool ok;         /* resolved */
	struct sip_txn_dest dst;
};

/* One request between its arrival and its hand-over to the core. */
struct addrinfo;

struct pctx {
	struct sipd *sd;
	struct sipd_held h;          /* the request, its transaction, source */
	struct sip_proxy_route route;
	bool in_dialog;
	bool redirect;               /* answer 3xx with the targets */
	uint16_t redirect_code;
	struct ptarget t[SIP_PROXY_TARGETS_MAX];
	size_t n;
	size_t resolving;            /* next target to resolve */
	uv_getaddrinfo_t gai;
	/* the dial plan: a reference, and the group decision */
	struct sip_route_plan *plan;
	struct sipd_plan_route *pr;  /* malloc'd; GROUP only */
	/* authentication (authn.h); an.username is the caller when authed */
	struct sipd_authn an;
	bool authed;
};

/* proxy.c */

/** Answer @p c with @p scode (when still unanswered) and release the
 *  caller's reference on @p c. */
void px_finish(struct pctx *c, uint16_t scode, const char *reason);

/** Steps 5-7 of proxy.h; consumes the caller's reference on @p c. */
void px_route_request(struct pctx *c);


/* proxy_addr.c */

/** The listener of @p kind and family @p af: index + 1, 0 if none. */
unsigned px_iface_for(const struct sipd *sd, enum sip_tp_kind kind, int af);

/** After a name lookup: the first address of @p res we have a listener
 *  of its family for, into @p dst (whose port was parked in its address);
 *  false when there is none. */
bool px_dest_from_ai(const struct sipd *sd, const struct addrinfo *res,
		     struct sip_txn_dest *dst);

/** sip_proxy_local_h: "host:port" of the interface of @p dst. */
int px_local_h(void *arg, const struct sip_txn_dest *dst, struct sip_buf *b);

/** sip_proxy_self_h: is @p u this server (address and port, domain)? */
bool px_self_h(void *arg, const struct sip_uri *u);


/** One of the domains we serve (registrar.domains, else this server). */
bool px_our_domain(struct sipd *sd, struct sip_pl host);

/** As px_our_domain() for a Request-URI: an address of ours with a
 *  port we do not listen on is someone else. */
bool px_our_uri(struct sipd *sd, const struct sip_uri *u);

/**
 * The next hop of URI @p text: 0 with @p dst set for an IP literal;
 * ENOENT for a name (copied to @p host, the port kept in dst->addr for
 * the resolver's answer); EINVAL; ENOTSUP (sips, a transport or address
 * family we have no listener for).
 */
int px_dest_of_uri(struct sipd *sd, const char *text, struct sip_txn_dest *dst,
		   char *host, size_t hostsz);

/* proxy_auth.c */

/** Step 4: must @p c authenticate (a request from one of our users)?
 *  Sets c->an's domain and realm when so. */
bool px_needs_auth(struct pctx *c);

/** 407 / 403 / 400, or on to px_route_request(); consumes the caller's
 *  reference on @p c. */
void px_authenticate(struct pctx *c);

#endif
