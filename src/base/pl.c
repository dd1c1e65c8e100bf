/*
 * pl.c - pointer/length slices.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/pl.h"

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

struct sip_pl sip_pl_str(const char *s)
{
	return (struct sip_pl){ s, s ? strlen(s) : 0 };
}

bool sip_pl_eq(struct sip_pl a, struct sip_pl b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool sip_pl_casecmp(struct sip_pl a, struct sip_pl b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (lower((unsigned char)a.p[i]) != lower((unsigned char)b.p[i]))
			return false;
	return true;
}

bool sip_pl_eqs(struct sip_pl a, const char *s)
{
	return sip_pl_eq(a, sip_pl_str(s));
}

bool sip_pl_caseeqs(struct sip_pl a, const char *s)
{
	return sip_pl_casecmp(a, sip_pl_str(s));
}

int sip_pl_u32(struct sip_pl pl, uint32_t max, uint32_t *out)
{
	uint64_t n = 0;

	if (!pl.len)
		return EINVAL;
	for (size_t i = 0; i < pl.len; i++) {
		if (pl.p[i] < '0' || pl.p[i] > '9')
			return EINVAL;
		n = n * 10 + (uint64_t)(pl.p[i] - '0');
		if (n > max)
			return ERANGE;
	}
	*out = (uint32_t)n;
	return 0;
}

size_t sip_pl_strcpy(struct sip_pl pl, char *buf, size_t n)
{
	size_t len = pl.len < n - 1 ? pl.len : n - 1;

	if (len)
		memcpy(buf, pl.p, len);
	buf[len] = '\0';
	return len;
}

char *sip_pl_dup(struct sip_pl pl)
{
	char *s = malloc(pl.len + 1);

	if (!s)
		return NULL;
	if (pl.len)
		memcpy(s, pl.p, pl.len);
	s[pl.len] = '\0';
	return s;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct sip_pl sip_pl_trim(struct sip_pl pl)
{
	while (pl.len && is_ws(pl.p[0])) {
		pl.p++;
		pl.len--;
	}
	while (pl.len && is_ws(pl.p[pl.len - 1]))
		pl.len--;
	return pl;
}
