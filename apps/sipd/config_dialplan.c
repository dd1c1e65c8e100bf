/*
 * config_dialplan.c - the schema of the `dialplan:` section (ordered
 * rules, gateway groups, health probes; docs/config.md) with the checks
 * that give each mistake its FILE:LINE, and the translation into a plan
 * description for sip_route_plan_build() (include/sip/route.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sip/mem.h"
#include "sip/pl.h"
#include "sip/route.h"
#include "sip/uri.h"

#include "config_dialplan.h"
#include "scalar.h"
#include "yamldoc.h"

/* The schema stores enums through int (schema.h). */
_Static_assert(sizeof(enum sipd_dp_field) == sizeof(int), "enum size");

/* In the order of enum sipd_dp_field. */
static const char *const dp_fields[] = { "ruri", "from", "source", NULL };

/* What a destination's `user` says to mean "the rewritten number". */
static const char USER_NUMBER[] = "${user}";

#define MATCH(f)   offsetof(struct sipd_dp_match, f)
#define REWRITE(f) offsetof(struct sipd_dp_rewrite, f)
#define DEST(f)    offsetof(struct sipd_dp_dest, f)
#define RULE(f)    offsetof(struct sipd_dp_rule, f)
#define GW(f)      offsetof(struct sipd_dp_gw, f)
#define GROUP(f)   offsetof(struct sipd_dp_group, f)
#define HEALTH(f)  offsetof(struct sipd_dp_health, f)
#define DP(f)      offsetof(struct sipd_config_dialplan, f)

static int check_match(struct sipd_schema_ctx *ctx, void *obj,
		       const yaml_node_t *node, int line);
static int check_dest(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line);
static int check_rule(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line);
static int check_gw(struct sipd_schema_ctx *ctx, void *obj,
		    const yaml_node_t *node, int line);
static int check_health(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line);
static int check_dialplan(struct sipd_schema_ctx *ctx, void *obj,
			  const yaml_node_t *node, int line);

static const struct sipd_schema_key match_keys[] = {
	{ .name = "field", .type = SIPD_SCHEMA_ENUM, .offset = MATCH(field),
	  .names = dp_fields, .def = "ruri" },
	{ .name = "prefix", .type = SIPD_SCHEMA_STRING, .offset = MATCH(prefix) },
	{ .name = "regex", .type = SIPD_SCHEMA_STRING, .offset = MATCH(regex) },
	{ .name = "cidr", .type = SIPD_SCHEMA_STRING, .offset = MATCH(cidr) },
	{ .name = NULL },
};

static const struct sipd_schema_map match_map = {
	.size = sizeof(struct sipd_dp_match),
	.keys = match_keys,
	.check = check_match,
};

static const struct sipd_schema_key rewrite_keys[] = {
	{ .name = "replace", .type = SIPD_SCHEMA_STRING,
	  .offset = REWRITE(replace) },
	{ .name = "strip", .type = SIPD_SCHEMA_INT, .offset = REWRITE(strip),
	  .min = 0, .max = SIP_ROUTE_NUMBER_MAX - 1, .def = "0" },
	{ .name = "prefix", .type = SIPD_SCHEMA_STRING,
	  .offset = REWRITE(prefix) },
	{ .name = NULL },
};

static const struct sipd_schema_map rewrite_map = {
	.size = sizeof(struct sipd_dp_rewrite),
	.keys = rewrite_keys,
};

static const struct sipd_schema_key dest_keys[] = {
	{ .name = "user", .type = SIPD_SCHEMA_STRING, .offset = DEST(user) },
	{ .name = "uri", .type = SIPD_SCHEMA_STRING, .offset = DEST(uri) },
	{ .name = "redirect", .type = SIPD_SCHEMA_STRING,
	  .offset = DEST(redirect) },
	{ .name = "code", .type = SIPD_SCHEMA_INT, .offset = DEST(code),
	  .min = 301, .max = 302 },
	{ .name = "group", .type = SIPD_SCHEMA_STRING, .offset = DEST(group) },
	{ .name = NULL },
};

