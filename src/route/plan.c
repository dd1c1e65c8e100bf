/*
 * plan.c - building and validating a dial plan from its plain
 * description; the plan is refcounted so a reload can swap it while calls
 * still hold the old one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "route/route.h"

static void seterr(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static void plan_destroy(void *arg)
{
	struct sip_route_plan *p = arg;

	for (size_t i = 0; i < p->nrules; i++)
		pcre2_code_free(p->rules[i].re);
	sip_arena_free(p->arena);
}

static const char *dup(struct sip_route_plan *p, const char *s)
{
	if (!s)
		return NULL;
	return sip_arena_strndup(p->arena, s, strlen(s));
}

static int build_group(struct sip_route_plan *p, struct sip_route_group *g,
		       const struct sip_route_group_desc *d,
		       const struct sip_route_health_conf *hc,
		       char *err, size_t errsz)
{
	if (!d->name || !*d->name) {
		seterr(err, errsz, "gateway group without a name");
		return EINVAL;
	}
	if (d->ngws == 0 || d->ngws > SIP_ROUTE_GW_MAX) {
		seterr(err, errsz, "gateway group \"%s\": %zu gateways "
		       "(1 to %d allowed)", d->name, d->ngws, SIP_ROUTE_GW_MAX);
		return EINVAL;
	}
	g->name = dup(p, d->name);
	g->gws = sip_arena_zalloc(p->arena, d->ngws * sizeof *g->gws);
	if (!g->name || !g->gws)
		return ENOMEM;
	g->ngws = d->ngws;
	for (size_t i = 0; i < d->ngws; i++) {
		const struct sip_route_gw_desc *gd = &d->gws[i];
		struct sip_route_gw *gw = &g->gws[i];

		if (!gd->uri || !*gd->uri) {
			seterr(err, errsz, "gateway group \"%s\": gateway %zu "
			       "has no URI", d->name, i + 1);
			return EINVAL;
		}
		gw->uri = dup(p, gd->uri);
		if (!gw->uri)
			return ENOMEM;
		gw->priority = gd->priority;
		gw->weight = gd->weight ? gd->weight : 1;
		sip_route_health_init(&gw->health, hc, 0);
	}
	return 0;
}

static int compile_regex(struct sip_route_plan *p, struct sip_route_rule *r,
			 char *err, size_t errsz)
{
	int ec;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[160];
	uint32_t ncap = 0;
	const char *why = NULL;

	r->re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED,
			      0, &ec, &off, NULL);
	if (!r->re) {
		if (ec == PCRE2_ERROR_NOMEMORY)
			return ENOMEM;
		pcre2_get_error_message(ec, msg, sizeof msg);
		seterr(err, errsz, "rule \"%s\": bad regex \"%s\": %s at "
		       "offset %zu", r->name, r->pattern, (char *)msg,
		       (size_t)off);
		return EINVAL;
	}
	/* JIT is an optimisation: without it pcre2_match() interprets. */
	(void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	if (ncap + 1 > p->ovec_pairs)
		p->ovec_pairs = ncap + 1;
	if (r->replace && route_template_check(r->replace, ncap, &why)) {
		seterr(err, errsz, "rule \"%s\": replacement \"%s\": %s",
		       r->name, r->replace, why);
		return EINVAL;
	}
	return 0;
}

static int check_match(struct sip_route_plan *p, struct sip_route_rule *r,
		       char *err, size_t errsz)
{
	if (!r->pattern) {
		seterr(err, errsz, "rule \"%s\": no pattern", r->name);
		return EINVAL;
	}
	if ((r->match == SIP_ROUTE_CIDR) != (r->field == SIP_ROUTE_SOURCE)) {
		seterr(err, errsz, "rule \"%s\": the source address is "
		       "matched by CIDR, and only it", r->name);
		return EINVAL;
	}
	if (r->replace && (r->match != SIP_ROUTE_REGEX ||
			   r->field != SIP_ROUTE_RURI_USER)) {
		seterr(err, errsz, "rule \"%s\": replacement needs a regex on "
		       "the Request-URI user", r->name);
		return EINVAL;
	}
	switch (r->match) {
	case SIP_ROUTE_PREFIX:
		return 0;
	case SIP_ROUTE_REGEX:
		return compile_regex(p, r, err, errsz);
	case SIP_ROUTE_CIDR:
		if (route_cidr_parse(r, r->pattern)) {
			seterr(err, errsz, "rule \"%s\": bad address or CIDR "
			       "\"%s\"", r->name, r->pattern);
			return EINVAL;
		}
		return 0;
	}
	seterr(err, errsz, "rule \"%s\": unknown match kind", r->name);
	return EINVAL;
}

