/*
 * quote.c - quoted-string values of auth-params (RFC 3261 §25.1:
 * quoted-pair = "\" char) read without their escapes and written with
 * them, plus the random source of the auth module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "sip/mem.h"
#include "auth.h"

static bool has_escape(struct sip_pl in)
{
	return in.len && memchr(in.p, '\\', in.len) != NULL;
}

/* Undo quoted-pairs of @p in into @p out (room for in.len bytes). */
static size_t unescape(struct sip_pl in, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < in.len; i++) {
		if (in.p[i] == '\\' && i + 1 < in.len)
			i++;
		out[n++] = in.p[i];
	}
	return n;
}

int auth_unquote(struct sip_arena *arena, struct sip_pl in, struct sip_pl *out)
{
	char *p;

	if (!has_escape(in)) {
		*out = in;
		return 0;
	}
	p = sip_arena_alloc(arena, in.len + 1);
	if (!p)
		return ENOMEM;
	*out = (struct sip_pl){ p, unescape(in, p) };
	return 0;
}

char *auth_unquote_dup(struct sip_pl in)
{
	char *p = malloc(in.len + 1);

	if (!p)
		return NULL;
	p[unescape(in, p)] = '\0';
	return p;
}

bool auth_quoted_eq(struct sip_pl quoted, struct sip_pl plain)
{
	size_t j = 0;

	if (!quoted.p)
		return false;
	for (size_t i = 0; i < quoted.len; i++, j++) {
		if (quoted.p[i] == '\\' && i + 1 < quoted.len)
			i++;
		if (j >= plain.len || quoted.p[i] != plain.p[j])
			return false;
	}
	return j == plain.len;
}

void auth_put_quoted(struct sip_buf *b, const char *name, struct sip_pl v)
{
	sip_buf_puts(b, name);
	sip_buf_puts(b, "=\"");
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] == '"' || v.p[i] == '\\')
			sip_buf_putc(b, '\\');
		sip_buf_putc(b, v.p[i]);
	}
	sip_buf_putc(b, '"');
}

int auth_random(void *buf, size_t n)
{
	if (n > (size_t)INT32_MAX || RAND_bytes(buf, (int)n) != 1)
		return EIO;
	return 0;
}