static const struct sipd_schema_map dest_map = {
	.size = sizeof(struct sipd_dp_dest),
	.keys = dest_keys,
	.check = check_dest,
};

static const struct sipd_schema_key class_entry = {
	.type = SIPD_SCHEMA_STRING,
};

static const struct sipd_schema_key rule_keys[] = {
	{ .name = "name", .type = SIPD_SCHEMA_STRING, .offset = RULE(name),
	  .required = true },
	{ .name = "match", .type = SIPD_SCHEMA_MAP, .offset = RULE(match),
	  .map = &match_map },
	{ .name = "rewrite", .type = SIPD_SCHEMA_MAP, .offset = RULE(rewrite),
	  .map = &rewrite_map },
	{ .name = "destination", .type = SIPD_SCHEMA_MAP,
	  .offset = RULE(destination), .map = &dest_map, .required = true },
	{ .name = "classes", .type = SIPD_SCHEMA_LIST, .offset = RULE(classes),
	  .count_offset = RULE(class_count), .elem = &class_entry },
	{ .name = "fallthrough", .type = SIPD_SCHEMA_BOOL,
	  .offset = RULE(fallthrough), .def = "false" },
	{ .name = NULL },
};

static const struct sipd_schema_map rule_map = {
	.size = sizeof(struct sipd_dp_rule),
	.keys = rule_keys,
	.check = check_rule,
};

static const struct sipd_schema_key rule_entry = {
	.type = SIPD_SCHEMA_MAP,
	.map = &rule_map,
};

static const struct sipd_schema_key gw_keys[] = {
	{ .name = "uri", .type = SIPD_SCHEMA_STRING, .offset = GW(uri),
	  .required = true },
	{ .name = "priority", .type = SIPD_SCHEMA_INT, .offset = GW(priority),
	  .min = 0, .max = 65535, .def = "1" },
	{ .name = "weight", .type = SIPD_SCHEMA_INT, .offset = GW(weight),
	  .min = 1, .max = 65535, .def = "1" },
	{ .name = NULL },
};

static const struct sipd_schema_map gw_map = {
	.size = sizeof(struct sipd_dp_gw),
	.keys = gw_keys,
	.check = check_gw,
};

static const struct sipd_schema_key gw_entry = {
	.type = SIPD_SCHEMA_MAP,
	.map = &gw_map,
};

static const struct sipd_schema_key group_keys[] = {
	{ .name = "name", .type = SIPD_SCHEMA_STRING, .offset = GROUP(name),
	  .required = true },
	{ .name = "members", .type = SIPD_SCHEMA_LIST, .offset = GROUP(members),
	  .count_offset = GROUP(member_count), .elem = &gw_entry,
	  .required = true, .min = 1, .max = SIP_ROUTE_GW_MAX },
	{ .name = NULL },
};

static const struct sipd_schema_map group_map = {
	.size = sizeof(struct sipd_dp_group),
	.keys = group_keys,
};

static const struct sipd_schema_key group_entry = {
	.type = SIPD_SCHEMA_MAP,
	.map = &group_map,
};

static const struct sipd_schema_key health_keys[] = {
	{ .name = "enabled", .type = SIPD_SCHEMA_BOOL,
	  .offset = HEALTH(enabled), .def = "true" },
	{ .name = "interval_ms", .type = SIPD_SCHEMA_INT,
	  .offset = HEALTH(interval_ms), .min = 100, .max = 86400000,
	  .def = "30000" },
	{ .name = "down_interval_ms", .type = SIPD_SCHEMA_INT,
	  .offset = HEALTH(down_interval_ms), .min = 100, .max = 86400000 },
	{ .name = "failures", .type = SIPD_SCHEMA_INT,
	  .offset = HEALTH(failures), .min = 1, .max = 100, .def = "3" },
	{ .name = "successes", .type = SIPD_SCHEMA_INT,
	  .offset = HEALTH(successes), .min = 1, .max = 100, .def = "2" },
	{ .name = NULL },
};

