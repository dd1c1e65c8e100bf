/*
 * date.c - Date (RFC 3261 §20.17) and Timestamp (§20.38), declared in
 * session.h:
 *
 *   Date         = "Date" HCOLON SIP-date,  SIP-date = rfc1123-date
 *   rfc1123-date = wkday "," SP date1 SP time SP "GMT"
 *   date1        = 2DIGIT SP month SP 4DIGIT
 *   time         = 2DIGIT ":" 2DIGIT ":" 2DIGIT
 *   Timestamp    = "Timestamp" HCOLON 1*(DIGIT) [ "." *(DIGIT) ] [ LWS delay ]
 *   delay        = *(DIGIT) [ "." *(DIGIT) ]
 *
 * §20.17 restricts the zone to GMT; RFC 4475 baddate ("EST") must fail.
 * Conversion to and from time_t is done here, without the C library's
 * time zone state.
 */
#include <errno.h>

#include "sip/mem.h"
#include "sip/session.h"
#include "sip.h"

static const char *const wkdays[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Days from 1970-01-01 to @p y-@p m-@p d (proleptic Gregorian); the
 * year counts from March so that leap days come last; eras are 400 years. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Inverse of days_from_civil(). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned mdays(int64_t y, unsigned m)
{
	static const unsigned n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Exactly @p n digits at the cursor. */
static int scan_digits(struct sip_pl *c, size_t n, unsigned *v)
{
	unsigned x = 0;

	if (c->len < n)
		return EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (c->p[i] < '0' || c->p[i] > '9')
			return EBADMSG;
		x = x * 10 + (unsigned)(c->p[i] - '0');
	}
	if (c->len > n && c->p[n] >= '0' && c->p[n] <= '9')
		return EBADMSG;
	c->p += n;
	c->len -= n;
	*v = x;
	return 0;
}

/* One of @p names (3 letters each, any case); its index in @p *idx. */
static int scan_name(struct sip_pl *c, const char *const *names, unsigned n,
		     unsigned *idx)
{
	struct sip_pl w = { c->p, c->len < 3 ? c->len : 3 };

	for (unsigned i = 0; i < n; i++) {
		if (sip_pl_caseeqs(w, names[i])) {
			c->p += 3;
			c->len -= 3;
			*idx = i;
			return 0;
		}
	}
	return EBADMSG;
}

struct civil {
	unsigned day, mon, year, hour, min, sec;
};

/* "DD Mon YYYY HH:MM:SS", LWS between the parts. */
static int scan_civil(struct sip_pl *c, struct civil *t)
{
	if (scan_digits(c, 2, &t->day) || !sip_scan_lws(c) ||
	    scan_name(c, months, 12, &t->mon) || !sip_scan_lws(c) ||
	    scan_digits(c, 4, &t->year) || !sip_scan_lws(c))
		return EBADMSG;
	if (scan_digits(c, 2, &t->hour) || sip_scan_char(c, ':') ||
	    scan_digits(c, 2, &t->min) || sip_scan_char(c, ':') ||
	    scan_digits(c, 2, &t->sec))
		return EBADMSG;
	t->mon++;
	/* a leap second (60) is accepted and lands on the next minute */
	if (!t->day || t->day > mdays(t->year, t->mon) || t->hour > 23 ||
	    t->min > 59 || t->sec > 60)
		return EBADMSG;
	return 0;
}

int sip_date_decode(struct sip_pl text, time_t *t)
{
	struct sip_pl c = sip_pl_trim(text);
	struct civil v;
	unsigned wday;
	int64_t secs;

	if (scan_name(&c, wkdays, 7, &wday) || sip_scan_char(&c, ',') ||
	    !sip_scan_lws(&c) || scan_civil(&c, &v) || !sip_scan_lws(&c))
		return EBADMSG;
	/* §20.17: "GMT" only, RFC 4475 baddate */
	if (c.len != 3 || !sip_pl_caseeqs(c, "GMT"))
		return EBADMSG;
	secs = days_from_civil(v.year, v.mon, v.day) * 86400 +
	       (int64_t)v.hour * 3600 + v.min * 60 + v.sec;
	if ((int64_t)(time_t)secs != secs)
		return EBADMSG;
	*t = (time_t)secs;
	return 0;
}

/* Two digits of @p v (0-99). */
static void put2(struct sip_buf *b, unsigned v)
{
	char d[2] = { (char)('0' + v / 10), (char)('0' + v % 10) };

	sip_buf_append(b, d, 2);
}

int sip_date_print(struct sip_buf *b, time_t t)
{
	int64_t s = (int64_t)t, days, rem, y;
	unsigned m, d;

	days = s / 86400;
	rem = s % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	if (days < days_from_civil(0, 1, 1) || days > days_from_civil(9999, 12, 31))
		return EINVAL;
	civil_from_days(days, &y, &m, &d);
	/* 1970-01-01 was a Thursday; digits by hand: this is on every
	 * registrar 200, and printf costs more than the rest of the line */
	sip_buf_puts(b, wkdays[((days % 7) + 11) % 7]);
	sip_buf_puts(b, ", ");
	put2(b, d);
	sip_buf_putc(b, ' ');
	sip_buf_puts(b, months[m - 1]);
	sip_buf_putc(b, ' ');
	put2(b, (unsigned)(y / 100));
	put2(b, (unsigned)(y % 100));
	sip_buf_putc(b, ' ');
	put2(b, (unsigned)(rem / 3600));
	sip_buf_putc(b, ':');
	put2(b, (unsigned)(rem / 60 % 60));
	sip_buf_putc(b, ':');
	put2(b, (unsigned)(rem % 60));
	sip_buf_puts(b, " GMT");
	return 0;
}

static int parse_date(struct sip_msg *m, const struct sip_hdr *first,
		      const void **out)
{
	time_t *t = sip_arena_alloc(sip_msg_arena(m), sizeof(*t));

	if (!t)
		return ENOMEM;
	if (first->next || sip_date_decode(first->value, t)) {
		sip_msg_set_err(m, SIP_HDR_DATE, "Bad Date header");
		return EBADMSG;
	}
	*out = t;
	return 0;
}

int sip_msg_date(struct sip_msg *m, time_t *t)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_DATE, parse_date, &v);

	if (err)
		return err;
	*t = *(const time_t *)v;
	return 0;
}

