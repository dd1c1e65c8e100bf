/*
 * rewrite.c - digit rewriting of the dialled number, the job of a
 * gateway's translation rules: replace with a template of capture groups
 * ($1, ${12}, $$ for a dollar), strip leading digits, add a prefix; and
 * "${user}" substitution in destination URIs.
 */
#include <errno.h>
#include <string.h>

#include "route/route.h"

/* Output cursor that refuses to overflow. */
struct out {
	char *p;
	size_t len;
	size_t size;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n >= o->size - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/*
 * Parse a group reference after a '$' at @p t: "N" (one digit) or
 * "{N...}". Sets *grp and returns the bytes consumed, 0 if malformed.
 */
static size_t group_ref(const char *t, uint32_t *grp)
{
	size_t i = 1;
	uint32_t v = 0;

	if (*t >= '0' && *t <= '9') {
		*grp = (uint32_t)(*t - '0');
		return 1;
	}
	if (*t != '{')
		return 0;
	while (t[i] >= '0' && t[i] <= '9' && i < 6)
		v = v * 10 + (uint32_t)(t[i++] - '0');
	if (i == 1 || t[i] != '}')
		return 0;
	*grp = v;
	return i + 1;
}

int route_template_check(const char *tmpl, uint32_t ngroups,
			 const char **why)
{
	uint32_t g;
	size_t n;

	for (const char *t = tmpl; *t; t++) {
		if (*t != '$')
			continue;
		if (t[1] == '$') {
			t++;
			continue;
		}
		n = group_ref(t + 1, &g);
		if (!n) {
			*why = "'$' must be followed by a digit, {N} or '$'";
			return EINVAL;
		}
		if (g > ngroups) {
			*why = "refers to a group the regex does not have";
			return EINVAL;
		}
		t += n;
	}
	return 0;
}

static void expand(struct out *o, const char *tmpl, const char *subj,
		   pcre2_match_data *md)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t npairs = pcre2_get_ovector_count(md);
	uint32_t g;
	size_t n;

	for (const char *t = tmpl; *t; t++) {
		if (*t != '$') {
			put(o, t, 1);
			continue;
		}
		if (t[1] == '$') {
			put(o, t++, 1);
			continue;
		}
		n = group_ref(t + 1, &g);	/* checked at build time */
		t += n;
		/* An unset group (PCRE2_UNSET) expands to nothing. */
		if (g < npairs && ov[2 * g] != PCRE2_UNSET)
			put(o, subj + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
	}
}

int route_rewrite(const struct sip_route_rule *rule, const char *number,
		  pcre2_match_data *md, char *out)
{
	char tmp[SIP_ROUTE_NUMBER_MAX];
	struct out o = { tmp, 0, sizeof tmp, false };
	const char *s = number;
	size_t len;

	tmp[0] = '\0';
	if (rule->replace && md)
		expand(&o, rule->replace, number, md);
	else
		put(&o, number, strlen(number));
	if (o.full)
		return ENAMETOOLONG;
	s = tmp;
	len = strlen(s);
	if (rule->strip >= len)
		s += len;
	else
		s += rule->strip;
	o = (struct out){ out, 0, SIP_ROUTE_NUMBER_MAX, false };
	out[0] = '\0';
	if (rule->prefix)
		put(&o, rule->prefix, strlen(rule->prefix));
	put(&o, s, strlen(s));
	return o.full ? ENAMETOOLONG : 0;
}

int route_subst_user(const char *tmpl, const char *user, char *out,
		     size_t size)
{
	static const char key[] = "${user}";
	struct out o = { out, 0, size, false };
	const char *t = tmpl, *hit;

	out[0] = '\0';
	while ((hit = strstr(t, key)) != NULL) {
		put(&o, t, (size_t)(hit - t));
		put(&o, user, strlen(user));
		t = hit + sizeof key - 1;
	}
	put(&o, t, strlen(t));
	return o.full ? ENAMETOOLONG : 0;
}