static int check_dest(struct sip_route_plan *p, struct sip_route_rule *r,
		      char *err, size_t errsz)
{
	switch (r->dest) {
	case SIP_ROUTE_DEST_USER:
		return 0;
	case SIP_ROUTE_DEST_URI:
	case SIP_ROUTE_DEST_REDIRECT:
		if (!r->target || !*r->target) {
			seterr(err, errsz, "rule \"%s\": no target", r->name);
			return EINVAL;
		}
		if (r->dest == SIP_ROUTE_DEST_REDIRECT &&
		    r->redirect_code != 301 && r->redirect_code != 302) {
			seterr(err, errsz, "rule \"%s\": redirect code %u is "
			       "not 301 or 302", r->name, r->redirect_code);
			return EINVAL;
		}
		return 0;
	case SIP_ROUTE_DEST_GROUP:
		r->group = r->target ? sip_route_plan_group(p, r->target)
				     : NULL;
		if (!r->group) {
			seterr(err, errsz, "rule \"%s\": unknown gateway group "
			       "\"%s\"", r->name,
			       r->target ? r->target : "(none)");
			return EINVAL;
		}
		return 0;
	}
	seterr(err, errsz, "rule \"%s\": unknown destination kind", r->name);
	return EINVAL;
}

static int copy_rule(struct sip_route_plan *p, struct sip_route_rule *r,
		     const struct sip_route_rule_desc *d)
{
	r->name = dup(p, d->name);
	r->field = d->field;
	r->match = d->match;
	r->pattern = dup(p, d->pattern);
	r->replace = dup(p, d->replace);
	r->strip = d->strip;
	r->prefix = dup(p, d->prefix);
	r->dest = d->dest;
	r->target = dup(p, d->target);
	r->redirect_code = d->redirect_code ? d->redirect_code : 302;
	r->fallthrough = d->fallthrough;
	if (!r->name || (d->pattern && !r->pattern) ||
	    (d->replace && !r->replace) || (d->prefix && !r->prefix) ||
	    (d->target && !r->target))
		return ENOMEM;
	if (!d->nclasses)
		return 0;
	r->classes = sip_arena_zalloc(p->arena,
				      d->nclasses * sizeof *r->classes);
	if (!r->classes)
		return ENOMEM;
	for (size_t i = 0; i < d->nclasses; i++) {
		r->classes[i] = dup(p, d->classes[i] ? d->classes[i] : "");
		if (!r->classes[i])
			return ENOMEM;
	}
	r->nclasses = d->nclasses;
	return 0;
}

static int build_rules(struct sip_route_plan *p,
		       const struct sip_route_plan_desc *d,
		       char *err, size_t errsz)
{
	int e;

	for (size_t i = 0; i < d->nrules; i++) {
		const struct sip_route_rule_desc *rd = &d->rules[i];

		if (!rd->name || !*rd->name) {
			seterr(err, errsz, "rule %zu has no name", i + 1);
			return EINVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(d->rules[j].name, rd->name)) {
				seterr(err, errsz, "duplicate rule name "
				       "\"%s\"", rd->name);
				return EINVAL;
			}
		}
		e = copy_rule(p, &p->rules[i], rd);
		if (e)
			return e;
		p->nrules = i + 1;	/* the destructor frees its regex */
		e = check_match(p, &p->rules[i], err, errsz);
		if (e)
			return e;
		e = check_dest(p, &p->rules[i], err, errsz);
		if (e)
			return e;
	}
	return 0;
}

static int build_groups(struct sip_route_plan *p,
			const struct sip_route_plan_desc *d,
			char *err, size_t errsz)
{
	int e;

	for (size_t i = 0; i < d->ngroups; i++) {
		for (size_t j = 0; j < i; j++) {
			if (d->groups[i].name && d->groups[j].name &&
			    !strcmp(d->groups[i].name, d->groups[j].name)) {
				seterr(err, errsz, "duplicate gateway group "
				       "\"%s\"", d->groups[i].name);
				return EINVAL;
			}
		}
		e = build_group(p, &p->groups[i], &d->groups[i], &d->health,
				err, errsz);
		if (e)
			return e;
		p->ngroups = i + 1;
	}
	return 0;
}