/* 1*DIGIT [ "." *DIGIT ] at the cursor. */
static int scan_number(struct sip_pl *c, struct sip_pl *num)
{
	size_t i = 0;

	while (i < c->len && c->p[i] >= '0' && c->p[i] <= '9')
		i++;
	if (!i)
		return EBADMSG;
	if (i < c->len && c->p[i] == '.')
		for (i++; i < c->len && c->p[i] >= '0' && c->p[i] <= '9'; i++)
			;
	*num = (struct sip_pl){ c->p, i };
	c->p += i;
	c->len -= i;
	return 0;
}

int sip_timestamp_decode(struct sip_timestamp *ts, struct sip_pl text)
{
	struct sip_timestamp v = { { 0 }, { 0 } };
	struct sip_pl c = sip_pl_trim(text);

	if (scan_number(&c, &v.value))
		return EBADMSG;
	if (c.len) {
		/* the delay needs a digit before any '.', as in the value */
		if (!sip_scan_lws(&c) || scan_number(&c, &v.delay) || c.len)
			return EBADMSG;
	}
	*ts = v;
	return 0;
}

static int parse_timestamp(struct sip_msg *m, const struct sip_hdr *first,
			   const void **out)
{
	struct sip_timestamp *ts = sip_arena_alloc(sip_msg_arena(m), sizeof(*ts));

	if (!ts)
		return ENOMEM;
	if (first->next || sip_timestamp_decode(ts, first->value)) {
		sip_msg_set_err(m, SIP_HDR_TIMESTAMP, "Bad Timestamp header");
		return EBADMSG;
	}
	*out = ts;
	return 0;
}

int sip_msg_timestamp(struct sip_msg *m, const struct sip_timestamp **tp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_TIMESTAMP, parse_timestamp, &v);

	if (err)
		return err;
	*tp = v;
	return 0;
}

void sip_timestamp_print(struct sip_buf *b, const struct sip_timestamp *ts)
{
	sip_buf_pl(b, ts->value);
	if (sip_pl_isset(&ts->delay)) {
		sip_buf_putc(b, ' ');
		sip_buf_pl(b, ts->delay);
	}
}
