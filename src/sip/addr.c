/*
 * addr.c - name-addr / addr-spec headers (RFC 3261 §20.10 Contact,
 * §20.20 From, §20.39 To, §20.30 Record-Route, §20.34 Route, §20.31
 * Reply-To; RFC 3327 Path, RFC 3608 Service-Route, RFC 3325 P-Asserted-
 * and P-Preferred-Identity, RFC 3515 Refer-To, RFC 3892 Referred-By).
 *
 *   value        = ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 *   display-name = *( token LWS ) / quoted-string
 *
 * §20.10: a URI holding ',', ';' or '?' must be in <>; outside <> the
 * URI ends at the first ';' and what follows are header parameters.
 */
#include <errno.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/mem.h"
#include "sip/param.h"
#include "sip.h"

/* How each header of this module is parsed. */
struct addr_kind {
	const char *bad;   /* reason phrase on error */
	bool single;       /* exactly one value */
	bool star;         /* "*" allowed (Contact) */
	bool angle;        /* name-addr only: <uri> required */
};

static const struct addr_kind kinds[SIP_HDR__COUNT] = {
	[SIP_HDR_FROM]          = { "Bad From header", true, false, false },
	[SIP_HDR_TO]            = { "Bad To header", true, false, false },
	[SIP_HDR_CONTACT]       = { "Bad Contact header", false, true, false },
	/* route-param / rec-route / path-value: name-addr *( SEMI rr-param ) */
	[SIP_HDR_ROUTE]         = { "Bad Route header", false, false, true },
	[SIP_HDR_RECORD_ROUTE]  = { "Bad Record-Route header", false, false, true },
	[SIP_HDR_PATH]          = { "Bad Path header", false, false, true },
	[SIP_HDR_SERVICE_ROUTE] = { "Bad Service-Route header", false, false, true },
	[SIP_HDR_P_ASSERTED_IDENTITY] =
		{ "Bad P-Asserted-Identity header", false, false, false },
	[SIP_HDR_P_PREFERRED_IDENTITY] =
		{ "Bad P-Preferred-Identity header", false, false, false },
	[SIP_HDR_REFER_TO]      = { "Bad Refer-To header", true, false, false },
	[SIP_HDR_REFERRED_BY]   = { "Bad Referred-By header", true, false, false },
	[SIP_HDR_REPLY_TO]      = { "Bad Reply-To header", true, false, false },
};

