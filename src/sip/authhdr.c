/*
 * authhdr.c - WWW-Authenticate / Proxy-Authenticate challenges and
 * Authorization / Proxy-Authorization credentials (RFC 3261 §20.7,
 * §20.27, §20.28, §20.44, grammar of §25.1; RFC 7616 §3.3-§3.4 for the
 * SHA-2 algorithms, userhash, charset and username*).
 *
 *   challenge   = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 *   credentials = ("Digest" LWS dig-resp *(COMMA dig-resp)) / other-response
 *   auth-param  = auth-param-name EQUAL ( token / quoted-string )
 *
 * Values the grammar wants quoted (realm, nonce, ...) are also accepted as
 * tokens, and those it wants bare (algorithm, stale, nc, qop in
 * credentials) also quoted: both forms are met in the field and mean the
 * same. Printing uses the form of the grammar.
 */
#include <errno.h>
#include <stddef.h>

#include "sip/authhdr.h"
#include "sip/mem.h"
#include "sip.h"
#include "typed.h"

static const char *const bad[SIP_HDR__COUNT] = {
	[SIP_HDR_WWW_AUTHENTICATE] = "Bad WWW-Authenticate header",
	[SIP_HDR_PROXY_AUTHENTICATE] = "Bad Proxy-Authenticate header",
	[SIP_HDR_AUTHORIZATION] = "Bad Authorization header",
	[SIP_HDR_PROXY_AUTHORIZATION] = "Bad Proxy-Authorization header",
};

/* Digest parameters sipd understands; the others are extensions. */
enum key {
	K_REALM, K_NONCE, K_DOMAIN, K_OPAQUE, K_ALGORITHM, K_QOP, K_STALE,
	K_CHARSET, K_USERHASH, K_USERNAME, K_USERNAME_EXT, K_URI, K_RESPONSE,
	K_CNONCE, K_NC, K_OTHER
};

static const char *const key_names[K_OTHER] = {
	[K_REALM] = "realm", [K_NONCE] = "nonce", [K_DOMAIN] = "domain",
	[K_OPAQUE] = "opaque", [K_ALGORITHM] = "algorithm", [K_QOP] = "qop",
	[K_STALE] = "stale", [K_CHARSET] = "charset", [K_USERHASH] = "userhash",
	[K_USERNAME] = "username", [K_USERNAME_EXT] = "username*",
	[K_URI] = "uri", [K_RESPONSE] = "response", [K_CNONCE] = "cnonce",
	[K_NC] = "nc",
};

/* Parameters printed from the decoded fields, hence skipped as extensions. */
static const unsigned chal_keys = 1u << K_REALM | 1u << K_NONCE |
	1u << K_DOMAIN | 1u << K_OPAQUE | 1u << K_ALGORITHM | 1u << K_QOP |
	1u << K_STALE | 1u << K_CHARSET | 1u << K_USERHASH;
static const unsigned cred_keys = 1u << K_USERNAME | 1u << K_USERNAME_EXT |
	1u << K_REALM | 1u << K_NONCE | 1u << K_URI | 1u << K_RESPONSE |
	1u << K_ALGORITHM | 1u << K_CNONCE | 1u << K_OPAQUE | 1u << K_QOP |
	1u << K_NC | 1u << K_USERHASH;

static enum key key_lookup(struct sip_pl name)
{
	for (int k = 0; k < K_OTHER; k++)
		if (sip_pl_caseeqs(name, key_names[k]))
			return (enum key)k;
	return K_OTHER;
}

static const char *const algo_names[] = {
	[SIP_AUTH_ALGO_MD5] = "MD5",
	[SIP_AUTH_ALGO_MD5_SESS] = "MD5-sess",
	[SIP_AUTH_ALGO_SHA256] = "SHA-256",
	[SIP_AUTH_ALGO_SHA256_SESS] = "SHA-256-sess",
	[SIP_AUTH_ALGO_SHA512_256] = "SHA-512-256",
	[SIP_AUTH_ALGO_SHA512_256_SESS] = "SHA-512-256-sess",
};

