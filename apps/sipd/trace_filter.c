/*
 * trace_filter.c - selecting trace entries for the HTTP API (see
 * trace_filter.h). Header filters decode the entry's message (a copy:
 * the ring is not touched) with the lazy parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/msg.h"

#include "trace_filter.h"

static int bad(char *err, size_t errlen, const char *what, const char *v)
{
	snprintf(err, errlen, "bad %s '%s'", what, v);
	return EINVAL;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? EINVAL : 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

int sipd_time_parse(const char *s, struct timespec *ts)
{
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	long nsec = 0, scale = 100000000;
	const char *p;
	char sign;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
		   &n) != 6 || n != 19)
		return EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || y < 1970)
		return EINVAL;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			nsec += (*p - '0') * scale;
			scale /= 10;
		}
	}
	sign = *p;
	if (sign == 'Z' || sign == 'z') {
		if (p[1])
			return EINVAL;
	} else if (sign == '+' || sign == '-') {
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || p[1 + n])
			return EINVAL;
		if (sign == '-') {
			oh = -oh;
			om = -om;
		}
	} else {
		return EINVAL;
	}
	ts->tv_sec = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
			      h * 3600 + mi * 60 + sec - oh * 3600 - om * 60);
	ts->tv_nsec = nsec;
	return 0;
}

static int parse_addr(struct sipd_trace_filter *f, const char *v)
{
	if (!sip_tp_addr_decode(&f->addr, sip_pl_str(v)) &&
	    sip_tp_addr_port(&f->addr)) {
		f->addr_port = true;
	} else if (sip_tp_addr_ip(&f->addr, sip_pl_str(v), 0)) {
		return EINVAL;
	}
	f->has_addr = true;
	return 0;
}

int sipd_trace_filter_parse(struct sipd_trace_filter *f, sipd_trace_query_h *get,
			    void *arg, char *err, size_t errlen)
{
	const char *v;
	uint64_t n;

	memset(f, 0, sizeof(*f));
	f->limit = SIPD_TRACE_LIMIT_DEF;
	f->call_id = get(arg, "call_id");
	f->method = get(arg, "method");
	f->user = get(arg, "user");
	if ((v = get(arg, "addr")) && parse_addr(f, v))
		return bad(err, errlen, "addr", v);
	if ((v = get(arg, "since"))) {
		if (sipd_time_parse(v, &f->since))
			return bad(err, errlen, "since (want RFC 3339)", v);
		f->has_since = true;
	}
	if ((v = get(arg, "after")) && parse_u64(v, &f->after))
		return bad(err, errlen, "after", v);
	if ((v = get(arg, "limit"))) {
		if (parse_u64(v, &n) || !n || n > SIPD_TRACE_LIMIT_MAX)
			return bad(err, errlen, "limit (1-100000)", v);
		f->limit = (size_t)n;
	}
	return 0;
}

static bool addr_match(const struct sipd_trace_filter *f,
		       const struct sip_tp_addr *peer)
{
	if (!sip_tp_addr_ip_eq(&f->addr, peer))
		return false;
	return !f->addr_port ||
	       sip_tp_addr_port(&f->addr) == sip_tp_addr_port(peer);
}

static bool pl_has(struct sip_pl hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay.p || n > hay.len)
		return false;
	for (size_t i = 0; i + n <= hay.len; i++)
		if (!memcmp(hay.p + i, needle, n))
			return true;
	return false;
}

static bool user_match(struct sip_msg *m, const char *user)
{
	const struct sip_addr *a;
	const struct sip_uri *u;

	if (!sip_msg_from(m, &a) && pl_has(a->uri.user, user))
		return true;
	if (!sip_msg_to(m, &a) && pl_has(a->uri.user, user))
		return true;
	return m->req && !sip_msg_ruri(m, &u) && pl_has(u->user, user);
}

static bool headers_match(const struct sipd_trace_filter *f,
			  const struct sipd_trace_entry *e)
{
	struct sip_msg_keys k;
	struct sip_msg *m;
	bool ok = false;

	if (sip_msg_decode(&m, e->bytes, e->len, NULL, 0, NULL))
		return false;
	if (sip_msg_keys(m, &k))
		goto out;
	if (f->call_id && !sip_pl_eqs(k.callid, f->call_id))
		goto out;
	if (f->method && !sip_pl_eqs(m->req ? m->method : k.cseq_method,
				     f->method))
		goto out;
	if (f->user && !user_match(m, f->user))
		goto out;
	ok = true;
out:
	sip_msg_free(m);
	return ok;
}

bool sipd_trace_filter_match(const struct sipd_trace_filter *f,
			     const struct sipd_trace_entry *e)
{
	if (e->seq <= f->after)
		return false;
	if (f->has_since && (e->time.tv_sec < f->since.tv_sec ||
			     (e->time.tv_sec == f->since.tv_sec &&
			      e->time.tv_nsec < f->since.tv_nsec)))
		return false;
	if (f->has_addr && !addr_match(f, &e->peer))
		return false;
	if (!f->call_id && !f->method && !f->user)
		return true;
	return headers_match(f, e);
}