static const struct sipd_schema_map health_map = {
	.size = sizeof(struct sipd_dp_health),
	.keys = health_keys,
	.check = check_health,
};

static const struct sipd_schema_key dialplan_keys[] = {
	{ .name = "rules", .type = SIPD_SCHEMA_LIST, .offset = DP(rules),
	  .count_offset = DP(rule_count), .elem = &rule_entry },
	{ .name = "gateways", .type = SIPD_SCHEMA_LIST, .offset = DP(gateways),
	  .count_offset = DP(gateway_count), .elem = &group_entry },
	{ .name = "health", .type = SIPD_SCHEMA_MAP, .offset = DP(health),
	  .map = &health_map },
	{ .name = NULL },
};

const struct sipd_schema_map sipd_config_dialplan_map = {
	.size = sizeof(struct sipd_config_dialplan),
	.keys = dialplan_keys,
	.check = check_dialplan,
};

/* ---- checks ---- */

/* Line of @p key in map @p node, else @p line. */
static int key_line(struct sipd_schema_ctx *ctx, const yaml_node_t *node,
		    const char *key, int line)
{
	return sipd_yaml_line(sipd_schema_value(ctx, node, key), line);
}

/* Line of @p key of the map @p sub inside map @p node, else @p line. */
static int subkey_line(struct sipd_schema_ctx *ctx, const yaml_node_t *node,
		       const char *sub, const char *key, int line)
{
	const yaml_node_t *m = sipd_schema_value(ctx, node, sub);

	return key_line(ctx, m, key, sipd_yaml_line(m, line));
}

/* "addr" or "addr/bits", IPv4 or IPv6, bits within the family's length. */
static bool cidr_ok(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	long long bits;
	int af;

	if (sipd_scalar_ip(s, alen, &af, NULL))
		return false;
	if (!slash)
		return true;
	if (sipd_scalar_int(slash + 1, strlen(slash + 1), &bits) ||
	    slash[1] == '+' || slash[1] == '-')
		return false;
	return bits >= 0 && bits <= (af == AF_INET ? 32 : 128);
}

static int check_regex(struct sipd_schema_ctx *ctx, const char *re, int line)
{
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE off;
	pcre2_code *code;
	int ec;

	code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &ec,
			     &off, NULL);
	if (code) {
		pcre2_code_free(code);
		return 0;
	}
	if (ec == PCRE2_ERROR_NOMEMORY)
		return ENOMEM;
	pcre2_get_error_message(ec, msg, sizeof(msg));
	return sipd_schema_error(ctx, line, "%s.regex: bad regex '%s': %s at "
				 "offset %zu", ctx->path, re, (char *)msg,
				 (size_t)off);
}

/* One pattern at most (none: every call); the source address is matched
 * by CIDR and only it; `cidr` alone implies `field: source`. */
static int check_match(struct sipd_schema_ctx *ctx, void *obj,
		       const yaml_node_t *node, int line)
{
	struct sipd_dp_match *m = obj;
	int n = !!m->prefix + !!m->regex + !!m->cidr;
	bool field_given = sipd_schema_value(ctx, node, "field") != NULL;

	if (n > 1)
		return sipd_schema_error(ctx, line, "%s: give one of prefix, "
					 "regex or cidr, not %d", ctx->path, n);
	if (m->cidr && !field_given)
		m->field = SIPD_DP_SOURCE;
	if (m->cidr && m->field != SIPD_DP_SOURCE)
		return sipd_schema_error(ctx, key_line(ctx, node, "cidr", line),
					 "%s.cidr matches the source address "
					 "only (field: source)", ctx->path);
	if (m->field == SIPD_DP_SOURCE && !m->cidr)
		return sipd_schema_error(ctx, key_line(ctx, node, "field", line),
					 "%s.field source needs a cidr",
					 ctx->path);
	if (m->cidr && !cidr_ok(m->cidr))
		return sipd_schema_error(ctx, key_line(ctx, node, "cidr", line),
					 "%s.cidr: invalid address or CIDR "
					 "'%s'", ctx->path, m->cidr);
	if (m->regex)
		return check_regex(ctx, m->regex,
				   key_line(ctx, node, "regex", line));
	return 0;
}

