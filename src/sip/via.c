/*
 * via.c - the Via header (RFC 3261 §20.42, grammar §25.1 via-parm,
 * §18.2.1 received, RFC 3581 rport, RFC 5118 §4.5 bracketed received).
 *
 *   Via       = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm)
 *   via-parm  = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 *   sent-by   = host [ COLON port ]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/param.h"
#include "sip/via.h"
#include "sip.h"

static const char bad_via[] = "Bad Via header";

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

/* Characters of a hostname or IPv4address. */
static bool is_host_char(int c)
{
	return is_alnum(c) || c == '-' || c == '.';
}

/* IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each
 * at most 255. */
static bool is_ipv4(struct sip_pl h)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		if (part && (i >= h.len || h.p[i++] != '.'))
			return false;
		for (; i < h.len && is_digit(h.p[i]) && nd < 3; i++, nd++)
			v = v * 10 + (unsigned)(h.p[i] - '0');
		if (!nd || v > 255)
			return false;
	}
	return i == h.len;
}

/* domainlabel / toplabel: alphanum first and last, '-' inside. */
static bool is_label(const char *p, size_t len)
{
	if (!len || !is_alnum(p[0]) || !is_alnum(p[len - 1]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_alnum(p[i]) && p[i] != '-')
			return false;
	return true;
}

/* hostname = *( domainlabel "." ) toplabel [ "." ]; toplabel starts with
 * ALPHA. */
static bool is_hostname(struct sip_pl h)
{
	size_t start = 0, len = h.len;

	if (len && h.p[len - 1] == '.')
		len--;
	if (!len)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && h.p[i] != '.')
			continue;
		if (!is_label(h.p + start, i - start))
			return false;
		if (i == len)
			return is_alpha(h.p[start]);
		start = i + 1;
	}
	return false;
}

/* IPv6address (no brackets), checked by inet_pton (RFC 4291 §2.2). */
static bool is_ipv6(struct sip_pl h)
{
	char s[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (!h.len || h.len >= sizeof(s))
		return false;
	memcpy(s, h.p, h.len);
	s[h.len] = '\0';
	return inet_pton(AF_INET6, s, &a) == 1;
}

/* received = IPv4address / IPv6address (§25.1); RFC 5118 §4.5 asks to
 * accept an IPv6reference too. The result excludes brackets. */
static int ip_value(struct sip_pl v, struct sip_pl *ip)
{
	bool br = v.len >= 2 && v.p[0] == '[' && v.p[v.len - 1] == ']';

	if (br)
		v = (struct sip_pl){ v.p + 1, v.len - 2 };
	if (!is_ipv6(v) && (br || !is_ipv4(v)))
		return EBADMSG;
	*ip = v;
	return 0;
}

/* host = hostname / IPv4address / IPv6reference, at the cursor. */
static int scan_host(struct sip_pl *c, struct sip_pl *host,
		     enum sip_host_type *type)
{
	struct sip_pl h;
	const char *rb;

	if (c->len && c->p[0] == '[') {
		rb = memchr(c->p, ']', c->len);
		if (!rb)
			return EBADMSG;
		h = (struct sip_pl){ c->p + 1, (size_t)(rb - c->p) - 1 };
		if (!is_ipv6(h))
			return EBADMSG;
		*type = SIP_HOST_IPV6;
		c->len -= h.len + 2;
		c->p += h.len + 2;
		*host = h;
		return 0;
	}
	if (sip_scan_span(c, is_host_char, &h))
		return EBADMSG;
	if (is_ipv4(h))
		*type = SIP_HOST_IPV4;
	else if (is_hostname(h))
		*type = SIP_HOST_NAME;
	else
		return EBADMSG;
	*host = h;
	return 0;
}

/* sent-protocol; SLASH = SWS "/" SWS (RFC 4475 wsinv puts folds there). */
static int scan_protocol(struct sip_pl *c, struct sip_via *v)
{
	if (sip_scan_token(c, &v->proto) || sip_scan_char(c, '/'))
		return EBADMSG;
	sip_scan_lws(c);
	if (sip_scan_token(c, &v->version) || sip_scan_char(c, '/'))
		return EBADMSG;
	sip_scan_lws(c);
	if (sip_scan_token(c, &v->transport))
		return EBADMSG;
	if (!sip_pl_caseeqs(v->proto, "SIP") || !sip_pl_eqs(v->version, "2.0"))
		return EBADMSG;
	return 0;
}

/* sent-by = host [ COLON port ], COLON = SWS ":" SWS. */
static int scan_sent_by(struct sip_pl *c, struct sip_via *v)
{
	uint32_t port;

	if (scan_host(c, &v->host, &v->host_type))
		return EBADMSG;
	if (!sip_scan_try(c, ':'))
		return 0;
	sip_scan_lws(c);
	if (sip_scan_u32(c, 65535, &port))
		return EBADMSG;
	v->port = (uint16_t)port;
	v->has_port = true;
	return 0;
}

static bool is_token_pl(struct sip_pl s)
{
	if (!s.len)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!sip_is_token((unsigned char)s.p[i]))
			return false;
	return true;
}

/* via-params that need a token/host value (§25.1). */
static bool needs_value(struct sip_pl name)
{
	return sip_pl_caseeqs(name, "ttl") || sip_pl_caseeqs(name, "maddr") ||
	       sip_pl_caseeqs(name, "received") || sip_pl_caseeqs(name, "branch");
}

