/*
 * uri.c - SIP and SIPS URIs (RFC 3261 §19.1.1, grammar §25.1) and their
 * comparison (§19.1.4; IPv6 hosts compared as addresses, RFC 5954 §4.1),
 * tel URIs (RFC 3966 §3, comparison §4) and other absoluteURIs (RFC 2396 §3).
 *
 * Parsing only validates and slices: nothing is copied or unescaped, so
 * every field points into the caller's bytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sip/uri.h"
#include "chars.h"

/* Marks an escaped reserved char in a comparison unit (see unit_next()). */
enum { ESC_KEEP = 0x100 };

/* ---- character classes (§25.1, RFC 3966 §3) ---- */

static inline bool in_set(int c, const char *set)
{
	/* sets are short literals: a plain loop the compiler can unroll */
	for (; *set; set++)
		if (*set == c)
			return true;
	return false;
}

static bool is_alpha(int c)
{
	return sip_char_is(c, SIP_C_ALPHA);
}

static bool is_digit(int c)
{
	return sip_char_is(c, SIP_C_DIGIT);
}

static bool is_alnum(int c)
{
	return sip_chars[(unsigned char)c] & (SIP_C_ALPHA | SIP_C_DIGIT);
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_unreserved(int c)
{
	return sip_char_is(c, SIP_C_UNRES);
}

static bool is_reserved(int c)
{
	return sip_char_is(c, SIP_C_RES);
}

static bool is_user_char(int c)
{
	return sip_char_is(c, SIP_C_USER);
}

static bool is_passwd_char(int c)
{
	return sip_char_is(c, SIP_C_PASSWD);
}

static bool is_param_char(int c)
{
	return sip_char_is(c, SIP_C_PARAM);
}

static bool is_hnv_char(int c)
{
	return sip_char_is(c, SIP_C_HNV);
}

/* RFC 2396 uric, plus the brackets RFC 3986 allows around IPv6 hosts. */
static bool is_uric(int c)
{
	return is_unreserved(c) || is_reserved(c) || in_set(c, "[]");
}

/* RFC 3966 isdn-subaddress: uric, but ';' ends the parameter. */
static bool is_isub_char(int c)
{
	return c != ';' && is_uric(c);
}

static bool is_tel_pname_char(int c)
{
	return is_alnum(c) || c == '-';
}

static bool is_visual_sep(int c)
{
	return in_set(c, "-.()");
}

static bool is_scheme_char(int c)
{
	return is_alnum(c) || in_set(c, "+-.");
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* ---- slices ---- */

static struct sip_pl sub(struct sip_pl s, size_t from, size_t to)
{
	return (struct sip_pl){ s.p + from, to - from };
}

/* Index of the first byte of @s that is in @set, or s.len. Most sets are
 * one character: memchr, which is vectorised. */
static size_t find(struct sip_pl s, const char *set)
{
	size_t i;

	if (set[0] && !set[1]) {
		const char *hit = s.len ? memchr(s.p, set[0], s.len) : NULL;

		return hit ? (size_t)(hit - s.p) : s.len;
	}
	for (i = 0; i < s.len; i++)
		if (in_set((unsigned char)s.p[i], set))
			break;
	return i;
}

/*
 * Next @sep-separated item of the list *cur, whose cursor becomes unset
 * (p == NULL) after the last item. False once the list is exhausted.
 */
static bool item_next(struct sip_pl *cur, char sep, struct sip_pl *item)
{
	const char *hit;
	size_t n;

	if (!cur->p)
		return false;
	hit = cur->len ? memchr(cur->p, sep, cur->len) : NULL;
	n = hit ? (size_t)(hit - cur->p) : cur->len;
	*item = sub(*cur, 0, n);
	if (n < cur->len)
		*cur = sub(*cur, n + 1, cur->len);
	else
		*cur = (struct sip_pl){ NULL, 0 };
	return true;
}

/* Parameter list without its leading ';', unset when there is none. */
static struct sip_pl params_body(struct sip_pl params)
{
	if (!params.len)
		return (struct sip_pl){ NULL, 0 };
	return sub(params, 1, params.len);
}

/* Split "name[=value]"; the value is unset (p == NULL) without '='. */
static void split_eq(struct sip_pl item, struct sip_pl *name,
		     struct sip_pl *val)
{
	size_t n = find(item, "=");

	*name = sub(item, 0, n);
	*val = n < item.len ? sub(item, n + 1, item.len)
			    : (struct sip_pl){ NULL, 0 };
}

/* ---- escapes ---- */

/* Value of the escape "%" HEX HEX at s.p[i], or -1 when malformed. */
static int esc_at(struct sip_pl s, size_t i)
{
	int hi, lo;

	if (s.len - i < 3)
		return -1;
	hi = hexval((unsigned char)s.p[i + 1]);
	lo = hexval((unsigned char)s.p[i + 2]);
	if (hi < 0 || lo < 0)
		return -1;
	return hi << 4 | lo;
}

/* 0 when @s has at least @min bytes, each accepted by @ok or escaped. */
static int check_chars(struct sip_pl s, bool (*ok)(int), size_t min)
{
	size_t i;

	if (s.len < min)
		return EBADMSG;
	for (i = 0; i < s.len; i++) {
		int c = (unsigned char)s.p[i];

		if (c == '%') {
			if (esc_at(s, i) < 0)
				return EBADMSG;
			i += 2;
		} else if (!ok(c)) {
			return EBADMSG;
		}
	}
	return 0;
}

/* ---- host (§25.1 host, RFC 4291 §2.2 via inet_pton) ---- */

static bool is_ipv4(struct sip_pl h)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
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

/* hostname = *( domainlabel "." ) toplabel [ "." ], in one pass. */
static bool is_hostname(struct sip_pl h)
{
	size_t n = h.len, start = 0;

	if (n && h.p[n - 1] == '.')
		n--;
	if (!n)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || h.p[i] == '.') {
			/* a label: alphanum at both ends, inner '-' allowed */
			if (i == start || !is_alnum(h.p[start]) || !is_alnum(h.p[i - 1]))
				return false;
			if (i < n)
				start = i + 1;
		} else if (!is_alnum(h.p[i]) && h.p[i] != '-') {
			return false;
		}
	}
	/* toplabel starts with a letter */
	return is_alpha(h.p[start]);
}

