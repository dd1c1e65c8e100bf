/*
 * scan.c - lexical scanner for header values (RFC 3261 §25.1: LWS, token,
 * quoted-string, comma lists).
 */
#include <errno.h>

#include "chars.h"
#include "sip.h"

bool sip_is_token(int c)
{
	return sip_char_is(c, SIP_C_TOKEN);
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool sip_scan_lws(struct sip_pl *c)
{
	size_t i = 0;

	while (i < c->len && is_lws(c->p[i]))
		i++;
	c->p += i;
	c->len -= i;
	return i > 0;
}

bool sip_scan_try(struct sip_pl *c, char ch)
{
	struct sip_pl s = *c;

	sip_scan_lws(&s);
	if (!s.len || s.p[0] != ch)
		return false;
	c->p = s.p + 1;
	c->len = s.len - 1;
	return true;
}

int sip_scan_char(struct sip_pl *c, char ch)
{
	return sip_scan_try(c, ch) ? 0 : EBADMSG;
}

int sip_scan_span(struct sip_pl *c, bool (*ok)(int), struct sip_pl *out)
{
	size_t i = 0;

	while (i < c->len && ok((unsigned char)c->p[i]))
		i++;
	if (!i)
		return EBADMSG;
	out->p = c->p;
	out->len = i;
	c->p += i;
	c->len -= i;
	return 0;
}

int sip_scan_token(struct sip_pl *c, struct sip_pl *tok)
{
	size_t i = 0;

	/* the hottest scanner: a table load per byte, no call */
	while (i < c->len && (sip_chars[(unsigned char)c->p[i]] & SIP_C_TOKEN))
		i++;
	if (!i)
		return EBADMSG;
	tok->p = c->p;
	tok->len = i;
	c->p += i;
	c->len -= i;
	return 0;
}

int sip_scan_quoted(struct sip_pl *c, struct sip_pl *inner)
{
	size_t i = 1;

	if (!c->len || c->p[0] != '"')
		return EBADMSG;
	while (i < c->len) {
		char ch = c->p[i];

		if (ch == '\\') {
			/* quoted-pair: any char but CR/LF may follow */
			if (i + 1 >= c->len || c->p[i + 1] == '\r' || c->p[i + 1] == '\n')
				return EBADMSG;
			i += 2;
			continue;
		}
		if (ch == '"') {
			inner->p = c->p + 1;
			inner->len = i - 1;
			c->p += i + 1;
			c->len -= i + 1;
			return 0;
		}
		i++;
	}
	return EBADMSG;
}

int sip_scan_u32(struct sip_pl *c, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;
	size_t i = 0;

	while (i < c->len && c->p[i] >= '0' && c->p[i] <= '9') {
		n = n * 10 + (uint64_t)(c->p[i] - '0');
		if (n > max) {
			/* consume the rest of the digits so the caller can report */
			while (i < c->len && c->p[i] >= '0' && c->p[i] <= '9')
				i++;
			c->p += i;
			c->len -= i;
			return ERANGE;
		}
		i++;
	}
	if (!i)
		return EBADMSG;
	*v = (uint32_t)n;
	c->p += i;
	c->len -= i;
	return 0;
}

int sip_scan_list_next(struct sip_pl *c, struct sip_pl *item)
{
	const char *p = c->p;
	size_t i = 0, n = c->len;
	bool in_angle = false;

	if (!p)
		return ENOENT;
	while (i < n) {
		char ch = p[i];

		if (!(sip_chars[(unsigned char)ch] & SIP_C_LIST)) {
			i++;
			continue;
		}
		if (ch == ',' && !in_angle)
			break;
		if (ch == '<') {
			in_angle = true;
		} else if (ch == '>') {
			in_angle = false;
		} else if (ch == '"') {
			/* skip the quoted string, quoted-pairs included */
			for (i++; i < n && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			if (i >= n)
				return EBADMSG;
		}
		i++;
	}
	if (in_angle)
		return EBADMSG;
	*item = sip_pl_trim((struct sip_pl){ p, i });
	if (i == n) {
		/* last element: a NULL cursor ends the list, so that a trailing
		 * comma still yields one (empty) element */
		c->p = NULL;
		c->len = 0;
		return 0;
	}
	c->p += i + 1;
	c->len -= i + 1;
	return 0;
}

static bool is_word(int c)
{
	return sip_char_is(c, SIP_C_WORD);
}

int sip_scan_callid(struct sip_pl *c, struct sip_pl *callid)
{
	struct sip_pl s = *c, w;

	if (sip_scan_span(&s, is_word, &w))
		return EBADMSG;
	if (s.len && s.p[0] == '@') {
		s.p++;
		s.len--;
		if (sip_scan_span(&s, is_word, &w))
			return EBADMSG;
	}
	*callid = (struct sip_pl){ c->p, (size_t)(s.p - c->p) };
	*c = s;
	return 0;
}

bool sip_scan_end(struct sip_pl *c)
{
	struct sip_pl s = *c;

	sip_scan_lws(&s);
	return s.len == 0;
}