/* RFC 3581 §3: response-port = "rport" [EQUAL 1*DIGIT] */
static int rport_param(struct sip_via *v, const struct sip_param *p)
{
	uint32_t n = 0;

	if (sip_pl_isset(&p->value) &&
	    (p->quoted || sip_pl_u32(p->value, 65535, &n)))
		return EBADMSG;
	v->rport = true;
	v->rport_val = (uint16_t)n;
	return 0;
}

/* One known via-param (ttl, maddr, received, branch, rport); others are
 * generic-params already checked by the parameter scanner. */
static int via_param(struct sip_via *v, const struct sip_param *p)
{
	struct sip_pl val = p->value, host;
	enum sip_host_type type;
	uint32_t n;

	if (sip_pl_caseeqs(p->name, "rport"))
		return rport_param(v, p);
	if (!needs_value(p->name))
		return 0;
	if (!sip_pl_isset(&val) || p->quoted)
		return EBADMSG;
	if (sip_pl_caseeqs(p->name, "ttl")) {
		if (val.len > 3 || sip_pl_u32(val, 255, &n))
			return EBADMSG;
		v->ttl = n;
		v->has_ttl = true;
	} else if (sip_pl_caseeqs(p->name, "maddr")) {
		if (scan_host(&val, &host, &type) || val.len)
			return EBADMSG;
		v->maddr = host;   /* IPv6 without brackets, like host */
	} else if (sip_pl_caseeqs(p->name, "received")) {
		if (ip_value(val, &v->received))
			return EBADMSG;
	} else if (!is_token_pl(val)) {
		return EBADMSG;
	} else {
		v->branch = val;
	}
	return 0;
}

/* *( SEMI via-params ) from the cursor to the end. */
static int scan_params(struct sip_pl c, struct sip_via *v)
{
	struct sip_param p;
	int err;

	sip_scan_lws(&c);
	v->params = c;
	while ((err = sip_param_next(&c, &p)) == 0)
		if (via_param(v, &p))
			return EBADMSG;
	return err == ENOENT ? 0 : EBADMSG;
}

/**
 * Parse one via-parm (no top-level comma) into @p v, written only on
 * success; slices point into @p text's bytes. Returns 0 or EBADMSG.
 */
int sip_via_decode(struct sip_via *v, struct sip_pl text)
{
	struct sip_via t;
	struct sip_pl c = sip_pl_trim(text);

	memset(&t, 0, sizeof(t));
	t.raw = c;
	if (scan_protocol(&c, &t))
		return EBADMSG;
	/* sent-protocol LWS sent-by: the LWS is mandatory */
	if (!sip_scan_lws(&c) || scan_sent_by(&c, &t))
		return EBADMSG;
	/* anything after sent-by must be ';' params */
	if (scan_params(c, &t))
		return EBADMSG;
	*v = t;
	return 0;
}

/* Every value of one Via line, appended at *tail. */
static int decode_line(struct sip_msg *m, const struct sip_hdr *h,
		       struct sip_via ***tail)
{
	struct sip_pl cur = h->value, item;
	struct sip_via *v;
	int err;

	while ((err = sip_scan_list_next(&cur, &item)) == 0) {
		v = sip_arena_alloc(sip_msg_arena(m), sizeof(*v));
		if (!v)
			return ENOMEM;
		if (!item.len || sip_via_decode(v, item))
			return EBADMSG;
		v->next = NULL;
		**tail = v;
		*tail = &v->next;
	}
	return err == ENOENT ? 0 : EBADMSG;
}

static int parse_via(struct sip_msg *m, const struct sip_hdr *first,
		     const void **out)
{
	struct sip_via *head = NULL, **tail = &head;
	int err;

	for (const struct sip_hdr *h = first; h; h = h->next) {
		err = decode_line(m, h, &tail);
		if (err == EBADMSG)
			sip_msg_set_err(m, SIP_HDR_VIA, bad_via);
		if (err)
			return err;
	}
	*out = head;
	return 0;
}

/**
 * Every Via value of @p m in message order, parsed once into the
 * message's arena. Returns 0, ENOENT (no Via), EBADMSG (m->err is
 * "Bad Via header") or ENOMEM (not cached: a later call retries).
 */
int sip_msg_via(struct sip_msg *m, const struct sip_via **vp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_VIA, parse_via, &v);

	if (err)
		return err;
	*vp = v;
	return 0;
}

/**
 * Append @p v as "SIP/2.0/<transport> <host>[:port];params", the
 * parameters re-printed without LWS. Allocation failures are sticky in @p b.
 */
void sip_via_print(struct sip_buf *b, const struct sip_via *v)
{
	sip_buf_puts(b, "SIP/2.0/");
	sip_buf_pl(b, v->transport);
	sip_buf_putc(b, ' ');
	if (v->host_type == SIP_HOST_IPV6)
		sip_buf_putc(b, '[');
	sip_buf_pl(b, v->host);
	if (v->host_type == SIP_HOST_IPV6)
		sip_buf_putc(b, ']');
	if (v->has_port) {
		sip_buf_putc(b, ':');
		sip_buf_u32(b, v->port);
	}
	sip_param_print(b, v->params);
}

/** §8.1.1.7: the branch starts with the magic cookie, case-sensitive. */
bool sip_via_branch_is_rfc3261(const struct sip_via *v)
{
	static const char cookie[] = "z9hG4bK";

	return v->branch.len >= sizeof(cookie) - 1 &&
	       memcmp(v->branch.p, cookie, sizeof(cookie) - 1) == 0;
}