/* IPv6address (brackets excluded) into @a. 0 or EBADMSG. */
static int ipv6_parse(struct sip_pl h, struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];
	size_t i;

	if (!h.len || h.len >= sizeof(s))
		return EBADMSG;
	for (i = 0; i < h.len; i++)
		if (hexval((unsigned char)h.p[i]) < 0 && !in_set(h.p[i], ":."))
			return EBADMSG;
	memcpy(s, h.p, h.len);
	s[h.len] = '\0';
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : EBADMSG;
}

/* host [":" port] at the start of *cur, which is advanced past it. */
static int decode_hostport(struct sip_uri *u, struct sip_pl *cur)
{
	struct sip_pl rest = *cur;
	struct in6_addr a;
	uint32_t port;
	size_t n;

	if (rest.len && rest.p[0] == '[') {
		n = find(rest, "]");
		if (n == rest.len || ipv6_parse(sub(rest, 1, n), &a))
			return EBADMSG;
		u->host = sub(rest, 1, n);
		u->host_type = SIP_HOST_IPV6;
		n++;
	} else {
		n = find(rest, ":;?");
		u->host = sub(rest, 0, n);
		if (is_ipv4(u->host))
			u->host_type = SIP_HOST_IPV4;
		else if (is_hostname(u->host))
			u->host_type = SIP_HOST_NAME;
		else
			return EBADMSG;
	}
	rest = sub(rest, n, rest.len);
	if (rest.len && rest.p[0] == ':') {
		n = find(rest, ";?");
		if (sip_pl_u32(sub(rest, 1, n), 65535, &port))
			return EBADMSG;
		u->port = (uint16_t)port;
		u->has_port = true;
		rest = sub(rest, n, rest.len);
	}
	*cur = rest;
	return 0;
}

/* ---- sip: / sips: (§19.1.1) ---- */

