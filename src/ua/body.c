/*
 * body.c - small bodies a user agent reads and writes: message/sipfrag
 * status lines (RFC 3420, as REFER's NOTIFY uses them, RFC 3515 §2.4.5)
 * and application/dtmf-relay (the INFO DTMF body RFC 6086 §2 leaves in
 * legacy use: "Signal=5" and "Duration=160" lines).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "sip/dtmf.h"
#include "sip/out.h"
#include "sip/ua.h"

int sip_sipfrag_status(struct sip_pl body, uint16_t *scode)
{
	const char *p = body.p;
	size_t n = body.len;
	unsigned v = 0;

	if (n < 12 || strncmp(p, "SIP/2.0 ", 8) != 0)
		return EBADMSG;
	for (size_t i = 8; i < 11; i++) {
		if (!isdigit((unsigned char)p[i]))
			return EBADMSG;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (p[11] != ' ' || v < 100 || v > 699)
		return EBADMSG;
	*scode = (uint16_t)v;
	return 0;
}

void sip_sipfrag_print(struct sip_buf *b, uint16_t scode, const char *reason)
{
	sip_buf_printf(b, "SIP/2.0 %u %s\r\n", scode,
		       reason ? reason : sip_reason_phrase(scode));
}

/* The value of line "name=value" (name case-insensitive), trimmed. */
static bool line_value(struct sip_pl line, const char *name, struct sip_pl *v)
{
	size_t n = strlen(name);
	const char *eq = memchr(line.p, '=', line.len);

	if (!eq)
		return false;
	struct sip_pl key = sip_pl_trim((struct sip_pl){ line.p, (size_t)(eq - line.p) });

	if (key.len != n || strncasecmp(key.p, name, n) != 0)
		return false;
	*v = sip_pl_trim((struct sip_pl){ eq + 1, line.len - (size_t)(eq + 1 - line.p) });
	return true;
}

int sip_dtmf_relay_decode(struct sip_pl body, char *digit, uint32_t *duration)
{
	const char *p = body.p, *end = body.p + body.len;
	bool have = false;
	char d = 0;
	uint32_t dur = 0;
	uint8_t ev;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct sip_pl line = { p, (size_t)((nl ? nl : end) - p) };
		struct sip_pl v;

		if (line_value(line, "Signal", &v)) {
			if (v.len != 1 || sip_dtmf_digit_event(v.p[0], &ev))
				return EBADMSG;
			d = (char)toupper((unsigned char)v.p[0]);
			have = true;
		} else if (line_value(line, "Duration", &v)) {
			if (sip_pl_u32(v, 100000, &dur))
				dur = 0;
		}
		p = nl ? nl + 1 : end;
	}
	if (!have)
		return EBADMSG;
	*digit = d;
	*duration = dur;
	return 0;
}

void sip_dtmf_relay_print(struct sip_buf *b, char digit, uint32_t duration)
{
	sip_buf_printf(b, "Signal=%c\r\nDuration=%u\r\n", digit, duration);
}
