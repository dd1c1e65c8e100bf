/*
 * dryrun.c - the human-readable decision of `sipd route test NUMBER
 * --from USER`: the same lookup as a call, explained line by line.
 */
#include <errno.h>
#include <string.h>

#include "route/route.h"

static void say_classes(struct route_text *t, const struct sip_route_rule *r)
{
	for (size_t i = 0; i < r->nclasses; i++)
		route_say(t, "%s%s", i ? ", " : "", r->classes[i]);
}

static void say_group(struct route_text *t, const struct sip_route_group *g,
		      sip_route_rand_h *rh, void *arg)
{
	struct sip_route_gw *order[SIP_ROUTE_GW_MAX];
	size_t n = route_group_order(g, rh, arg, true, order);
	size_t k = 0;

	route_say(t, "destination: gateway group \"%s\", tried in this order:\n",
	    g->name);
	for (size_t i = 0; i < n; i++) {
		if (!sip_route_gw_is_up(order[i])) {
			route_say(t, "   -. %s (priority %u, weight %u) DOWN, "
			    "skipped\n", order[i]->uri, order[i]->priority,
			    order[i]->weight);
			continue;
		}
		route_say(t, "  %2zu. %s (priority %u, weight %u)\n", ++k,
		    order[i]->uri, order[i]->priority, order[i]->weight);
	}
	if (!k)
		route_say(t, "every gateway is down: the caller gets 503\n");
}

static void say_dest(struct route_text *t, const struct sip_route_result *res,
		     sip_route_rand_h *rh, void *arg)
{
	switch (res->dest) {
	case SIP_ROUTE_DEST_USER:
		route_say(t, "destination: registered user \"%s\" (location "
		    "service)\n", res->target);
		return;
	case SIP_ROUTE_DEST_URI:
		route_say(t, "destination: %s\n", res->target);
		return;
	case SIP_ROUTE_DEST_REDIRECT:
		if (res->target_is_user)
			route_say(t, "destination: redirect %u with the contacts "
			    "of registered user \"%s\"\n",
			    res->redirect_code, res->target);
		else
			route_say(t, "destination: redirect %u to %s\n",
			    res->redirect_code, res->target);
		return;
	case SIP_ROUTE_DEST_GROUP:
		say_group(t, res->group, rh, arg);
		return;
	}
}

static void say_req(struct route_text *t, const struct sip_route_req *req)
{
	route_say(t, "number %s", req->ruri_user ? req->ruri_user : "(none)");
	if (req->from_user)
		route_say(t, " from %s", req->from_user);
	if (req->source)
		route_say(t, " source %s", req->source);
	route_say(t, " (class %s)\n",
	    req->caller_class ? req->caller_class : "none");
}

static void say_rule(struct route_text *t, const struct sip_route_rule *r)
{
	route_say(t, "rule \"%s\" matched (%s %s \"%s\")\n", r->name,
	    route_field_name(r->field), route_match_name(r->match), r->pattern);
}

int sip_route_dryrun(const struct sip_route_plan *plan,
		     const struct sip_route_req *req,
		     sip_route_rand_h *rh, void *arg,
		     char *buf, size_t size)
{
	struct sip_route_result res;
	struct route_text t = { buf, 0, size, false };
	const char *num = req && req->ruri_user ? req->ruri_user : "";
	int e;

	if (!plan || !req || !buf || !size)
		return EINVAL;
	buf[0] = '\0';
	e = sip_route_lookup(plan, req, &res);
	if (e)
		return e;
	say_req(&t, req);
	if (res.status == 404) {
		route_say(&t, "no rule matched: the caller gets 404 Not Found\n");
	} else if (res.status == 403) {
		say_rule(&t, res.rule);
		route_say(&t, "refused: class %s is not allowed (rule allows: ",
		    req->caller_class ? req->caller_class : "none");
		say_classes(&t, res.rule);
		route_say(&t, "): the caller gets 403 Forbidden\n");
	} else {
		say_rule(&t, res.rule);
		if (strcmp(res.number, num))
			route_say(&t, "rewritten: %s -> %s\n", num, res.number);
		else
			route_say(&t, "number unchanged: %s\n", res.number);
		say_dest(&t, &res, rh, arg);
	}
	return t.trunc ? ENOSPC : 0;
}