static int decode_userinfo(struct sip_uri *u, struct sip_pl ui)
{
	size_t colon = find(ui, ":");
	int err;

	u->user = sub(ui, 0, colon);
	err = check_chars(u->user, is_user_char, 1);
	if (err)
		return err;
	if (colon == ui.len)
		return 0;
	u->password = sub(ui, colon + 1, ui.len);
	return check_chars(u->password, is_passwd_char, 0);
}

/* uri-parameters: ';' pname ['=' pvalue], both 1*paramchar. */
static int check_sip_params(struct sip_pl params)
{
	struct sip_pl cur = params_body(params), item, name, val;

	while (item_next(&cur, ';', &item)) {
		split_eq(item, &name, &val);
		if (check_chars(name, is_param_char, 1))
			return EBADMSG;
		if (val.p && check_chars(val, is_param_char, 1))
			return EBADMSG;
	}
	return 0;
}

/* headers: hname '=' hvalue *( '&' hname '=' hvalue ). */
static int check_headers(struct sip_pl headers)
{
	struct sip_pl cur = headers, item, name, val;

	while (item_next(&cur, '&', &item)) {
		split_eq(item, &name, &val);
		if (!val.p || check_chars(name, is_hnv_char, 1) ||
		    check_chars(val, is_hnv_char, 0))
			return EBADMSG;
	}
	return 0;
}

/* What follows hostport: uri-parameters then optional '?' headers. */
static int decode_tail(struct sip_uri *u, struct sip_pl rest)
{
	size_t q = find(rest, "?");

	if (rest.len && rest.p[0] != ';' && rest.p[0] != '?')
		return EBADMSG;
	if (q > 0) {
		u->params = sub(rest, 0, q);
		if (check_sip_params(u->params))
			return EBADMSG;
	}
	if (q == rest.len)
		return 0;
	u->headers = sub(rest, q + 1, rest.len);
	return check_headers(u->headers);
}

static int decode_sip(struct sip_uri *u, struct sip_pl rest)
{
	size_t at = find(rest, "@");
	int err;

	/* no '@' may follow the userinfo, so the first one ends it */
	if (at < rest.len) {
		err = decode_userinfo(u, sub(rest, 0, at));
		if (err)
			return err;
		rest = sub(rest, at + 1, rest.len);
	}
	err = decode_hostport(u, &rest);
	if (err)
		return err;
	return decode_tail(u, rest);
}

/* ---- tel: (RFC 3966 §3) ---- */

/* global-number-digits: "+" *phonedigit DIGIT *phonedigit */
static bool is_global_number(struct sip_pl n)
{
	bool digit = false;
	size_t i;

	if (!n.len || n.p[0] != '+')
		return false;
	for (i = 1; i < n.len; i++) {
		if (is_digit(n.p[i]))
			digit = true;
		else if (!is_visual_sep(n.p[i]))
			return false;
	}
	return digit;
}

/* local-number-digits: *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex */
static bool is_local_number(struct sip_pl n)
{
	bool digit = false;
	size_t i;

	for (i = 0; i < n.len; i++) {
		int c = (unsigned char)n.p[i];

		if (hexval(c) >= 0 || c == '*' || c == '#')
			digit = true;
		else if (!is_visual_sep(c))
			return false;
	}
	return digit;
}

/* 1*phonedigit, as in the extension parameter. */
static bool is_phonedigits(struct sip_pl v)
{
	size_t i;

	if (!v.len)
		return false;
	for (i = 0; i < v.len; i++)
		if (!is_digit(v.p[i]) && !is_visual_sep(v.p[i]))
			return false;
	return true;
}

static int check_tel_param(struct sip_pl name, struct sip_pl val)
{
	size_t i;

	if (!name.len)
		return EBADMSG;
	for (i = 0; i < name.len; i++)
		if (!is_tel_pname_char((unsigned char)name.p[i]))
			return EBADMSG;
	if (!val.p)
		return 0;
	if (sip_pl_caseeqs(name, "isub"))
		return check_chars(val, is_isub_char, 1);
	if (sip_pl_caseeqs(name, "ext") && !is_phonedigits(val))
		return EBADMSG;
	if (sip_pl_caseeqs(name, "phone-context") &&
	    !is_global_number(val) && !is_hostname(val))
		return EBADMSG;
	return check_chars(val, is_param_char, 1);
}

