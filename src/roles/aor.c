/*
 * aor.c - the canonical form of an address-of-record, RFC 3261 §10.3
 * step 5: "all URI parameters MUST be removed (including the
 * user-param), and any escaped characters MUST be converted to their
 * unescaped form. The result serves as an index into the list of
 * bindings."
 *
 * Unescaping alone would not give a usable key (an escaped '@' or a
 * control character would come out raw), so the user part is then
 * re-escaped minimally: exactly the characters §25.1 does not allow
 * unescaped in a user part get %XX, in upper case. Two URIs that
 * §19.1.4 calls equal in user and host thus give the same string.
 * The port is dropped: an AOR names a user at a domain, not a server.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/registrar.h"
#include "sip/uri.h"

/* unreserved / user-unreserved (§25.1) */
static bool user_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-_.!~*'()&=+$,;?/", c) != NULL;
}

static void put_user(struct sip_buf *b, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (user_char(c))
			sip_buf_putc(b, (char)c);
		else
			sip_buf_printf(b, "%%%02X", c);
	}
}

static void put_host(struct sip_buf *b, struct sip_pl host)
{
	bool v6 = memchr(host.p, ':', host.len) != NULL;

	if (v6)
		sip_buf_putc(b, '[');
	for (size_t i = 0; i < host.len; i++) {
		char c = host.p[i];

		sip_buf_putc(b, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
	if (v6)
		sip_buf_putc(b, ']');
}

void sip_aor_from_parts(struct sip_buf *b, struct sip_pl user, struct sip_pl host)
{
	sip_buf_puts(b, "sip:");
	if (user.len) {
		put_user(b, user.p, user.len);
		sip_buf_putc(b, '@');
	}
	put_host(b, host);
}

int sip_aor_canon(struct sip_buf *b, const struct sip_uri *uri)
{
	char stackbuf[256], *user = stackbuf;
	long n = 0;

	if (uri->scheme != SIP_URI_SIP && uri->scheme != SIP_URI_SIPS)
		return EINVAL;
	if (uri->user.len > sizeof(stackbuf)) {
		user = malloc(uri->user.len);
		if (!user) {
			b->err = ENOMEM;
			return 0;
		}
	}
	if (uri->user.len)
		n = sip_uri_unescape(uri->user, user, uri->user.len);
	if (n >= 0)
		sip_aor_from_parts(b, (struct sip_pl){ user, (size_t)n }, uri->host);
	if (user != stackbuf)
		free(user);
	return n < 0 ? EBADMSG : 0;
}
