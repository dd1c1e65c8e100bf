/*
 * lookup.c - routing one call through a dial plan: the first matching
 * rule decides, the caller's class must be allowed by it (no toll fraud:
 * a refused caller is not silently routed by a later, cheaper rule unless
 * the rule asks for fallthrough), then the number is rewritten and the
 * destination resolved.
 */
#include <errno.h>
#include <string.h>

#include "route/route.h"

bool route_rule_allows(const struct sip_route_rule *rule, const char *cls)
{
	if (!rule->nclasses)
		return true;
	if (!cls)
		return false;
	for (size_t i = 0; i < rule->nclasses; i++) {
		if (!strcmp(rule->classes[i], cls))
			return true;
	}
	return false;
}

static int set_target(const struct sip_route_rule *r,
		      struct sip_route_result *res)
{
	static const char upfx[] = "user:";
	const char *t = r->target;
	size_t n;

	switch (r->dest) {
	case SIP_ROUTE_DEST_USER:
		res->target_is_user = true;
		t = t ? t : res->number;
		n = strlen(t);
		if (n >= sizeof res->target)
			return ENAMETOOLONG;
		memcpy(res->target, t, n + 1);
		return 0;
	case SIP_ROUTE_DEST_REDIRECT:
		res->redirect_code = r->redirect_code;
		if (!strncmp(t, upfx, sizeof upfx - 1)) {
			res->target_is_user = true;
			t += sizeof upfx - 1;
			t = *t ? t : res->number;
			n = strlen(t);
			if (n >= sizeof res->target)
				return ENAMETOOLONG;
			memcpy(res->target, t, n + 1);
			return 0;
		}
		return route_subst_user(t, res->number, res->target,
					sizeof res->target);
	case SIP_ROUTE_DEST_URI:
		return route_subst_user(t, res->number, res->target,
					sizeof res->target);
	case SIP_ROUTE_DEST_GROUP:
		res->group = r->group;
		return 0;
	}
	return EINVAL;
}

static int routed(const struct sip_route_rule *r,
		  const struct sip_route_req *req, pcre2_match_data *md,
		  struct sip_route_result *res)
{
	int e;

	memset(res, 0, sizeof *res);
	res->rule = r;
	res->dest = r->dest;
	e = route_rewrite(r, req->ruri_user ? req->ruri_user : "", md,
			  res->number);
	if (e)
		return e;
	return set_target(r, res);
}

int sip_route_lookup(const struct sip_route_plan *plan,
		     const struct sip_route_req *req,
		     struct sip_route_result *res)
{
	const struct sip_route_rule *refused = NULL;
	struct sip_route_result tmp;
	pcre2_match_data *md;
	bool hit;
	int e = 0;

	if (!plan || !req || !res)
		return EINVAL;
	/* One match block per call, sized for the largest regex. */
	md = pcre2_match_data_create(plan->ovec_pairs, NULL);
	if (!md)
		return ENOMEM;
	for (size_t i = 0; i < plan->nrules; i++) {
		const struct sip_route_rule *r = &plan->rules[i];

		e = route_rule_match(r, req, &hit, md);
		if (e)
			goto out;
		if (!hit)
			continue;
		if (!route_rule_allows(r, req->caller_class)) {
			refused = r;	/* the last refusal decides */
			if (r->fallthrough)
				continue;
			break;
		}
		/* *res is written only on success. */
		e = routed(r, req, r->match == SIP_ROUTE_REGEX ? md : NULL,
			   &tmp);
		if (!e)
			*res = tmp;
		goto out;
	}
	memset(res, 0, sizeof *res);
	res->rule = refused;
	res->status = refused ? 403 : 404;
 out:
	pcre2_match_data_free(md);
	return e;
}