/* Parameters; also reports whether a phone-context was among them. */
static int check_tel_params(struct sip_pl params, bool *has_ctx)
{
	struct sip_pl cur = params_body(params), item, name, val;

	*has_ctx = false;
	while (item_next(&cur, ';', &item)) {
		split_eq(item, &name, &val);
		if (check_tel_param(name, val))
			return EBADMSG;
		if (sip_pl_caseeqs(name, "phone-context")) {
			if (!val.p)
				return EBADMSG;
			*has_ctx = true;
		}
	}
	return 0;
}

static int decode_tel(struct sip_uri *u, struct sip_pl rest)
{
	size_t semi = find(rest, ";");
	bool global, has_ctx;

	u->user = sub(rest, 0, semi);
	if (semi < rest.len)
		u->params = sub(rest, semi, rest.len);
	global = u->user.len && u->user.p[0] == '+';
	if (global ? !is_global_number(u->user) : !is_local_number(u->user))
		return EBADMSG;
	if (check_tel_params(u->params, &has_ctx))
		return EBADMSG;
	/* §5.1.5: a local number needs a context, a global one has none */
	return has_ctx == global ? EBADMSG : 0;
}

/* ---- entry point ---- */

/* scheme ":" with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static int split_scheme(struct sip_pl raw, struct sip_pl *scheme,
			struct sip_pl *rest)
{
	size_t i;

	if (!raw.len || !is_alpha(raw.p[0]))
		return EBADMSG;
	for (i = 1; i < raw.len && is_scheme_char(raw.p[i]); i++)
		;
	if (i == raw.len || raw.p[i] != ':')
		return EBADMSG;
	*scheme = sub(raw, 0, i);
	*rest = sub(raw, i + 1, raw.len);
	return 0;
}

int sip_uri_decode(struct sip_uri *uri, struct sip_pl raw)
{
	struct sip_pl scheme, rest;
	struct sip_uri u;
	int err;

	memset(&u, 0, sizeof(u));
	u.raw = raw;
	err = split_scheme(raw, &scheme, &rest);
	if (err)
		return err;
	if (sip_pl_caseeqs(scheme, "sip") || sip_pl_caseeqs(scheme, "sips")) {
		u.scheme = scheme.len == 3 ? SIP_URI_SIP : SIP_URI_SIPS;
		err = decode_sip(&u, rest);
	} else if (sip_pl_caseeqs(scheme, "tel")) {
		u.scheme = SIP_URI_TEL;
		err = decode_tel(&u, rest);
	} else {
		u.scheme = SIP_URI_OTHER;
		err = check_chars(rest, is_uric, 1);
	}
	if (err)
		return EBADMSG;
	*uri = u;
	return 0;
}

/* ---- comparison (§19.1.4, RFC 3966 §4) ---- */

/*
 * Next comparison unit of @s at *i, case-folded when @icase. §19.1.4: an
 * escape equals its character unless that character is reserved, so
 * escaped reserved chars carry ESC_KEEP and never match a literal.
 */
static int unit_next(struct sip_pl s, size_t *i, bool icase)
{
	int c = (unsigned char)s.p[*i];
	int v = c == '%' ? esc_at(s, *i) : -1;

	if (v >= 0) {
		*i += 3;
		if (is_reserved(v))
			return v | ESC_KEEP;
		c = v;
	} else {
		(*i)++;
	}
	return icase ? lower(c) : c;
}

static bool text_eq(struct sip_pl a, struct sip_pl b, bool icase)
{
	size_t i = 0, j = 0;

	while (i < a.len && j < b.len)
		if (unit_next(a, &i, icase) != unit_next(b, &j, icase))
			return false;
	return i == a.len && j == b.len;
}

/* Equal, where an unset field only equals an unset one. */
static bool opt_eq(struct sip_pl a, struct sip_pl b, bool icase)
{
	if (sip_pl_isset(&a) != sip_pl_isset(&b))
		return false;
	return text_eq(a, b, icase);
}

/* First parameter called @name (escapes and case ignored) in @params. */
static bool find_param(struct sip_pl params, struct sip_pl name,
		       struct sip_pl *pname, struct sip_pl *val)
{
	struct sip_pl cur = params_body(params), item, n, v;

