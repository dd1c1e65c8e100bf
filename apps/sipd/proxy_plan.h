/*
 * proxy_plan.h - what the proxy does with the dial plan's answer for a
 * call (include/sip/route.h): refuse it (403), leave it to the default
 * routing (no rule matched), look a user up in the location service,
 * forward it to a URI, redirect it, or try a gateway group with failover
 * (RFC 3261 §16.6/§16.7), gateways that are down left out.
 */
#ifndef SIPD_PROXY_PLAN_H
#define SIPD_PROXY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/route.h"

enum sipd_plan_action {
	SIPD_PLAN_DEFAULT,    /* no rule matched: route as without a plan */
	SIPD_PLAN_REFUSE,     /* 403: the caller may not make this call */
	SIPD_PLAN_USER,       /* location service: the user in `target` */
	SIPD_PLAN_URI,        /* forward to `target` */
	SIPD_PLAN_REDIRECT,   /* 3xx (`code`) to `target`, or to the contacts
	                         of user `target` when target_is_user */
	SIPD_PLAN_GROUP,      /* try `uris` in order (failover) */
	SIPD_PLAN_DOWN,       /* every gateway of the group is down: 503 */
};

/** The decision for one call; caller-allocated, no heap. */
struct sipd_plan_route {
	enum sipd_plan_action action;
	char target[SIP_ROUTE_URI_MAX];
	bool target_is_user;
	uint16_t code;                        /* REDIRECT: 301 or 302 */
	char number[SIP_ROUTE_NUMBER_MAX];    /* the rewritten number */
	const char *rule;                     /* rule name, for logs */
	/* GROUP: the Request-URIs to try, sip:NUMBER@gateway, in the order
	 * of `fo` (a gateway whose URI cannot carry the number is left out) */
	char uris[SIP_ROUTE_GW_MAX][SIP_ROUTE_URI_MAX];
	size_t nuris;
	struct sip_route_failover fo;
};

/**
 * Route call @p req through @p plan (borrowed; a GROUP decision keeps
 * pointers into it: hold a reference while failing over). @p rh / @p arg
 * pick the weighted order (NULL: arc4random). Returns 0 with @p r
 * written, ENOMEM, ENAMETOOLONG.
 */
int sipd_plan_route(const struct sip_route_plan *plan,
		    const struct sip_route_req *req, sip_route_rand_h *rh,
		    void *arg, struct sipd_plan_route *r);

/**
 * GROUP failover: the current gateway ended with @p scode (0: timeout
 * or transport error). True when the next gateway is to be tried
 * (sip_route_failover_next() said TRY), false to answer the caller.
 */
bool sipd_plan_next(struct sipd_plan_route *r, uint16_t scode);

#endif