/* Exactly one destination; `code` belongs to a redirect. */
static int check_dest(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line)
{
	struct sipd_dp_dest *d = obj;
	int n = !!d->user + !!d->uri + !!d->redirect + !!d->group;

	if (n != 1)
		return sipd_schema_error(ctx, line, "%s: give one of user, uri, "
					 "redirect or group, not %d", ctx->path,
					 n);
	if (d->code && !d->redirect)
		return sipd_schema_error(ctx, key_line(ctx, node, "code", line),
					 "%s.code is for a redirect only",
					 ctx->path);
	if (d->redirect && !d->code)
		d->code = 302;
	if (d->user && strchr(d->user, '$') && strcmp(d->user, USER_NUMBER))
		return sipd_schema_error(ctx, key_line(ctx, node, "user", line),
					 "%s.user: a user name, or %s for the "
					 "rewritten number", ctx->path,
					 USER_NUMBER);
	return 0;
}

static void rule_desc(const struct sipd_dp_rule *r,
		      struct sip_route_rule_desc *d)
{
	const struct sipd_dp_match *m = &r->match;
	const struct sipd_dp_dest *t = &r->destination;

	memset(d, 0, sizeof(*d));
	d->name = r->name;
	d->field = m->field == SIPD_DP_FROM ? SIP_ROUTE_FROM_USER :
		   m->field == SIPD_DP_SOURCE ? SIP_ROUTE_SOURCE :
		   SIP_ROUTE_RURI_USER;
	d->match = m->regex ? SIP_ROUTE_REGEX : m->cidr ? SIP_ROUTE_CIDR :
		   SIP_ROUTE_PREFIX;
	d->pattern = m->regex ? m->regex : m->cidr ? m->cidr :
		     m->prefix ? m->prefix : "";
	d->replace = r->rewrite.replace;
	d->strip = r->rewrite.strip;
	d->prefix = r->rewrite.prefix;
	if (t->group) {
		d->dest = SIP_ROUTE_DEST_GROUP;
		d->target = t->group;
	} else if (t->redirect) {
		d->dest = SIP_ROUTE_DEST_REDIRECT;
		d->target = t->redirect;
		d->redirect_code = (uint16_t)t->code;
	} else if (t->uri) {
		d->dest = SIP_ROUTE_DEST_URI;
		d->target = t->uri;
	} else {
		d->dest = SIP_ROUTE_DEST_USER;
		d->target = t->user && strcmp(t->user, USER_NUMBER) ? t->user :
			    NULL;
	}
	d->classes = (const char *const *)r->classes;
	d->nclasses = r->class_count;
	d->fallthrough = r->fallthrough;
}

/* What the library says about this rule alone (the replacement's groups,
 * the URI templates): a plan of one rule, its group left for the
 * section's check. */
static int check_rule_alone(struct sipd_schema_ctx *ctx,
			    const struct sipd_dp_rule *r,
			    const yaml_node_t *node, int line)
{
	struct sip_route_plan_desc desc = { 0 };
	struct sip_route_rule_desc d;
	struct sip_route_plan *plan = NULL;
	char err[SIP_ROUTE_ERR_MAX];
	int e;

	rule_desc(r, &d);
	if (d.dest == SIP_ROUTE_DEST_GROUP) {
		d.dest = SIP_ROUTE_DEST_USER;
		d.target = NULL;
	}
	desc.rules = &d;
	desc.nrules = 1;
	e = sip_route_plan_build(&plan, &desc, err, sizeof(err));
	sip_mem_deref(plan);
	if (e == EINVAL)
		return sipd_schema_error(ctx, strstr(err, "replacement") ?
			subkey_line(ctx, node, "rewrite", "replace", line) :
			line, "%s: %s", ctx->path, err);
	return e;
}