int sip_route_plan_build(struct sip_route_plan **planp,
			 const struct sip_route_plan_desc *desc,
			 char *err, size_t errsz)
{
	struct sip_route_plan *p;
	int e;

	if (!planp || !desc)
		return EINVAL;
	if (!desc->nrules || !desc->rules) {
		seterr(err, errsz, "the dial plan has no rules");
		return EINVAL;
	}
	p = sip_mem_zalloc(sizeof *p, plan_destroy);
	if (!p) {
		seterr(err, errsz, "out of memory");
		return ENOMEM;
	}
	p->ovec_pairs = 1;
	p->arena = sip_arena_new(4096);
	if (!p->arena) {
		e = ENOMEM;
		goto out;
	}
	p->rules = sip_arena_zalloc(p->arena, desc->nrules * sizeof *p->rules);
	p->groups = sip_arena_zalloc(p->arena,
				     (desc->ngroups + 1) * sizeof *p->groups);
	if (!p->rules || !p->groups) {
		e = ENOMEM;
		goto out;
	}
	e = build_groups(p, desc, err, errsz);
	if (e)
		goto out;
	e = build_rules(p, desc, err, errsz);
	if (e)
		goto out;
	*planp = p;
	return 0;
 out:
	if (e == ENOMEM)
		seterr(err, errsz, "out of memory");
	sip_mem_deref(p);
	return e;
}

struct sip_route_group *sip_route_plan_group(struct sip_route_plan *plan,
					     const char *name)
{
	if (!plan || !name)
		return NULL;
	for (size_t i = 0; i < plan->ngroups; i++) {
		if (!strcmp(plan->groups[i].name, name))
			return &plan->groups[i];
	}
	return NULL;
}

size_t sip_route_plan_ngroups(const struct sip_route_plan *plan)
{
	return plan ? plan->ngroups : 0;
}

struct sip_route_group *sip_route_plan_group_at(struct sip_route_plan *plan,
						size_t i)
{
	return plan && i < plan->ngroups ? &plan->groups[i] : NULL;
}

static struct sip_route_gw *find_gw(const struct sip_route_plan *plan,
				    const char *group, const char *uri)
{
	for (size_t i = 0; i < plan->ngroups; i++) {
		const struct sip_route_group *g = &plan->groups[i];

		if (strcmp(g->name, group))
			continue;
		for (size_t j = 0; j < g->ngws; j++) {
			if (!strcmp(g->gws[j].uri, uri))
				return &g->gws[j];
		}
	}
	return NULL;
}

void sip_route_plan_copy_health(struct sip_route_plan *plan,
				const struct sip_route_plan *old)
{
	if (!plan || !old)
		return;
	for (size_t i = 0; i < plan->ngroups; i++) {
		struct sip_route_group *g = &plan->groups[i];

		for (size_t j = 0; j < g->ngws; j++) {
			struct sip_route_gw *o = find_gw(old, g->name,
							 g->gws[j].uri);
			struct sip_route_health_conf conf;

			if (!o)
				continue;
			/* Keep the new thresholds, carry the state. */
			conf = g->gws[j].health.conf;
			g->gws[j].health = o->health;
			g->gws[j].health.conf = conf;
		}
	}
}

const char *sip_route_rule_name(const struct sip_route_rule *rule)
{
	return rule ? rule->name : NULL;
}

const char *sip_route_group_name(const struct sip_route_group *g)
{
	return g->name;
}

size_t sip_route_group_count(const struct sip_route_group *g)
{
	return g->ngws;
}

struct sip_route_gw *sip_route_group_gw(const struct sip_route_group *g,
					size_t i)
{
	return i < g->ngws ? &g->gws[i] : NULL;
}

const char *sip_route_gw_uri(const struct sip_route_gw *gw)
{
	return gw->uri;
}

unsigned sip_route_gw_priority(const struct sip_route_gw *gw)
{
	return gw->priority;
}

unsigned sip_route_gw_weight(const struct sip_route_gw *gw)
{
	return gw->weight;
}

struct sip_route_health *sip_route_gw_health(struct sip_route_gw *gw)
{
	return &gw->health;
}

bool sip_route_gw_is_up(const struct sip_route_gw *gw)
{
	return gw->health.state == SIP_ROUTE_GW_UP;
}