enum sip_auth_algo sip_auth_algo_lookup(struct sip_pl name)
{
	for (int a = SIP_AUTH_ALGO_MD5; a < SIP_AUTH_ALGO_OTHER; a++)
		if (sip_pl_caseeqs(name, algo_names[a]))
			return (enum sip_auth_algo)a;
	return SIP_AUTH_ALGO_OTHER;
}

const char *sip_auth_algo_name(enum sip_auth_algo algo)
{
	if (algo <= SIP_AUTH_ALGO_NONE || algo >= SIP_AUTH_ALGO_OTHER)
		return NULL;
	return algo_names[algo];
}

int sip_auth_param_next(struct sip_pl *cur, struct sip_auth_param *p)
{
	struct sip_pl c = *cur, item;
	struct sip_auth_param out = { { 0 }, { 0 }, false };

	if (!c.p || sip_scan_end(&c))
		return ENOENT;
	if (sip_scan_list_next(&c, &item) || !item.len)
		return EBADMSG;
	if (c.p && sip_scan_end(&c))
		return EBADMSG;  /* a trailing comma */
	if (sip_scan_token(&item, &out.name) || sip_scan_char(&item, '='))
		return EBADMSG;
	sip_scan_lws(&item);
	if (item.len && item.p[0] == '"') {
		if (sip_scan_quoted(&item, &out.value))
			return EBADMSG;
		out.quoted = true;
	} else if (sip_scan_token(&item, &out.value)) {
		return EBADMSG;
	}
	if (!sip_scan_end(&item))
		return EBADMSG;
	*cur = c;
	*p = out;
	return 0;
}

/* "true" / "false", any case (§7.3.1: tokens are case-insensitive). */
static int decode_bool(struct sip_pl v, bool *out)
{
	if (sip_pl_caseeqs(v, "true"))
		*out = true;
	else if (sip_pl_caseeqs(v, "false"))
		*out = false;
	else
		return EBADMSG;
	return 0;
}

static enum sip_auth_qop qop_lookup(struct sip_pl v)
{
	if (sip_pl_caseeqs(v, "auth"))
		return SIP_QOP_AUTH;
	if (sip_pl_caseeqs(v, "auth-int"))
		return SIP_QOP_AUTH_INT;
	return SIP_QOP_OTHER;
}

/* qop-options: qop-value *("," qop-value), LWS allowed around commas. */
static int decode_qop_options(struct sip_pl v, unsigned *mask)
{
	struct sip_pl c = v, item;
	unsigned m = 0;
	int err;

	while ((err = sip_scan_list_next(&c, &item)) == 0) {
		if (!sip_typed_is_token(item))
			return EBADMSG;
		m |= qop_lookup(item);
	}
	if (err != ENOENT)
		return EBADMSG;
	*mask = m;
	return 0;
}

