/*
 * pl.h - pointer/length slices into message bytes.
 *
 * A slice never owns its bytes and is never NUL-terminated in place: it is
 * valid exactly as long as the buffer it points into.
 */
#ifndef SIP_PL_H
#define SIP_PL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sip_pl {
	const char *p;
	size_t len;
};

/** A slice over a string literal. */
#define SIP_PL(s) ((struct sip_pl){ (s), sizeof(s) - 1 })

/** Slice over a NUL-terminated string (NULL gives the empty slice). */
struct sip_pl sip_pl_str(const char *s);

/** True when the slice is set (p != NULL), even if empty. */
static inline bool sip_pl_isset(const struct sip_pl *pl)
{
	return pl->p != NULL;
}

/** Byte-exact equality. */
bool sip_pl_eq(struct sip_pl a, struct sip_pl b);

/** ASCII case-insensitive equality. */
bool sip_pl_casecmp(struct sip_pl a, struct sip_pl b);

/** Equality with a NUL-terminated string, exact / ASCII case-insensitive. */
bool sip_pl_eqs(struct sip_pl a, const char *s);
bool sip_pl_caseeqs(struct sip_pl a, const char *s);

/**
 * Decimal unsigned value of the whole slice into @p out.
 * Returns 0, EINVAL when empty or not all digits, ERANGE above @p max.
 */
int sip_pl_u32(struct sip_pl pl, uint32_t max, uint32_t *out);

/** Copy into @p buf (size @p n, n > 0), NUL-terminated, truncating. */
size_t sip_pl_strcpy(struct sip_pl pl, char *buf, size_t n);

/** Malloc'd NUL-terminated copy, or NULL when out of memory. */
char *sip_pl_dup(struct sip_pl pl);

/** Slice with leading and trailing SP/HTAB/CR/LF removed. */
struct sip_pl sip_pl_trim(struct sip_pl pl);

#endif
