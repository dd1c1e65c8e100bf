/*
 * scalar.h - the scalar value syntaxes of the configuration: decimal
 * integers, booleans, enum names, IP address literals and host names.
 *
 * Private to the daemon (apps/sipd/). Every function reads exactly @p len
 * bytes of @p s, which need not be NUL-terminated.
 */
#ifndef SIPD_SCALAR_H
#define SIPD_SCALAR_H

#include <stdbool.h>
#include <stddef.h>

/** Bytes of a binary IP address (big enough for IPv6). */
#define SIPD_IP_LEN 16

/**
 * Decimal integer with an optional sign ("5060", "-1", "+7"); no hex,
 * octal, exponents or separators. Returns 0 and sets *out, EINVAL when
 * the text is not such an integer, ERANGE when it does not fit.
 */
int sipd_scalar_int(const char *s, size_t len, long long *out);

/**
 * YAML 1.2 core booleans: true/True/TRUE, false/False/FALSE.
 * Returns 0 and sets *out, or EINVAL.
 */
int sipd_scalar_bool(const char *s, size_t len, bool *out);

/**
 * Index of @p s in @p names (NULL-terminated, exact match), or -1.
 */
int sipd_scalar_enum(const char *const *names, const char *s, size_t len);

/**
 * IPv4 dotted quad or IPv6 literal without brackets or zone.
 * Returns 0 and sets *afp (AF_INET or AF_INET6) and @p addr (network
 * order; 4 or 16 bytes used), or EINVAL. afp and addr may be NULL.
 */
int sipd_scalar_ip(const char *s, size_t len, int *afp,
		   unsigned char addr[SIPD_IP_LEN]);

/**
 * True for an IP literal (as sipd_scalar_ip) or a host name per
 * RFC 3261 §25.1: dot-separated labels of letters, digits and '-', not
 * starting or ending with '-', at most 63 bytes each and 253 in all, the
 * last one starting with a letter; one trailing dot is allowed.
 */
bool sipd_scalar_is_host(const char *s, size_t len);

#endif
