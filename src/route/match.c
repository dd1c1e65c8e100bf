/*
 * match.c - does a dial plan rule match a call: prefix or PCRE2 pattern
 * on the Request-URI or From user, CIDR on the source address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "route/route.h"

/* Parse a textual v4 or v6 address into @p family / @p addr. */
static int parse_addr(const char *text, int *family, unsigned char *addr)
{
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return EINVAL;
}

int route_cidr_parse(struct sip_route_rule *rule, const char *text)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned maxbits;
	char *end;
	unsigned long bits;

	if (alen >= INET6_ADDRSTRLEN)
		return EINVAL;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (parse_addr(buf, &rule->family, rule->addr))
		return EINVAL;
	maxbits = rule->family == AF_INET ? 32 : 128;
	if (!slash) {
		rule->bits = maxbits;
		return 0;
	}
	if (slash[1] < '0' || slash[1] > '9')
		return EINVAL;
	bits = strtoul(slash + 1, &end, 10);
	if (*end || bits > maxbits)
		return EINVAL;
	rule->bits = (unsigned)bits;
	return 0;
}

static bool cidr_hit(const struct sip_route_rule *rule, const char *src)
{
	unsigned char a[16];
	int family;
	unsigned full, rest;

	if (!src || parse_addr(src, &family, a))
		return false;
	/* An IPv4-mapped IPv6 source matches IPv4 rules. */
	if (family == AF_INET6 && rule->family == AF_INET &&
	    !memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		memmove(a, a + 12, 4);
		family = AF_INET;
	}
	if (family != rule->family)
		return false;
	full = rule->bits / 8;
	rest = rule->bits % 8;
	if (memcmp(a, rule->addr, full))
		return false;
	if (!rest)
		return true;
	return ((a[full] ^ rule->addr[full]) & (0xff00 >> rest) & 0xff) == 0;
}

static int regex_hit(const struct sip_route_rule *rule, const char *subj,
		     bool *hit, pcre2_match_data *md)
{
	int rc;

	rc = pcre2_match(rule->re, (PCRE2_SPTR)subj, strlen(subj), 0, 0, md,
			 NULL);
	if (rc == PCRE2_ERROR_NOMEMORY)
		return ENOMEM;
	/* Other errors (match limits) count as no match. */
	*hit = rc >= 0;
	return 0;
}

int route_rule_match(const struct sip_route_rule *rule,
		     const struct sip_route_req *req, bool *hit,
		     pcre2_match_data *md)
{
	const char *subj;

	*hit = false;
	if (rule->field == SIP_ROUTE_SOURCE) {
		*hit = cidr_hit(rule, req->source);
		return 0;
	}
	subj = rule->field == SIP_ROUTE_FROM_USER ? req->from_user
						  : req->ruri_user;
	if (!subj)
		return 0;
	if (rule->match == SIP_ROUTE_PREFIX) {
		*hit = !strncmp(subj, rule->pattern, strlen(rule->pattern));
		return 0;
	}
	return regex_hit(rule, subj, hit, md);
}
