/*
 * json.c - JSON string escaping (RFC 8259 §7) for log and trace lines.
 */
#include <stdbool.h>
#include <stdint.h>

#include "json.h"

/* Length of the valid UTF-8 sequence (RFC 3629 §4) at @p p, or 0. */
static size_t utf8_len(const unsigned char *p, size_t len)
{
	size_t n, i;
	uint32_t c;

	if (p[0] < 0xc2)
		return 0;   /* continuation byte or overlong lead */
	n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : p[0] < 0xf5 ? 4 : 0;
	if (!n || n > len)
		return 0;
	c = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void escape(struct sip_buf *b, unsigned char c)
{
	switch (c) {
	case '"':  sip_buf_puts(b, "\\\""); break;
	case '\\': sip_buf_puts(b, "\\\\"); break;
	case '\n': sip_buf_puts(b, "\\n"); break;
	case '\r': sip_buf_puts(b, "\\r"); break;
	case '\t': sip_buf_puts(b, "\\t"); break;
	default:   sip_buf_printf(b, "\\u%04x", c); break;
	}
}

void sipd_json_str(struct sip_buf *b, const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run, n;

	sip_buf_putc(b, '"');
	while (i < len) {
		for (run = i; run < len && plain(s[run]); run++)
			;
		sip_buf_append(b, s + i, run - i);
		i = run;
		if (i == len)
			break;
		if (s[i] >= 0x80 && (n = utf8_len(s + i, len - i))) {
			sip_buf_append(b, s + i, n);
			i += n;
			continue;
		}
		escape(b, s[i++]);
	}
	sip_buf_putc(b, '"');
}