/* nonce-count = 8LHEX (upper case accepted too). */
static int decode_nc(struct sip_pl v, uint32_t *nc)
{
	uint32_t n = 0;

	if (v.len != 8)
		return EBADMSG;
	for (size_t i = 0; i < v.len; i++) {
		char ch = v.p[i];
		uint32_t d;

		if (ch >= '0' && ch <= '9')
			d = (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (uint32_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (uint32_t)(ch - 'A' + 10);
		else
			return EBADMSG;
		n = n << 4 | d;
	}
	*nc = n;
	return 0;
}

typedef int (digest_param_h)(void *obj, enum key k, const struct sip_auth_param *p);

/* Walk the auth-params of a Digest value; a known one may appear once. */
static int digest_params(struct sip_pl params, digest_param_h *ph, void *obj)
{
	struct sip_pl c = params;
	struct sip_auth_param p;
	unsigned seen = 0;
	int err;

	while ((err = sip_auth_param_next(&c, &p)) == 0) {
		enum key k = key_lookup(p.name);

		if (k != K_OTHER) {
			if (seen & 1u << k)
				return EBADMSG;
			seen |= 1u << k;
		}
		err = ph(obj, k, &p);
		if (err)
			return err;
	}
	return err == ENOENT ? 0 : EBADMSG;
}

/* auth-scheme LWS params: the scheme must be followed by LWS or end. */
static int split_scheme(struct sip_pl text, struct sip_pl *scheme,
			struct sip_pl *params)
{
	struct sip_pl c = sip_pl_trim(text);

	if (sip_scan_token(&c, scheme))
		return EBADMSG;
	if (c.len && !sip_scan_lws(&c))
		return EBADMSG;
	*params = sip_pl_trim(c);
	return 0;
}

static int chal_param(void *obj, enum key k, const struct sip_auth_param *p)
{
	struct sip_challenge *c = obj;

	switch (k) {
	case K_REALM:     c->realm = p->value; break;
	case K_NONCE:     c->nonce = p->value; break;
	case K_DOMAIN:    c->domain = p->value; break;
	case K_OPAQUE:    c->opaque = p->value; break;
	case K_CHARSET:   c->charset = p->value; break;
	case K_ALGORITHM:
		c->algorithm = p->value;
		c->algo = sip_auth_algo_lookup(p->value);
		break;
	case K_QOP:
		c->qop = p->value;
		return decode_qop_options(p->value, &c->qop_mask);
	case K_STALE:     return decode_bool(p->value, &c->stale);
	case K_USERHASH:  return decode_bool(p->value, &c->userhash);
	default:          break;
	}
	return 0;
}

int sip_challenge_decode(struct sip_challenge *c, struct sip_pl text)
{
	struct sip_challenge v = { 0 };

	v.raw = text;
	if (split_scheme(text, &v.scheme, &v.params))
		return EBADMSG;
	v.digest = sip_pl_caseeqs(v.scheme, "Digest");
	if (v.digest) {
		if (digest_params(v.params, chal_param, &v))
			return EBADMSG;
		/* §22.4, RFC 7616 §3.3: realm and nonce are required */
		if (!sip_pl_isset(&v.realm) || !sip_pl_isset(&v.nonce))
			return EBADMSG;
	}
	*c = v;
	return 0;
}

static int cred_param(void *obj, enum key k, const struct sip_auth_param *p)
{
	struct sip_credentials *cr = obj;

	/* RFC 7616 §3.4.4: username and username* exclude each other */
	if ((k == K_USERNAME || k == K_USERNAME_EXT) && sip_pl_isset(&cr->username))
		return EBADMSG;
	switch (k) {
	case K_USERNAME:  cr->username = p->value; break;
	case K_REALM:     cr->realm = p->value; break;
	case K_NONCE:     cr->nonce = p->value; break;
	case K_URI:       cr->uri = p->value; break;
	case K_RESPONSE:  cr->response = p->value; break;
	case K_CNONCE:    cr->cnonce = p->value; break;
	case K_OPAQUE:    cr->opaque = p->value; break;
	case K_USERNAME_EXT:
		/* RFC 7616 §3.4.4: an ext-value, never quoted */
		if (p->quoted)
			return EBADMSG;
		cr->username = p->value;
		cr->username_ext = true;
		break;
	case K_ALGORITHM:
		cr->algorithm = p->value;
		cr->algo = sip_auth_algo_lookup(p->value);
		break;
	case K_QOP:
		if (!sip_typed_is_token(p->value))
			return EBADMSG;
		cr->qop = p->value;
		cr->qop_val = qop_lookup(p->value);
		break;
	case K_NC:
		cr->has_nc = true;
		return decode_nc(p->value, &cr->nc);
	case K_USERHASH:  return decode_bool(p->value, &cr->userhash);
	default:          break;
	}
	return 0;
}

/* What a Digest response must carry (§22.4, RFC 7616 §3.4). */
static bool cred_complete(const struct sip_credentials *cr)
{
	if (!sip_pl_isset(&cr->username) || !sip_pl_isset(&cr->realm) ||
	    !sip_pl_isset(&cr->nonce) || !sip_pl_isset(&cr->uri) ||
	    !sip_pl_isset(&cr->response))
		return false;
	/* with qop, cnonce and nc are mandatory (RFC 7616 §3.4) */
	if (sip_pl_isset(&cr->qop) && (!sip_pl_isset(&cr->cnonce) || !cr->has_nc))
		return false;
	return true;
}

int sip_credentials_decode(struct sip_credentials *cr, struct sip_pl text)
{
	struct sip_credentials v = { 0 };

	v.raw = text;
	if (split_scheme(text, &v.scheme, &v.params))
		return EBADMSG;
	v.digest = sip_pl_caseeqs(v.scheme, "Digest");
	if (v.digest) {
		if (digest_params(v.params, cred_param, &v))
			return EBADMSG;
		if (!cred_complete(&v))
			return EBADMSG;
	}
	*cr = v;
	return 0;
}

static int parse_challenges(struct sip_msg *m, const struct sip_hdr *first,
			    const void **out)
{
	struct sip_challenge *head = NULL, **tail = &head, *c;

	for (const struct sip_hdr *h = first; h; h = h->next) {
		c = sip_arena_alloc(sip_msg_arena(m), sizeof(*c));
		if (!c)
			return ENOMEM;
		if (sip_challenge_decode(c, h->value)) {
			sip_msg_set_err(m, first->id, bad[first->id]);
			return EBADMSG;
		}
		*tail = c;
		tail = &c->next;
	}
	*out = head;
	return 0;
}

static int parse_credentials(struct sip_msg *m, const struct sip_hdr *first,
			     const void **out)
{
	struct sip_credentials *head = NULL, **tail = &head, *cr;

	for (const struct sip_hdr *h = first; h; h = h->next) {
		cr = sip_arena_alloc(sip_msg_arena(m), sizeof(*cr));
		if (!cr)
			return ENOMEM;
		if (sip_credentials_decode(cr, h->value)) {
			sip_msg_set_err(m, first->id, bad[first->id]);
			return EBADMSG;
		}
		*tail = cr;
		tail = &cr->next;
	}
	*out = head;
	return 0;
}

int sip_msg_challenges(struct sip_msg *m, enum sip_hdr_id id,
		       const struct sip_challenge **first)
{
	const void *v;
	int err;

	if (id != SIP_HDR_WWW_AUTHENTICATE && id != SIP_HDR_PROXY_AUTHENTICATE)
		return EINVAL;
	err = sip_msg_typed(m, id, parse_challenges, &v);
	if (err)
		return err;
	*first = v;
	return 0;
}

int sip_msg_credentials(struct sip_msg *m, enum sip_hdr_id id,
			const struct sip_credentials **first)
{
	const void *v;
	int err;

	if (id != SIP_HDR_AUTHORIZATION && id != SIP_HDR_PROXY_AUTHORIZATION)
		return EINVAL;
	err = sip_msg_typed(m, id, parse_credentials, &v);
	if (err)
		return err;
	*first = v;
	return 0;
}

const struct sip_credentials *sip_credentials_find(const struct sip_credentials *first,
						   struct sip_pl realm)
{
	for (const struct sip_credentials *cr = first; cr; cr = cr->next)
		if (cr->digest && sip_pl_eq(cr->realm, realm))
			return cr;
	return NULL;
}

/* ---- printing ---- */

/* Print ", name=value" (the first parameter without the comma). */
static void put_name(struct sip_buf *b, bool *first, const char *name)
{
	if (!*first)
		sip_buf_puts(b, ", ");
	*first = false;
	sip_buf_puts(b, name);
	sip_buf_putc(b, '=');
}

static void put_quoted(struct sip_buf *b, bool *first, const char *name,
		       struct sip_pl v)
{
	if (!sip_pl_isset(&v))
		return;
	put_name(b, first, name);
	sip_typed_value_print(b, v, true);
}

static void put_token(struct sip_buf *b, bool *first, const char *name,
		      struct sip_pl v)
{
	if (!sip_pl_isset(&v))
		return;
	put_name(b, first, name);
	sip_typed_value_print(b, v, false);
}

static void put_algo(struct sip_buf *b, bool *first, struct sip_pl v,
		     enum sip_auth_algo algo)
{
	if (!sip_pl_isset(&v) && sip_auth_algo_name(algo))
		v = sip_pl_str(sip_auth_algo_name(algo));
	put_token(b, first, "algorithm", v);
}

/* Parameters other than those in @p keys, as they were written. */
static void put_extensions(struct sip_buf *b, bool *first, struct sip_pl params,
			   unsigned keys)
{
	struct sip_auth_param p;

	while (sip_auth_param_next(&params, &p) == 0) {
		enum key k = key_lookup(p.name);

		if (k != K_OTHER && (keys & 1u << k))
			continue;
		if (!*first)
			sip_buf_puts(b, ", ");
		*first = false;
		sip_buf_pl(b, p.name);
		sip_buf_putc(b, '=');
		sip_typed_value_print(b, p.value, p.quoted);
	}
}

/* A scheme other than Digest: its parameters as written. */
static void print_other(struct sip_buf *b, struct sip_pl scheme,
			struct sip_pl params)
{
	sip_buf_pl(b, scheme);
	if (params.len) {
		sip_buf_putc(b, ' ');
		sip_buf_pl(b, params);
	}
}

static void put_qop_mask(struct sip_buf *b, bool *first, unsigned mask)
{
	put_name(b, first, "qop");
	sip_buf_putc(b, '"');
	if (mask & SIP_QOP_AUTH)
		sip_buf_puts(b, "auth");
	if ((mask & SIP_QOP_AUTH) && (mask & SIP_QOP_AUTH_INT))
		sip_buf_putc(b, ',');
	if (mask & SIP_QOP_AUTH_INT)
		sip_buf_puts(b, "auth-int");
	sip_buf_putc(b, '"');
}

void sip_challenge_print(struct sip_buf *b, const struct sip_challenge *c)
{
	bool first = true;

	if (!c->digest) {
		print_other(b, c->scheme, c->params);
		return;
	}
	sip_buf_puts(b, "Digest ");
	put_quoted(b, &first, "realm", c->realm);
	put_quoted(b, &first, "domain", c->domain);
	put_quoted(b, &first, "nonce", c->nonce);
	put_quoted(b, &first, "opaque", c->opaque);
	if (c->stale)
		put_token(b, &first, "stale", SIP_PL("true"));
	put_algo(b, &first, c->algorithm, c->algo);
	if (sip_pl_isset(&c->qop))
		put_quoted(b, &first, "qop", c->qop);
	else if (c->qop_mask & (SIP_QOP_AUTH | SIP_QOP_AUTH_INT))
		put_qop_mask(b, &first, c->qop_mask);
	put_token(b, &first, "charset", c->charset);
	if (c->userhash)
		put_token(b, &first, "userhash", SIP_PL("true"));
	put_extensions(b, &first, c->params, chal_keys);
}

static void put_nc(struct sip_buf *b, bool *first, uint32_t nc)
{
	put_name(b, first, "nc");
	sip_buf_printf(b, "%08x", (unsigned)nc);
}

static struct sip_pl cred_qop(const struct sip_credentials *cr)
{
	if (sip_pl_isset(&cr->qop))
		return cr->qop;
	if (cr->qop_val == SIP_QOP_AUTH)
		return SIP_PL("auth");
	if (cr->qop_val == SIP_QOP_AUTH_INT)
		return SIP_PL("auth-int");
	return (struct sip_pl){ NULL, 0 };
}

void sip_credentials_print(struct sip_buf *b, const struct sip_credentials *cr)
{
	bool first = true;

	if (!cr->digest) {
		print_other(b, cr->scheme, cr->params);
		return;
	}
	sip_buf_puts(b, "Digest ");
	if (cr->username_ext)
		put_token(b, &first, "username*", cr->username);
	else
		put_quoted(b, &first, "username", cr->username);
	put_quoted(b, &first, "realm", cr->realm);
	put_quoted(b, &first, "nonce", cr->nonce);
	put_quoted(b, &first, "uri", cr->uri);
	put_quoted(b, &first, "response", cr->response);
	put_algo(b, &first, cr->algorithm, cr->algo);
	put_quoted(b, &first, "cnonce", cr->cnonce);
	put_quoted(b, &first, "opaque", cr->opaque);
	put_token(b, &first, "qop", cred_qop(cr));
	if (cr->has_nc)
		put_nc(b, &first, cr->nc);
	if (cr->userhash)
		put_token(b, &first, "userhash", SIP_PL("true"));
	put_extensions(b, &first, cr->params, cred_keys);
}