	while (item_next(&cur, ';', &item)) {
		split_eq(item, &n, &v);
		if (text_eq(n, name, true)) {
			*pname = n;
			*val = v;
			return true;
		}
	}
	return false;
}

/* True when @name is not the first parameter so called in @params. */
static bool is_repeat(struct sip_pl params, struct sip_pl name)
{
	struct sip_pl first, val;

	return find_param(params, name, &first, &val) && first.p != name.p;
}

static bool host_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	struct in6_addr x, y;

	if (a->host_type == SIP_HOST_IPV6 && b->host_type == SIP_HOST_IPV6 &&
	    !ipv6_parse(a->host, &x) && !ipv6_parse(b->host, &y))
		return memcmp(&x, &y, sizeof(x)) == 0;
	return sip_pl_casecmp(a->host, b->host);
}

/* §19.1.4: these match only when present in both URIs or in neither. */
static bool must_be_in_both(struct sip_pl name)
{
	static const char *const names[] = {
		"user", "ttl", "method", "maddr", "transport",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (text_eq(name, sip_pl_str(names[i]), true))
			return true;
	return false;
}

/*
 * Every parameter of @a present in @b matches it and none that must be in
 * both is missing. A repeated name counts once, as its first occurrence.
 */
static bool sip_params_cover(struct sip_pl a, struct sip_pl b)
{
	struct sip_pl cur = params_body(a), item, name, val, bname, bval;

	while (item_next(&cur, ';', &item)) {
		split_eq(item, &name, &val);
		if (is_repeat(a, name))
			continue;
		if (!find_param(b, name, &bname, &bval)) {
			if (must_be_in_both(name))
				return false;
			continue;
		}
		if (!opt_eq(val, bval, true))
			return false;
	}
	return true;
}

static bool has_header(struct sip_pl headers, struct sip_pl name,
		       struct sip_pl val)
{
	struct sip_pl cur = headers, item, n, v;

	while (item_next(&cur, '&', &item)) {
		split_eq(item, &n, &v);
		if (text_eq(n, name, true) && text_eq(v, val, false))
			return true;
	}
	return false;
}

/* Every header component of @a is in @b, in any order. */
static bool headers_cover(struct sip_pl a, struct sip_pl b)
{
	struct sip_pl cur = a, item, name, val;

	while (item_next(&cur, '&', &item)) {
		split_eq(item, &name, &val);
		if (!has_header(b, name, val))
			return false;
	}
	return true;
}

static bool sip_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	return opt_eq(a->user, b->user, false) &&
	       opt_eq(a->password, b->password, false) &&
	       host_eq(a, b) &&
	       a->has_port == b->has_port && a->port == b->port &&
	       sip_params_cover(a->params, b->params) &&
	       sip_params_cover(b->params, a->params) &&
	       headers_cover(a->headers, b->headers) &&
	       headers_cover(b->headers, a->headers);
}

/* RFC 3966 §4: digit by digit, visual separators removed, any case. */
static bool digits_eq(struct sip_pl a, struct sip_pl b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a.len && is_visual_sep(a.p[i]))
			i++;
		while (j < b.len && is_visual_sep(b.p[j]))
			j++;
		if (i == a.len || j == b.len)
			return i == a.len && j == b.len;
		if (lower((unsigned char)a.p[i++]) !=
		    lower((unsigned char)b.p[j++]))
			return false;
	}
}

static bool tel_val_eq(struct sip_pl name, struct sip_pl a, struct sip_pl b)
{
	if (!a.p || !b.p)
		return !a.p && !b.p;
	if (sip_pl_caseeqs(name, "ext") ||
	    (sip_pl_caseeqs(name, "phone-context") && a.len && a.p[0] == '+'))
		return digits_eq(a, b);
	return text_eq(a, b, true);
}

/* Every parameter of @a is in @b with an equal value (§4: same set). */
static bool tel_params_cover(struct sip_pl a, struct sip_pl b)
{
	struct sip_pl cur = params_body(a), item, name, val, bname, bval;

	while (item_next(&cur, ';', &item)) {
		split_eq(item, &name, &val);
		if (is_repeat(a, name))
			continue;
		if (!find_param(b, name, &bname, &bval) ||
		    !tel_val_eq(name, val, bval))
			return false;
	}
	return true;
}