static int check_rule(struct sipd_schema_ctx *ctx, void *obj,
		      const yaml_node_t *node, int line)
{
	struct sipd_dp_rule *r = obj;

	if (r->rewrite.replace &&
	    (!r->match.regex || r->match.field != SIPD_DP_RURI))
		return sipd_schema_error(ctx,
			subkey_line(ctx, node, "rewrite", "replace", line),
			"%s.rewrite.replace needs match.regex on the number "
			"(field ruri)", ctx->path);
	for (size_t i = 0; i < r->class_count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(r->classes[i], r->classes[j]))
				return sipd_schema_error(ctx,
					key_line(ctx, node, "classes", line),
					"%s.classes[%zu] repeats '%s'",
					ctx->path, i, r->classes[i]);
	return check_rule_alone(ctx, r, node, line);
}

static int check_gw(struct sipd_schema_ctx *ctx, void *obj,
		    const yaml_node_t *node, int line)
{
	const struct sipd_dp_gw *g = obj;
	struct sip_uri u;

	if (sip_uri_decode(&u, sip_pl_str(g->uri)) ||
	    (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS) ||
	    u.host_type == SIP_HOST_NONE)
		return sipd_schema_error(ctx, key_line(ctx, node, "uri", line),
					 "%s.uri: not a sip: or sips: URI '%s'",
					 ctx->path, g->uri);
	return 0;
}

static int check_health(struct sipd_schema_ctx *ctx, void *obj,
			const yaml_node_t *node, int line)
{
	struct sipd_dp_health *h = obj;

	if (!h->down_interval_ms)
		h->down_interval_ms = h->interval_ms;
	return 0;
}

/* Line of entry @p i of list @p key in map @p node, else @p line. */
static int entry_line(struct sipd_schema_ctx *ctx, const yaml_node_t *node,
		      const char *key, size_t i, int line)
{
	const yaml_node_t *list = sipd_schema_value(ctx, node, key);

	return sipd_yaml_line(sipd_schema_item(ctx, list, i), line);
}

static const struct sipd_dp_group *find_group(
	const struct sipd_config_dialplan *dp, const char *name)
{
	for (size_t i = 0; i < dp->gateway_count; i++)
		if (!strcmp(dp->gateways[i].name, name))
			return &dp->gateways[i];
	return NULL;
}

static int check_names(struct sipd_schema_ctx *ctx,
		       const struct sipd_config_dialplan *dp,
		       const yaml_node_t *node, int line)
{
	for (size_t i = 0; i < dp->rule_count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(dp->rules[i].name, dp->rules[j].name))
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "rules", i, line),
					"%s.rules[%zu] repeats the name '%s' "
					"of %s.rules[%zu]", ctx->path, i,
					dp->rules[i].name, ctx->path, j);
	for (size_t i = 0; i < dp->gateway_count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(dp->gateways[i].name, dp->gateways[j].name))
				return sipd_schema_error(ctx,
					entry_line(ctx, node, "gateways", i,
						   line),
					"%s.gateways[%zu] repeats the group "
					"name '%s'", ctx->path, i,
					dp->gateways[i].name);
	return 0;
}

static int check_groups_used(struct sipd_schema_ctx *ctx,
			     const struct sipd_config_dialplan *dp,
			     const yaml_node_t *node, int line)
{
	for (size_t i = 0; i < dp->rule_count; i++) {
		const char *g = dp->rules[i].destination.group;
		const yaml_node_t *rule;

		if (!g || find_group(dp, g))
			continue;
		rule = sipd_schema_item(ctx, sipd_schema_value(ctx, node,
							       "rules"), i);
		return sipd_schema_error(ctx,
			subkey_line(ctx, rule, "destination", "group",
				    sipd_yaml_line(rule, line)),
			"%s.rules[%zu].destination.group: unknown gateway "
			"group '%s'", ctx->path, i, g);
	}
	return 0;
}

