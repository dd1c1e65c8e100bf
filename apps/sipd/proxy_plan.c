/*
 * proxy_plan.c - the proxy's reading of a dial plan decision (see
 * proxy_plan.h): sip_route_lookup(), then per destination what to do;
 * for a gateway group the failover order of sip_route_failover_start()
 * turned into Request-URIs carrying the dialled number.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/uri.h"

#include "proxy_plan.h"

/* "sip:NUMBER@host:port;params" from gateway URI @p gw. */
static int gw_ruri(const char *gw, const char *number, char *out, size_t n)
{
	struct sip_uri u;
	int len;

	if (sip_uri_decode(&u, sip_pl_str(gw)) ||
	    (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS))
		return EINVAL;
	len = snprintf(out, n, "%s:%s@%s%.*s%s", u.scheme == SIP_URI_SIPS ?
		       "sips" : "sip", number, u.host_type == SIP_HOST_IPV6 ? "[" : "",
		       (int)u.host.len, u.host.p,
		       u.host_type == SIP_HOST_IPV6 ? "]" : "");
	if (len < 0 || (size_t)len >= n)
		return ENAMETOOLONG;
	if (u.has_port)
		len += snprintf(out + len, n - (size_t)len, ":%u", u.port);
	if ((size_t)len < n && u.params.len)
		len += snprintf(out + len, n - (size_t)len, "%.*s",
				(int)u.params.len, u.params.p);
	return (size_t)len < n ? 0 : ENAMETOOLONG;
}

static int group(struct sipd_plan_route *r, const struct sip_route_group *g,
		 sip_route_rand_h *rh, void *arg)
{
	struct sip_route_gw *gw;

	if (sip_route_failover_start(&r->fo, g, rh, arg, &gw)) {
		r->action = SIPD_PLAN_DOWN;
		return 0;
	}
	r->action = SIPD_PLAN_GROUP;
	for (size_t i = 0; i < r->fo.n; i++)
		if (!gw_ruri(sip_route_gw_uri(r->fo.order[i]), r->number,
			     r->uris[r->nuris], sizeof(r->uris[0])))
			r->nuris++;
	if (!r->nuris)
		r->action = SIPD_PLAN_DOWN;
	return 0;
}

int sipd_plan_route(const struct sip_route_plan *plan,
		    const struct sip_route_req *req, sip_route_rand_h *rh,
		    void *arg, struct sipd_plan_route *r)
{
	struct sip_route_result res;
	int err = sip_route_lookup(plan, req, &res);

	memset(r, 0, sizeof(*r));
	if (err)
		return err;
	if (res.status == 404) {
		r->action = SIPD_PLAN_DEFAULT;
		return 0;
	}
	if (res.status == 403) {
		r->action = SIPD_PLAN_REFUSE;
		return 0;
	}
	r->rule = sip_route_rule_name(res.rule);
	snprintf(r->number, sizeof(r->number), "%s", res.number);
	snprintf(r->target, sizeof(r->target), "%s", res.target);
	r->target_is_user = res.target_is_user;
	switch (res.dest) {
	case SIP_ROUTE_DEST_USER:
		r->action = SIPD_PLAN_USER;
		r->target_is_user = true;
		return 0;
	case SIP_ROUTE_DEST_URI:
		r->action = SIPD_PLAN_URI;
		return 0;
	case SIP_ROUTE_DEST_REDIRECT:
		r->action = SIPD_PLAN_REDIRECT;
		r->code = res.redirect_code ? res.redirect_code : 302;
		return 0;
	case SIP_ROUTE_DEST_GROUP:
		return group(r, res.group, rh, arg);
	}
	return EINVAL;
}

bool sipd_plan_next(struct sipd_plan_route *r, uint16_t scode)
{
	struct sip_route_gw *gw;
	uint16_t best;

	return sip_route_failover_next(&r->fo, scode, &gw, &best) == SIP_ROUTE_TRY;
}
