/*
 * typed.c - helpers shared by the typed header parsers: trailing
 * generic-params, delta-seconds and qvalue (RFC 3261 §25.1), event-type
 * (RFC 6665 §8.4), and canonical parameter printing.
 */
#include <errno.h>

#include "sip/param.h"
#include "typed.h"
#include "sip.h"

int sip_typed_params(struct sip_pl rest, struct sip_pl *params)
{
	struct sip_pl p = sip_pl_trim(rest);

	if (p.len && p.p[0] != ';')
		return EBADMSG;
	if (sip_param_check(p))
		return EBADMSG;
	*params = p;
	return 0;
}

int sip_typed_delta(struct sip_pl v, uint32_t *secs)
{
	return sip_pl_u32(v, UINT32_MAX, secs) ? EBADMSG : 0;
}

static bool all_digits(struct sip_pl v, char only)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] < '0' || v.p[i] > '9' || (only && v.p[i] != only))
			return false;
	return true;
}

int sip_typed_qvalue(struct sip_pl v, unsigned *q1000)
{
	struct sip_pl frac = { NULL, 0 };
	unsigned q;

	if (v.len > 2)
		frac = (struct sip_pl){ v.p + 2, v.len - 2 };
	if (!v.len || (v.p[0] != '0' && v.p[0] != '1'))
		return EBADMSG;
	if (v.len > 1 && (v.p[1] != '.' || v.len > 5))
		return EBADMSG;
	/* "1" may only be followed by zeros: 1.000 is the maximum */
	if (!all_digits(frac, v.p[0] == '1' ? '0' : 0))
		return EBADMSG;
	q = (unsigned)(v.p[0] - '0') * 1000;
	for (size_t i = 0, scale = 100; i < frac.len; i++, scale /= 10)
		q += (unsigned)(frac.p[i] - '0') * (unsigned)scale;
	*q1000 = q;
	return 0;
}

bool sip_typed_event_type(struct sip_pl t)
{
	size_t part = 0;

	if (!t.len)
		return false;
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] == '.') {
			if (!part)
				return false;
			part = 0;
			continue;
		}
		if (!sip_is_token((unsigned char)t.p[i]))
			return false;
		part++;
	}
	return part > 0;
}

bool sip_typed_is_token(struct sip_pl v)
{
	if (!v.len)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if (!sip_is_token((unsigned char)v.p[i]))
			return false;
	return true;
}

void sip_typed_value_print(struct sip_buf *b, struct sip_pl v, bool quoted)
{
	if (!quoted && sip_typed_is_token(v)) {
		sip_buf_pl(b, v);
		return;
	}
	sip_buf_putc(b, '"');
	sip_buf_pl(b, v);
	sip_buf_putc(b, '"');
}

static bool skipped(struct sip_pl name, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (sip_pl_caseeqs(name, *skip))
			return true;
	return false;
}

void sip_typed_params_print(struct sip_buf *b, struct sip_pl params,
			    const char *const *skip)
{
	struct sip_param p;

	while (sip_param_next(&params, &p) == 0) {
		if (skipped(p.name, skip))
			continue;
		sip_buf_putc(b, ';');
		sip_buf_pl(b, p.name);
		if (!sip_pl_isset(&p.value))
			continue;
		sip_buf_putc(b, '=');
		if (p.quoted)
			sip_typed_value_print(b, p.value, true);
		else
			sip_buf_pl(b, p.value);
	}
}