static int check_dialplan(struct sipd_schema_ctx *ctx, void *obj,
			  const yaml_node_t *node, int line)
{
	struct sipd_config_dialplan *dp = obj;
	struct sip_route_plan *plan = NULL;
	char err[SIP_ROUTE_ERR_MAX];
	int e;

	if (!dp->rule_count) {
		if (dp->gateway_count)
			return sipd_schema_error(ctx, line, "%s has gateways "
						 "but no rules", ctx->path);
		return 0;
	}
	if ((e = check_names(ctx, dp, node, line)) ||
	    (e = check_groups_used(ctx, dp, node, line)))
		return e;
	/* whatever the library still finds wrong with the whole plan */
	e = sipd_config_dialplan_build(dp, &plan, err, sizeof(err));
	sip_mem_deref(plan);
	if (e == EINVAL)
		return sipd_schema_error(ctx, line, "%s: %s", ctx->path, err);
	return e;
}

/* ---- the plan ---- */

struct descs {
	struct sip_route_rule_desc *rules;
	struct sip_route_group_desc *groups;
	struct sip_route_gw_desc **gws;   /* one array per group */
	size_t ngroups;
};

static void descs_free(struct descs *d)
{
	for (size_t i = 0; d->gws && i < d->ngroups; i++)
		free(d->gws[i]);
	free(d->gws);
	free(d->groups);
	free(d->rules);
}

static int descs_fill(struct descs *d, const struct sipd_config_dialplan *dp)
{
	size_t ng = dp->gateway_count;

	d->ngroups = ng;
	d->rules = calloc(dp->rule_count, sizeof(*d->rules));
	d->groups = calloc(ng ? ng : 1, sizeof(*d->groups));
	d->gws = calloc(ng ? ng : 1, sizeof(*d->gws));
	if (!d->rules || !d->groups || !d->gws)
		return ENOMEM;
	for (size_t i = 0; i < dp->rule_count; i++)
		rule_desc(&dp->rules[i], &d->rules[i]);
	for (size_t i = 0; i < ng; i++) {
		const struct sipd_dp_group *g = &dp->gateways[i];

		d->gws[i] = calloc(g->member_count, sizeof(*d->gws[i]));
		if (!d->gws[i])
			return ENOMEM;
		for (size_t j = 0; j < g->member_count; j++) {
			d->gws[i][j].uri = g->members[j].uri;
			d->gws[i][j].priority = g->members[j].priority;
			d->gws[i][j].weight = g->members[j].weight;
		}
		d->groups[i].name = g->name;
		d->groups[i].gws = d->gws[i];
		d->groups[i].ngws = g->member_count;
	}
	return 0;
}

int sipd_config_dialplan_build(const struct sipd_config_dialplan *dp,
			       struct sip_route_plan **planp, char *err,
			       size_t errlen)
{
	struct descs d = { 0 };
	struct sip_route_plan_desc desc = {
		.nrules = dp->rule_count,
		.ngroups = dp->gateway_count,
		.health = {
			.fail_down = dp->health.failures,
			.ok_up = dp->health.successes,
			.interval_ms = dp->health.interval_ms,
			.down_interval_ms = dp->health.down_interval_ms,
		},
	};
	int e;

	if (!dp->rule_count)
		return ENOENT;
	e = descs_fill(&d, dp);
	if (!e) {
		desc.rules = d.rules;
		desc.groups = d.groups;
		e = sip_route_plan_build(planp, &desc, err, errlen);
	} else if (errlen) {
		snprintf(err, errlen, "out of memory");
	}
	descs_free(&d);
	return e;
}