static int fail(const char **why, const char *what)
{
	if (why)
		*why = what;
	return EBADMSG;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool all_tokens_or_lws(struct sip_pl s)
{
	for (size_t i = 0; i < s.len; i++)
		if (!sip_is_token((unsigned char)s.p[i]) && !is_lws(s.p[i]))
			return false;
	return true;
}

/* First '<' outside quoted strings, or NULL. */
static const char *find_laquot(struct sip_pl c)
{
	bool quoted = false;

	for (size_t i = 0; i < c.len; i++) {
		if (quoted && c.p[i] == '\\')
			i++;
		else if (c.p[i] == '"')
			quoted = !quoted;
		else if (!quoted && c.p[i] == '<')
			return c.p + i;
	}
	return NULL;
}

/* The addr-spec: no LWS inside (RFC 4475 badaspec), then a valid URI. */
static int set_uri(struct sip_addr *a, struct sip_pl uri, const char **why)
{
	for (size_t i = 0; i < uri.len; i++)
		if (is_lws(uri.p[i]) || uri.p[i] == '<' || uri.p[i] == '>' ||
		    uri.p[i] == '"')
			return fail(why, "invalid character in addr-spec");
	if (!uri.len || sip_uri_decode(&a->uri, uri))
		return fail(why, "invalid URI");
	a->uri_raw = uri;
	return 0;
}

/* display-name before '<': a quoted-string, or tokens and LWS (RFC 4475
 * lwsdisp: no LWS needed before '<'; baddn: nothing else allowed). */
static int display_name(struct sip_pl *c, struct sip_addr *a, const char **why)
{
	const char *la;
	struct sip_pl dn;

	if (c->p[0] == '"') {
		if (sip_scan_quoted(c, &a->dname))
			return fail(why, "unterminated quoted string");
		a->dname_quoted = true;
		sip_scan_lws(c);
		if (!c->len || c->p[0] != '<')
			return fail(why, "display name without <URI>");
		return 0;
	}
	la = find_laquot(*c);
	dn = sip_pl_trim((struct sip_pl){ c->p, (size_t)(la - c->p) });
	if (!all_tokens_or_lws(dn))
		return fail(why, "invalid display name");
	if (dn.len)
		a->dname = dn;
	c->len -= (size_t)(la - c->p);
	c->p = la;
	return 0;
}

/* name-addr = [ display-name ] LAQUOT addr-spec RAQUOT */
static int name_addr(struct sip_pl *c, struct sip_addr *a, const char **why)
{
	const char *ra;
	struct sip_pl uri;
	int err;

	err = display_name(c, a, why);
	if (err)
		return err;
	ra = memchr(c->p, '>', c->len);
	if (!ra)
		return fail(why, "missing '>'");
	uri = (struct sip_pl){ c->p + 1, (size_t)(ra - c->p) - 1 };
	a->angle = true;
	c->len -= (size_t)(ra + 1 - c->p);
	c->p = ra + 1;
	return set_uri(a, uri, why);
}

/* addr-spec outside <>: the URI ends at the first ';' (§20.10). */
static int addr_spec(struct sip_pl *c, struct sip_addr *a, const char **why)
{
	const char *semi = memchr(c->p, ';', c->len);
	size_t n = semi ? (size_t)(semi - c->p) : c->len;
	struct sip_pl uri = sip_pl_trim((struct sip_pl){ c->p, n });

	/* §20.10: headers ('?') need <> (RFC 4475 regbadct) */
	if (memchr(uri.p, '?', uri.len))
		return fail(why, "URI with '?' outside <>");
	c->p += n;
	c->len -= n;
	return set_uri(a, uri, why);
}

/* *( SEMI generic-param ) after the address; tag = token. */
static int header_params(struct sip_pl c, struct sip_addr *a, const char **why)
{
	struct sip_param tag;

	sip_scan_lws(&c);
	if (sip_param_check(c))
		return fail(why, "invalid parameter");
	a->params = c;
	if (sip_param_get(c, "tag", &tag))
		return 0;
	if (!sip_pl_isset(&tag.value) || tag.quoted || !tag.value.len)
		return fail(why, "invalid tag");
	for (size_t i = 0; i < tag.value.len; i++)
		if (!sip_is_token((unsigned char)tag.value.p[i]))
			return fail(why, "invalid tag");
	a->tag = tag.value;
	return 0;
}

/**
 * Parse one value (no top-level comma) into @p a, written only on
 * success. Returns 0 or EBADMSG with @p *why (if @p why is not NULL) set
 * to a static description. @p a points into @p text's bytes.
 */
int sip_addr_decode(struct sip_addr *a, struct sip_pl text, bool allow_star,
		    const char **why)
{
	struct sip_pl c = sip_pl_trim(text);
	struct sip_addr t;
	int err;

	memset(&t, 0, sizeof(t));
	t.raw = c;
	if (!c.len)
		return fail(why, "empty value");
	if (allow_star && c.len == 1 && c.p[0] == '*') {
		t.star = true;
		*a = t;
		return 0;
	}
	if (c.p[0] == '"' || find_laquot(c))
		err = name_addr(&c, &t, why);
	else
		err = addr_spec(&c, &t, why);
	if (!err)
		err = header_params(c, &t, why);
	if (err)
		return err;
	*a = t;
	return 0;
}

/* Every value of one header line, appended at *tail; *n counts them. */
static int decode_line(struct sip_msg *m, const struct sip_hdr *h,
		       struct sip_addr ***tail, size_t *n)
{
	const struct addr_kind *k = &kinds[h->id];
	struct sip_pl cur = h->value, item;
	struct sip_addr *a;
	int err;

	while ((err = sip_scan_list_next(&cur, &item)) == 0) {
		a = sip_arena_alloc(sip_msg_arena(m), sizeof(*a));
		if (!a)
			return ENOMEM;
		if (sip_addr_decode(a, item, k->star, NULL) ||
		    (k->angle && !a->angle))
			return EBADMSG;
		a->next = NULL;
		**tail = a;
		*tail = &a->next;
		(*n)++;
	}
	return err == ENOENT ? 0 : EBADMSG;
}

/* "*" only alone (§20.10 Contact = STAR / contact-param list). */
static bool star_misused(const struct sip_addr *head, size_t n)
{
	for (const struct sip_addr *a = head; a; a = a->next)
		if (a->star && n > 1)
			return true;
	return false;
}

static int parse_addr(struct sip_msg *m, const struct sip_hdr *first,
		      const void **out)
{
	const struct addr_kind *k = &kinds[first->id];
	struct sip_addr *head = NULL, **tail = &head;
	size_t n = 0;
	int err = 0;

	for (const struct sip_hdr *h = first; h && !err; h = h->next)
		err = decode_line(m, h, &tail, &n);
	if (err == ENOMEM)
		return err;
	if (err || (k->single && n != 1) || star_misused(head, n)) {
		sip_msg_set_err(m, first->id, k->bad);
		return EBADMSG;
	}
	*out = head;
	return 0;
}

/**
 * Typed list of header @p id. Returns 0 with @p *ap set, ENOENT when
 * absent, EBADMSG (m->err is "Bad <name> header"), ENOMEM, or EINVAL
 * when @p id is not an address header.
 */
int sip_msg_addr(struct sip_msg *m, enum sip_hdr_id id, const struct sip_addr **ap)
{
	const void *v;
	int err;

	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT || !kinds[id].bad)
		return EINVAL;
	err = sip_msg_typed(m, id, parse_addr, &v);
	if (err)
		return err;
	*ap = v;
	return 0;
}

