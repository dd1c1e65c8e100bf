/*
 * debug.c - debug dump of a dial plan: rules in order, gateway groups and
 * the health of every gateway.
 */
#include <errno.h>
#include <inttypes.h>

#include "route/route.h"

static const char *dest_name(enum sip_route_dest d)
{
	switch (d) {
	case SIP_ROUTE_DEST_USER:
		return "user";
	case SIP_ROUTE_DEST_URI:
		return "uri";
	case SIP_ROUTE_DEST_REDIRECT:
		return "redirect";
	case SIP_ROUTE_DEST_GROUP:
		return "group";
	}
	return "?";
}

static void dump_rule(struct route_text *t, size_t i,
		      const struct sip_route_rule *r)
{
	route_say(t, "%3zu %s: %s %s \"%s\"", i + 1, r->name,
		  route_field_name(r->field), route_match_name(r->match),
		  r->pattern);
	if (r->replace)
		route_say(t, " replace \"%s\"", r->replace);
	if (r->strip)
		route_say(t, " strip %u", r->strip);
	if (r->prefix && *r->prefix)
		route_say(t, " prefix \"%s\"", r->prefix);
	route_say(t, " -> %s", dest_name(r->dest));
	if (r->dest == SIP_ROUTE_DEST_REDIRECT)
		route_say(t, " %u", r->redirect_code);
	route_say(t, " %s", r->target ? r->target : "(number)");
	if (r->nclasses) {
		route_say(t, " classes");
		for (size_t k = 0; k < r->nclasses; k++)
			route_say(t, "%s%s", k ? "," : " ", r->classes[k]);
	}
	if (r->fallthrough)
		route_say(t, " fallthrough");
	route_say(t, "\n");
}

static void dump_group(struct route_text *t, const struct sip_route_group *g)
{
	route_say(t, "group %s:\n", g->name);
	for (size_t i = 0; i < g->ngws; i++) {
		const struct sip_route_gw *gw = &g->gws[i];
		const struct sip_route_health *h = &gw->health;

		route_say(t, "  %s priority %u weight %u %s probes %" PRIu64
			  " failures %" PRIu64 " next %" PRIu64 "\n", gw->uri,
			  gw->priority, gw->weight,
			  sip_route_health_name(h->state), h->probes,
			  h->failures, h->next_probe_ms);
	}
}

int sip_route_plan_debug(const struct sip_route_plan *plan, char *buf,
			 size_t size)
{
	struct route_text t = { buf, 0, size, false };

	if (!plan || !buf || !size)
		return EINVAL;
	buf[0] = '\0';
	route_say(&t, "dial plan: %zu rules, %zu gateway groups\n",
		  plan->nrules, plan->ngroups);
	for (size_t i = 0; i < plan->nrules; i++)
		dump_rule(&t, i, &plan->rules[i]);
	for (size_t i = 0; i < plan->ngroups; i++)
		dump_group(&t, &plan->groups[i]);
	return t.trunc ? ENOSPC : 0;
}
