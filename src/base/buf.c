/*
 * buf.c - growable output buffer with a sticky error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/buf.h"

void sip_buf_init(struct sip_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void sip_buf_reset(struct sip_buf *b)
{
	free(b->p);
	sip_buf_init(b);
}

static int grow(struct sip_buf *b, size_t extra)
{
	size_t cap;
	char *p;

	if (b->err)
		return b->err;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->err = ENOMEM;
		return ENOMEM;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void sip_buf_append(struct sip_buf *b, const void *p, size_t len)
{
	if (grow(b, len))
		return;
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

char *sip_buf_reserve(struct sip_buf *b, size_t len)
{
	char *d;

	if (grow(b, len))
		return NULL;
	d = b->p + b->len;
	b->len += len;
	b->p[b->len] = '\0';
	return d;
}

void sip_buf_puts(struct sip_buf *b, const char *s)
{
	sip_buf_append(b, s, strlen(s));
}

void sip_buf_pl(struct sip_buf *b, struct sip_pl pl)
{
	sip_buf_append(b, pl.p, pl.len);
}

void sip_buf_putc(struct sip_buf *b, char c)
{
	sip_buf_append(b, &c, 1);
}

void sip_buf_vprintf(struct sip_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || grow(b, (size_t)n))
		return;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sip_buf_printf(struct sip_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sip_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void sip_buf_u32(struct sip_buf *b, unsigned long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sip_buf_append(b, tmp + i, sizeof(tmp) - i);
}