/* The getters below are sip_msg_addr() for one header each. */

int sip_msg_from(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_FROM, ap);
}

int sip_msg_to(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_TO, ap);
}

bool sip_msg_to_tagged(struct sip_msg *m)
{
	const struct sip_addr *to;

	return !sip_msg_to(m, &to) && sip_pl_isset(&to->tag);
}

int sip_msg_contact(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_CONTACT, ap);
}

int sip_msg_route(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_ROUTE, ap);
}

int sip_msg_record_route(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_RECORD_ROUTE, ap);
}

int sip_msg_path(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_PATH, ap);
}

int sip_msg_service_route(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_SERVICE_ROUTE, ap);
}

int sip_msg_pai(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_P_ASSERTED_IDENTITY, ap);
}

int sip_msg_ppi(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_P_PREFERRED_IDENTITY, ap);
}

int sip_msg_refer_to(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_REFER_TO, ap);
}

int sip_msg_referred_by(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_REFERRED_BY, ap);
}

int sip_msg_reply_to(struct sip_msg *m, const struct sip_addr **ap)
{
	return sip_msg_addr(m, SIP_HDR_REPLY_TO, ap);
}

/* A display name as parsed; folds (CRLF) dropped, their WSP kept. */
static void print_dname(struct sip_buf *b, const struct sip_addr *a)
{
	if (a->dname_quoted)
		sip_buf_putc(b, '"');
	for (size_t i = 0; i < a->dname.len; i++)
		if (a->dname.p[i] != '\r' && a->dname.p[i] != '\n')
			sip_buf_putc(b, a->dname.p[i]);
	if (a->dname_quoted)
		sip_buf_putc(b, '"');
	sip_buf_putc(b, ' ');
}

/**
 * Append @p a in name-addr form: the display name as parsed (quoted or
 * not), the URI always in <> (sip_uri_print), the parameters without LWS.
 * Allocation failures are sticky in @p b.
 */
void sip_addr_print(struct sip_buf *b, const struct sip_addr *a)
{
	if (a->star) {
		sip_buf_putc(b, '*');
		return;
	}
	if (sip_pl_isset(&a->dname))
		print_dname(b, a);
	sip_buf_putc(b, '<');
	sip_uri_print(b, &a->uri);
	sip_buf_putc(b, '>');
	sip_param_print(b, a->params);
}

/**
 * The "expires" parameter (§20.10) as delta-seconds (< 2^32). Returns 0,
 * ENOENT when absent, EBADMSG when empty, quoted, not digits or too large
 * (RFC 4475 scalar02).
 */
int sip_contact_expires(const struct sip_addr *a, uint32_t *secs)
{
	struct sip_param p;
	uint32_t n;

	if (sip_param_get(a->params, "expires", &p))
		return ENOENT;
	if (!sip_pl_isset(&p.value) || p.quoted ||
	    sip_pl_u32(p.value, UINT32_MAX, &n))
		return EBADMSG;
	*secs = n;
	return 0;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static int qvalue(struct sip_pl v, unsigned *q1000)
{
	unsigned n, scale = 100;

	if (!v.len || (v.p[0] != '0' && v.p[0] != '1'))
		return EBADMSG;
	n = (unsigned)(v.p[0] - '0') * 1000;
	if (v.len > 1 && (v.p[1] != '.' || v.len > 5))
		return EBADMSG;
	for (size_t i = 2; i < v.len; i++, scale /= 10) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return EBADMSG;
		n += (unsigned)(v.p[i] - '0') * scale;
	}
	if (n > 1000)
		return EBADMSG;
	*q1000 = n;
	return 0;
}

/**
 * The "q" parameter (§20.10) in thousandths. Returns 0, ENOENT when
 * absent, EBADMSG when not a qvalue.
 */
int sip_contact_q(const struct sip_addr *a, unsigned *q1000)
{
	struct sip_param p;

	if (sip_param_get(a->params, "q", &p))
		return ENOENT;
	if (!sip_pl_isset(&p.value) || p.quoted)
		return EBADMSG;
	return qvalue(p.value, q1000);
}
