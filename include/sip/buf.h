/*
 * buf.h - growable output buffer for printing messages.
 *
 * Errors are sticky: after the first allocation failure every append is a
 * no-op and sip_buf_err() reports ENOMEM, so printers need check only once.
 */
#ifndef SIP_BUF_H
#define SIP_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "sip/pl.h"

struct sip_buf {
	char *p;     /* owned, malloc'd; NUL-terminated when len < cap */
	size_t len;
	size_t cap;
	int err;     /* first error (ENOMEM), 0 if none */
};

/** Initialise an empty buffer (no allocation yet). */
void sip_buf_init(struct sip_buf *b);

/** Free the storage; the buffer is left empty and reusable. */
void sip_buf_reset(struct sip_buf *b);

/** Append bytes / a C string / a slice / one char. */
void sip_buf_append(struct sip_buf *b, const void *p, size_t len);
void sip_buf_puts(struct sip_buf *b, const char *s);
/** @p len more bytes at the end, counted in b->len and NUL-terminated,
 *  for the caller to fill; NULL (and the sticky error) when out of memory. */
char *sip_buf_reserve(struct sip_buf *b, size_t len);
void sip_buf_pl(struct sip_buf *b, struct sip_pl pl);
void sip_buf_putc(struct sip_buf *b, char c);

/** printf-style append. */
void sip_buf_printf(struct sip_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sip_buf_vprintf(struct sip_buf *b, const char *fmt, va_list ap);

/** Append an unsigned decimal. */
void sip_buf_u32(struct sip_buf *b, unsigned long v);

/** 0, or the first error met (ENOMEM). */
static inline int sip_buf_err(const struct sip_buf *b)
{
	return b->err;
}

/** Contents as a slice. */
static inline struct sip_pl sip_buf_pl_get(const struct sip_buf *b)
{
	return (struct sip_pl){ b->p, b->len };
}

#endif
