/*
 * uri.h - SIP, SIPS (RFC 3261 §19.1) and tel (RFC 3966) URIs: parse,
 * compare (§19.1.4) and print. Parsed fields are slices into the URI text.
 */
#ifndef SIP_URI_H
#define SIP_URI_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"

enum sip_uri_scheme {
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
	SIP_URI_OTHER,   /* absoluteURI of another scheme: only raw is set */
};

enum sip_host_type {
	SIP_HOST_NONE,
	SIP_HOST_NAME,
	SIP_HOST_IPV4,
	SIP_HOST_IPV6,   /* host excludes the brackets */
};

struct sip_uri {
	enum sip_uri_scheme scheme;
	struct sip_pl raw;      /* the whole URI as written */
	struct sip_pl user;     /* still %-escaped; tel: the telephone-subscriber
	                           number (global or local) */
	struct sip_pl password; /* still %-escaped; unset when absent */
	struct sip_pl host;
	enum sip_host_type host_type;
	uint16_t port;          /* 0 when absent */
	bool has_port;
	struct sip_pl params;   /* from the first ';' (included) up to '?' or end;
	                           tel: the parameters after the number */
	struct sip_pl headers;  /* after '?' (excluded); unset when absent */
};

/**
 * Parse @p raw into @p uri. Returns 0, or EBADMSG when the text is not a
 * valid URI of its scheme (an unknown scheme with a valid absoluteURI
 * syntax parses as SIP_URI_OTHER). @p uri points into @p raw's bytes.
 */
int sip_uri_decode(struct sip_uri *uri, struct sip_pl raw);

/**
 * RFC 3261 §19.1.4 equivalence of two sip/sips URIs (and RFC 3966 §4 for
 * tel). Returns true when equivalent. Both must come from
 * sip_uri_decode(). Escaped reserved characters differ from their literal
 * form; IPv6 hosts are compared as addresses (RFC 5954 §4.1). Other
 * schemes compare byte for byte, the scheme name excepted.
 */
bool sip_uri_eq(const struct sip_uri *a, const struct sip_uri *b);

/**
 * URI parameter lookup: the first parameter called @p name (case and
 * escapes ignored). On 0, @p val (may be NULL) gets the value, still
 * %-escaped; a flag parameter ("lr") gives an empty slice with p set.
 * Returns 0 or ENOENT.
 */
int sip_uri_param(const struct sip_uri *uri, const char *name, struct sip_pl *val);

/**
 * Print the URI in canonical form (scheme lower case, fields as parsed,
 * brackets around an IPv6 host). Allocation failure is left sticky in
 * @p b (see sip_buf_err()).
 */
void sip_uri_print(struct sip_buf *b, const struct sip_uri *uri);

/**
 * Decode %-escapes of @p in into @p out (size @p n). Returns the decoded
 * length, or -1 on a bad escape or when @p out is too small (then @p out
 * is untouched). The result is not NUL-terminated and may contain NULs
 * (RFC 4475 §3.1.1.12).
 */
long sip_uri_unescape(struct sip_pl in, char *out, size_t n);

#endif
