/*
 * scalar.c - syntax of configuration scalars: integers, booleans, enum
 * names, IP literals and host names (RFC 3261 §25.1 hostname).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include "scalar.h"

/* Longest IP literal inet_pton() accepts, with its NUL. */
#define IP_TEXT_MAX 46

#define HOST_MAX  253
#define LABEL_MAX 63

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool eq(const char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && !memcmp(s, lit, len);
}

int sipd_scalar_int(const char *s, size_t len, long long *out)
{
	unsigned long long n = 0;
	unsigned long long lim = LLONG_MAX;
	bool neg = false;
	bool overflow = false;
	size_t i = 0;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		lim += neg;
		i = 1;
	}
	if (i == len)
		return EINVAL;
	/* Scan to the end even after an overflow: "99999999999999999999x"
	 * is not an integer at all. */
	for (; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (!is_digit(s[i]))
			return EINVAL;
		if (n > (lim - d) / 10)
			overflow = true;
		else
			n = n * 10 + d;
	}
	if (overflow)
		return ERANGE;
	*out = neg ? (long long)(0 - n) : (long long)n;
	return 0;
}

int sipd_scalar_bool(const char *s, size_t len, bool *out)
{
	if (eq(s, len, "true") || eq(s, len, "True") || eq(s, len, "TRUE")) {
		*out = true;
		return 0;
	}
	if (eq(s, len, "false") || eq(s, len, "False") ||
	    eq(s, len, "FALSE")) {
		*out = false;
		return 0;
	}
	return EINVAL;
}

int sipd_scalar_enum(const char *const *names, const char *s, size_t len)
{
	for (int i = 0; names[i]; i++)
		if (eq(s, len, names[i]))
			return i;
	return -1;
}

int sipd_scalar_ip(const char *s, size_t len, int *afp,
		   unsigned char addr[SIPD_IP_LEN])
{
	char text[IP_TEXT_MAX];
	unsigned char bin[SIPD_IP_LEN];
	int af;

	if (len >= sizeof(text) || memchr(s, '\0', len))
		return EINVAL;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, bin) == 1)
		af = AF_INET;
	else if (inet_pton(AF_INET6, text, bin) == 1)
		af = AF_INET6;
	else
		return EINVAL;
	if (afp)
		*afp = af;
	if (addr)
		memcpy(addr, bin, af == AF_INET ? 4 : SIPD_IP_LEN);
	return 0;
}

static bool is_label(const char *s, size_t len, bool top)
{
	if (!len || len > LABEL_MAX || s[0] == '-' || s[len - 1] == '-')
		return false;
	if (top && !is_alpha(s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool sipd_scalar_is_host(const char *s, size_t len)
{
	size_t start = 0;

	if (!sipd_scalar_ip(s, len, NULL, NULL))
		return true;
	if (len && s[len - 1] == '.')
		len--;
	if (!len || len > HOST_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!is_label(s + start, i - start, i == len))
			return false;
		start = i + 1;
	}
	return true;
}