static bool tel_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	/* the leading '+' is compared too: local never equals global */
	return digits_eq(a->user, b->user) &&
	       tel_params_cover(a->params, b->params) &&
	       tel_params_cover(b->params, a->params);
}

/* Other schemes: scheme case-insensitively, the rest byte for byte. */
static bool other_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	size_t i = find(a->raw, ":"), j = find(b->raw, ":");

	return sip_pl_casecmp(sub(a->raw, 0, i), sub(b->raw, 0, j)) &&
	       sip_pl_eq(sub(a->raw, i, a->raw.len),
			 sub(b->raw, j, b->raw.len));
}

bool sip_uri_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	if (a->scheme != b->scheme)
		return false;
	switch (a->scheme) {
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		return sip_eq(a, b);
	case SIP_URI_TEL:
		return tel_eq(a, b);
	default:
		return other_eq(a, b);
	}
}

int sip_uri_param(const struct sip_uri *uri, const char *name,
		  struct sip_pl *val)
{
	struct sip_pl n, v;

	if (!find_param(uri->params, sip_pl_str(name), &n, &v))
		return ENOENT;
	if (!v.p)
		v = (struct sip_pl){ n.p + n.len, 0 };
	if (val)
		*val = v;
	return 0;
}

/* ---- printing and unescaping ---- */

static void print_sip(struct sip_buf *b, const struct sip_uri *uri)
{
	if (sip_pl_isset(&uri->user)) {
		sip_buf_pl(b, uri->user);
		if (sip_pl_isset(&uri->password)) {
			sip_buf_putc(b, ':');
			sip_buf_pl(b, uri->password);
		}
		sip_buf_putc(b, '@');
	}
	if (uri->host_type == SIP_HOST_IPV6)
		sip_buf_putc(b, '[');
	sip_buf_pl(b, uri->host);
	if (uri->host_type == SIP_HOST_IPV6)
		sip_buf_putc(b, ']');
	if (uri->has_port) {
		sip_buf_putc(b, ':');
		sip_buf_u32(b, uri->port);
	}
	sip_buf_pl(b, uri->params);
	if (sip_pl_isset(&uri->headers)) {
		sip_buf_putc(b, '?');
		sip_buf_pl(b, uri->headers);
	}
}

static void print_other(struct sip_buf *b, const struct sip_uri *uri)
{
	size_t i, colon = find(uri->raw, ":");

	for (i = 0; i < colon; i++)
		sip_buf_putc(b, (char)lower((unsigned char)uri->raw.p[i]));
	sip_buf_pl(b, sub(uri->raw, colon, uri->raw.len));
}

void sip_uri_print(struct sip_buf *b, const struct sip_uri *uri)
{
	switch (uri->scheme) {
	case SIP_URI_SIP:
		sip_buf_puts(b, "sip:");
		print_sip(b, uri);
		break;
	case SIP_URI_SIPS:
		sip_buf_puts(b, "sips:");
		print_sip(b, uri);
		break;
	case SIP_URI_TEL:
		sip_buf_puts(b, "tel:");
		sip_buf_pl(b, uri->user);
		sip_buf_pl(b, uri->params);
		break;
	default:
		print_other(b, uri);
		break;
	}
}

/* Decoded length of @in, or -1 on a bad escape. */
static long unescaped_len(struct sip_pl in)
{
	size_t i;
	long n = 0;

	for (i = 0; i < in.len; i++, n++) {
		if (in.p[i] != '%')
			continue;
		if (esc_at(in, i) < 0)
			return -1;
		i += 2;
	}
	return n;
}

long sip_uri_unescape(struct sip_pl in, char *out, size_t n)
{
	long len = unescaped_len(in);
	size_t i, o = 0;

	if (len < 0 || (size_t)len > n)
		return -1;
	for (i = 0; i < in.len; i++) {
		int c = (unsigned char)in.p[i];

		if (c == '%') {
			c = esc_at(in, i);
			i += 2;
		}
		out[o++] = (char)c;
	}
	return len;
}
