/*
 * route.h - private structures of the dial plan, shared by the files of
 * src/route/ only.
 */
#ifndef SIP_ROUTE_PRIV_H
#define SIP_ROUTE_PRIV_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sip/mem.h"
#include "sip/route.h"

struct sip_route_gw {
	const char *uri;
	unsigned priority;
	unsigned weight;
	struct sip_route_health health;
};

struct sip_route_group {
	const char *name;
	struct sip_route_gw *gws;
	size_t ngws;
};

struct sip_route_rule {
	const char *name;
	enum sip_route_field field;
	enum sip_route_match match;
	const char *pattern;
	pcre2_code *re;			/* REGEX only, freed with the plan */
	int family;			/* CIDR: AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned bits;
	const char *replace;
	unsigned strip;
	const char *prefix;
	enum sip_route_dest dest;
	const char *target;
	uint16_t redirect_code;
	const char **classes;
	size_t nclasses;
	bool fallthrough;
	const struct sip_route_group *group;	/* GROUP only */
};

struct sip_route_plan {
	struct sip_arena *arena;	/* every string and array */
	struct sip_route_rule *rules;
	size_t nrules;
	struct sip_route_group *groups;
	size_t ngroups;
	uint32_t ovec_pairs;		/* most capture groups of a regex, + 1 */
};

/*
 * match.c: does @p rule match @p req? @p md (plan->ovec_pairs pairs,
 * reused across rules) receives the captures of a regex match.
 * Returns 0 with *hit set, or ENOMEM.
 */
int route_rule_match(const struct sip_route_rule *rule,
		     const struct sip_route_req *req, bool *hit,
		     pcre2_match_data *md);

/* match.c: parse "addr[/bits]" into rule->family/addr/bits; EINVAL. */
int route_cidr_parse(struct sip_route_rule *rule, const char *text);

/*
 * rewrite.c: the rewritten number of @p req for @p rule into @p out
 * (SIP_ROUTE_NUMBER_MAX). @p md: regex captures, or NULL.
 * Returns 0 or ENAMETOOLONG.
 */
int route_rewrite(const struct sip_route_rule *rule, const char *number,
		  pcre2_match_data *md, char *out);

/*
 * rewrite.c: check template @p tmpl refers to no group above
 * @p ngroups; EINVAL with a reason in @p why otherwise.
 */
int route_template_check(const char *tmpl, uint32_t ngroups,
			 const char **why);

/* rewrite.c: @p tmpl with "${user}" replaced by @p user; ENAMETOOLONG. */
int route_subst_user(const char *tmpl, const char *user, char *out,
		     size_t size);

/* gw.c: as sip_route_group_order(), down gateways kept when @p all. */
size_t route_group_order(const struct sip_route_group *g,
			 sip_route_rand_h *rh, void *arg, bool all,
			 struct sip_route_gw **order);

/* lookup.c: is @p cls allowed by @p rule? */
bool route_rule_allows(const struct sip_route_rule *rule, const char *cls);

/* text.c: bounded text output; once truncated, further text is dropped. */
struct route_text {
	char *p;
	size_t len;
	size_t size;	/* > 0; p[len] is always NUL */
	bool trunc;
};

void route_say(struct route_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* text.c: "number", "from user", "source address"; "prefix", "regex"... */
const char *route_field_name(enum sip_route_field f);
const char *route_match_name(enum sip_route_match m);

#endif
