/*
 * uri_test.c - unit tests for uri.c: RFC 3261 §19.1.1 parsing, every
 * §19.1.4 comparison example, RFC 3966 tel URIs, RFC 4475 URI cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "sip/uri.h"

static struct sip_uri parse_ok(const char *s)
{
	struct sip_uri u;
	int err = sip_uri_decode(&u, sip_pl_str(s));

	if (err)
		fail_msg("should parse: %s (err %d)", s, err);
	assert_ptr_equal(u.raw.p, s);
	assert_int_equal(u.raw.len, strlen(s));
	return u;
}

static void assert_pl(struct sip_pl pl, const char *want)
{
	if (!want) {
		assert_null(pl.p);
		assert_int_equal(pl.len, 0);
		return;
	}
	assert_non_null(pl.p);
	if (!sip_pl_eqs(pl, want))
		fail_msg("got '%.*s', want '%s'", (int)pl.len, pl.p, want);
}

static bool eq(const char *a, const char *b)
{
	struct sip_uri x = parse_ok(a), y = parse_ok(b);
	bool r = sip_uri_eq(&x, &y);

	/* equivalence is symmetric and reflexive */
	assert_true(r == sip_uri_eq(&y, &x));
	assert_true(sip_uri_eq(&x, &x));
	return r;
}

/* ---- RFC 3261 §19.1.4 examples ---- */

struct pair {
	const char *a;
	const char *b;
};

static const struct pair rfc_equal[] = {
	{ "sip:%61lice@atlanta.com;transport=TCP",
	  "sip:alice@AtLanTa.CoM;Transport=tcp" },
	{ "sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5" },
	{ "sip:carol@chicago.com", "sip:carol@chicago.com;security=on" },
	{ "sip:carol@chicago.com;newparam=5",
	  "sip:carol@chicago.com;security=on" },
	{ "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
	  "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com" },
	{ "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
	  "sip:alice@atlanta.com?priority=urgent&subject=project%20x" },
};

static const struct pair rfc_unequal[] = {
	/* different usernames */
	{ "SIP:ALICE@AtLanTa.CoM;Transport=udp",
	  "sip:alice@AtLanTa.CoM;Transport=UDP" },
	/* can resolve to different ports */
	{ "sip:bob@biloxi.com", "sip:bob@biloxi.com:5060" },
	/* can resolve to different transports */
	{ "sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp" },
	/* can resolve to different port and transports */
	{ "sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp" },
	/* different header component */
	{ "sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting" },
	/* even though that is what phone21.boxesbybob.com resolves to */
	{ "sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4" },
};

static void test_rfc3261_equal(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(rfc_equal) / sizeof(rfc_equal[0]); i++)
		if (!eq(rfc_equal[i].a, rfc_equal[i].b))
			fail_msg("should be equal: %s / %s", rfc_equal[i].a,
				 rfc_equal[i].b);
}

static void test_rfc3261_unequal(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(rfc_unequal) / sizeof(rfc_unequal[0]); i++)
		if (eq(rfc_unequal[i].a, rfc_unequal[i].b))
			fail_msg("should differ: %s / %s", rfc_unequal[i].a,
				 rfc_unequal[i].b);
}

/* More §19.1.4 rules, each pair isolating one of them. */
static const struct {
	const char *a;
	const char *b;
	bool eq;
} more_eq[] = {
	{ "sip:alice@atlanta.com", "sips:alice@atlanta.com", false },
	{ "SIPS:alice@atlanta.com", "sips:alice@atlanta.com", true },
	{ "sip:alice:secret@h.com", "sip:alice@h.com", false },
	{ "sip:alice:secret@h.com", "sip:alice:SECRET@h.com", false },
	{ "sip:alice:%73ecret@h.com", "sip:alice:secret@h.com", true },
	{ "sip:alice@h.com", "sip:h.com", false },
	{ "sip:alice@h.com:5060", "sip:alice@h.com:5060", true },
	{ "sip:alice@h.com", "sip:alice@h.com:0", false },
	{ "sip:alice@h.com:5060", "sip:alice@h.com:5061", false },
	/* escaped reserved chars stay distinct from their literal form */
	{ "sip:a%3Bb@h.com", "sip:a;b@h.com", false },
	{ "sip:a%3bb@h.com", "sip:a%3Bb@h.com", true },
	{ "sip:%41@h.com", "sip:A@h.com", true },
	{ "sip:%41@h.com", "sip:a@h.com", false },
	{ "sip:a@h.com;user=phone", "sip:a@h.com", false },
	{ "sip:a@h.com;ttl=1", "sip:a@h.com", false },
	{ "sip:a@h.com;method=INVITE", "sip:a@h.com", false },
	{ "sip:a@h.com;maddr=239.255.255.1", "sip:a@h.com", false },
	{ "sip:a@h.com;ttl=1", "sip:a@h.com;TTL=1", true },
	{ "sip:a@h.com;foo=bar", "sip:a@h.com;foo=baz", false },
	{ "sip:a@h.com;foo=%62ar", "sip:a@h.com;FOO=BAR", true },
	{ "sip:a@h.com;lr", "sip:a@h.com;lr", true },
	{ "sip:a@h.com;lr", "sip:a@h.com;lr=on", false },
	{ "sip:a@h.com;lr", "sip:a@h.com", true },
	{ "sip:a@h.com?X=1", "sip:a@h.com?x=1", true },
	{ "sip:a@h.com?x=1", "sip:a@h.com?x=2", false },
	{ "sip:a@h.com?x=1&y=2", "sip:a@h.com?x=1", false },
	{ "sip:a@h.com?subject=a%20b", "sip:a@h.com?subject=a b", false },
	{ "sip:a@[2001:db8::1]", "sip:a@[2001:DB8:0:0:0:0:0:1]", true },
	{ "sip:a@[2001:db8::1]", "sip:a@[2001:db8::2]", false },
	{ "sip:a@[::ffff:192.0.2.1]", "sip:a@[::FFFF:c000:201]", true },
	{ "sip:a@h.com", "sip:a@h.com.", false },
	/* a repeated parameter counts as its first occurrence */
	{ "sip:a@h.com;x=1;x=2", "sip:a@h.com;x=1", true },
	{ "sip:a@h.com;x=1;x=2", "sip:a@h.com;x=2", false },
};

static void test_more_eq(void **state)
{
	size_t i;
	struct sip_uri x, y;

	for (i = 0; i < sizeof(more_eq) / sizeof(more_eq[0]); i++) {
		if (sip_uri_decode(&y, sip_pl_str(more_eq[i].b))) {
			/* "a b": spaces never parse, so nothing to compare */
			assert_false(more_eq[i].eq);
			continue;
		}
		if (eq(more_eq[i].a, more_eq[i].b) != more_eq[i].eq)
			fail_msg("%s / %s: want %s", more_eq[i].a, more_eq[i].b,
				 more_eq[i].eq ? "equal" : "different");
	}
	x = parse_ok("tel:+1-201-555-0123");
	y = parse_ok("sip:+1-201-555-0123@h.com");
	assert_false(sip_uri_eq(&x, &y));
}

/* ---- parsing ---- */

static void test_parse_all_fields(void **state)
{
	struct sip_uri u = parse_ok("sips:alice:secret@Example.COM:5061"
				    ";transport=tcp;lr?subject=hi&x=y");

	assert_int_equal(u.scheme, SIP_URI_SIPS);
	assert_pl(u.user, "alice");
	assert_pl(u.password, "secret");
	assert_pl(u.host, "Example.COM");
	assert_int_equal(u.host_type, SIP_HOST_NAME);
	assert_true(u.has_port);
	assert_int_equal(u.port, 5061);
	assert_pl(u.params, ";transport=tcp;lr");
	assert_pl(u.headers, "subject=hi&x=y");
}

static void test_parse_minimal(void **state)
{
	struct sip_uri u = parse_ok("sip:example.com");

	assert_int_equal(u.scheme, SIP_URI_SIP);
	assert_pl(u.user, NULL);
	assert_pl(u.password, NULL);
	assert_pl(u.host, "example.com");
	assert_int_equal(u.host_type, SIP_HOST_NAME);
	assert_false(u.has_port);
	assert_int_equal(u.port, 0);
	assert_int_equal(u.params.len, 0);
	assert_pl(u.headers, NULL);

	u = parse_ok("sip:example.com.");
	assert_pl(u.host, "example.com.");
	u = parse_ok("sip:a-b.x-1.c9");
	assert_pl(u.host, "a-b.x-1.c9");
}

static void test_parse_scheme_case(void **state)
{
	struct sip_uri u = parse_ok("SIP:alice@h.com");

	assert_int_equal(u.scheme, SIP_URI_SIP);
	u = parse_ok("SiPs:alice@h.com");
	assert_int_equal(u.scheme, SIP_URI_SIPS);
	u = parse_ok("TEL:+1234");
	assert_int_equal(u.scheme, SIP_URI_TEL);
}

static void test_parse_user_chars(void **state)
{
	struct sip_uri u = parse_ok("sip:&=+$,;?/-_.!~*'():pw&=+$,@host.com");

	assert_pl(u.user, "&=+$,;?/-_.!~*'()");
	assert_pl(u.password, "pw&=+$,");
	assert_pl(u.host, "host.com");

	u = parse_ok("sip:alice;day=tuesday@atlanta.com");
	assert_pl(u.user, "alice;day=tuesday");
	assert_int_equal(u.params.len, 0);

	u = parse_ok("sip:alice:@atlanta.com");
	assert_pl(u.password, "");

	u = parse_ok("sip:+1-212-555-1212:1234@gateway.com;user=phone");
	assert_pl(u.user, "+1-212-555-1212");
	assert_pl(u.password, "1234");
}

/* RFC 4475 §3.1.1.2 style: every user and password character class. */
static void test_parse_unusual_userinfo(void **state)
{
	struct sip_uri u = parse_ok(
		"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
		":&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");

	assert_pl(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	assert_pl(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
	assert_pl(u.host, "example.com");
}

static void test_parse_escapes(void **state)
{
	struct sip_uri u = parse_ok("sip:%61lice@atlanta.com;transport=TCP");
	struct sip_pl v;

	assert_pl(u.user, "%61lice");
	assert_pl(u.params, ";transport=TCP");
	assert_int_equal(sip_uri_param(&u, "transport", &v), 0);
	assert_pl(v, "TCP");

	/* RFC 4475 §3.1.1.13 */
	u = parse_ok("sip:sips%3Auser%40example.com@example.net");
	assert_pl(u.user, "sips%3Auser%40example.com");
	assert_pl(u.host, "example.net");

	u = parse_ok("sip:user@example.com?Route=%3Csip:example.com%3E");
	assert_pl(u.headers, "Route=%3Csip:example.com%3E");
}

/* RFC 4475 §3.1.1.12: an escaped NUL is legal and survives unescaping. */
static void test_escnull(void **state)
{
	struct sip_uri u = parse_ok("sip:null-%00-null@example.com");
	char out[32];
	long n;

	assert_pl(u.user, "null-%00-null");
	n = sip_uri_unescape(u.user, out, sizeof(out));
	assert_int_equal(n, 11);
	assert_memory_equal(out, "null-\0-null", 11);

	u = parse_ok("sip:%00@example.com");
	n = sip_uri_unescape(u.user, out, sizeof(out));
	assert_int_equal(n, 1);
	assert_int_equal(out[0], '\0');
}

static void test_parse_ipv4(void **state)
{
	struct sip_uri u = parse_ok("sip:alice@192.0.2.4:5070;maddr=1.2.3.4");

	assert_pl(u.host, "192.0.2.4");
	assert_int_equal(u.host_type, SIP_HOST_IPV4);
	assert_int_equal(u.port, 5070);

	u = parse_ok("sip:255.255.255.255");
	assert_int_equal(u.host_type, SIP_HOST_IPV4);
	/* not an address, but a valid hostname: the top label is alphabetic */
	u = parse_ok("sip:1.2.3.a");
	assert_int_equal(u.host_type, SIP_HOST_NAME);
}

static void test_parse_ipv6(void **state)
{
	struct sip_uri u = parse_ok("sip:[2001:db8::10]:5070;transport=udp");

	assert_pl(u.host, "2001:db8::10");
	assert_int_equal(u.host_type, SIP_HOST_IPV6);
	assert_true(u.has_port);
	assert_int_equal(u.port, 5070);
	assert_pl(u.params, ";transport=udp");

	/* RFC 5118 §4.4: the colon and port inside the brackets are address */
	u = parse_ok("sip:[2001:db8::10:5070]");
	assert_pl(u.host, "2001:db8::10:5070");
	assert_false(u.has_port);

	u = parse_ok("sips:alice@[::ffff:192.0.2.1]");
	assert_pl(u.user, "alice");
	assert_pl(u.host, "::ffff:192.0.2.1");
	assert_int_equal(u.host_type, SIP_HOST_IPV6);

	u = parse_ok("sip:[::1]?x=1");
	assert_pl(u.host, "::1");
	assert_pl(u.headers, "x=1");
}

static void test_parse_port(void **state)
{
	struct sip_uri u = parse_ok("sip:h.com:65535");

	assert_int_equal(u.port, 65535);
	u = parse_ok("sip:h.com:0");
	assert_true(u.has_port);
	assert_int_equal(u.port, 0);
	u = parse_ok("sip:h.com:5060?a=b");
	assert_int_equal(u.port, 5060);
	assert_pl(u.headers, "a=b");
}

static void test_parse_params(void **state)
{
	struct sip_uri u = parse_ok("sip:h.com;maddr=[::1];x=a/b:c&d+e$;lr");
	struct sip_pl v;

	assert_pl(u.params, ";maddr=[::1];x=a/b:c&d+e$;lr");
	assert_int_equal(sip_uri_param(&u, "MADDR", &v), 0);
	assert_pl(v, "[::1]");
	assert_int_equal(sip_uri_param(&u, "x", &v), 0);
	assert_pl(v, "a/b:c&d+e$");
	/* a flag parameter: empty slice, but set */
	assert_int_equal(sip_uri_param(&u, "lr", &v), 0);
	assert_non_null(v.p);
	assert_int_equal(v.len, 0);
	assert_int_equal(sip_uri_param(&u, "l", &v), ENOENT);
	assert_int_equal(sip_uri_param(&u, "ttl", NULL), ENOENT);
	assert_int_equal(sip_uri_param(&u, "lr", NULL), 0);

	/* RFC 4475 §3.1.1.? "unknownparam" flag on the Request-URI */
	u = parse_ok("sip:vivekg@chair-dnrc.example.com;unknownparam");
	assert_int_equal(sip_uri_param(&u, "unknownparam", &v), 0);
	assert_int_equal(v.len, 0);

	u = parse_ok("sip:h.com");
	assert_int_equal(sip_uri_param(&u, "lr", &v), ENOENT);
	u = parse_ok("mailto:a@b.com;lr");
	assert_int_equal(sip_uri_param(&u, "lr", &v), ENOENT);
}

static void test_parse_headers(void **state)
{
	struct sip_uri u;

	u = parse_ok("sip:h.com?Subject=&to=sip:b%40h.com&Priority=urgent");
	assert_pl(u.headers, "Subject=&to=sip:b%40h.com&Priority=urgent");
	assert_int_equal(u.params.len, 0);

	u = parse_ok("sip:h.com;lr?x=?/:[]+$");
	assert_pl(u.params, ";lr");
	assert_pl(u.headers, "x=?/:[]+$");
}

static const char *const bad[] = {
	"", "sip", "sip:", ":alice@h.com", "1sip:h.com", "s p:h.com",
	/* userinfo */
	"sip:@h.com", "sip::pw@h.com", "sip:a:b:c@h.com", "sip:a<b@h.com",
	"sip:a\"b@h.com", "sip:a#b@h.com", "sip:a[b@h.com",
	"sip:a:p;w@h.com",
	/* bad escapes (RFC 4475 §3.1.2.? escapes in user) */
	"sip:a%2@h.com", "sip:a%zz@h.com", "sip:a%@h.com", "sip:a%4g@h.com",
	"sip:a:%x1@h.com", "sip:h.com;p=%4", "sip:h.com?x=%g0",
	/* LWS and control characters anywhere */
	" sip:a@h.com", "sip:a@h.com ", "sip:a @h.com", "sip: a@h.com",
	"sip:a@h.com ;lr", "sip:a@h.com;lr ", "sip:a\tb@h.com",
	"sip:a@h.com\r\n",
	"sip:a@h.com;x=a b", "sip:a@h.com?x=a b",
	/* host */
	"sip:a@", "sip:a@:5060", "sip:a@;lr", "sip:a@h_x.com", "sip:a@-h.com",
	"sip:a@h-.com", "sip:a@h..com", "sip:a@.h.com", "sip:a@h.com..",
	"sip:a@1.2.3", "sip:a@256.1.1.1", "sip:a@1.2.3.4.5",
	"sip:a@h.com@x.com",
	"sip:a@h.1", "sip:a@h.com/x", "sip:a@h%41.com", "sip:a@h.com<",
	/* IPv6 */
	"sip:[::1", "sip:::1", "sip:2001:db8::10", "sip:[]", "sip:[zz::1]",
	"sip:[2001:db8:::192.0.2.1]", "sip:[1:2:3:4:5:6:7:8:9]",
	"sip:[::1]x", "sip:[::1]:", "sip:[v4.1.2.3.4]", "sip:[::1%25eth0]",
	/* port */
	"sip:h.com:", "sip:h.com:65536", "sip:h.com:99999999999",
	"sip:h.com:4294967301", "sip:h.com:-1", "sip:h.com:50a",
	"sip:h.com:5060:5060",
	/* params and headers */
	"sip:h.com;", "sip:h.com;;lr", "sip:h.com;=x", "sip:h.com;x=",
	"sip:h.com;x=1=2", "sip:h.com;x=\"1\"", "sip:h.com;x=a,b",
	"sip:h.com?", "sip:h.com?x", "sip:h.com?=1", "sip:h.com?x=1&",
	"sip:h.com?x=1&&y=2", "sip:h.com?x=a;b",
	/* tel */
	"tel:", "tel:+", "tel:+-", "tel:+1 234", "tel:+12a", "tel:1234",
	"tel:12z4;phone-context=+1", "tel:+1234;phone-context=example.com",
	"tel:1234;phone-context", "tel:1234;phone-context=",
	"tel:1234;phone-context=bad_domain", "tel:1234;phone-context=+",
	"tel:+1234;ext=", "tel:+1234;ext=12a", "tel:+1234;", "tel:+1234;;x=1",
	"tel:+1234;p_x=1", "tel:+1234;%41=1", "tel:+1234?x=1",
	"tel:-;phone-context=+1",
	/* other schemes */
	"mailto:", "im:a b", "urn:a<b>", "http:x\"y", "x:%zz",
};

static int decode_n(const char *p, size_t n)
{
	struct sip_uri u;

	return sip_uri_decode(&u, (struct sip_pl){ p, n });
}

static void test_parse_errors(void **state)
{
	struct sip_uri u;
	size_t i;

	memset(&u, 0x5a, sizeof(u));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sip_uri_decode(&u, sip_pl_str(bad[i])) != EBADMSG)
			fail_msg("should be rejected: '%s'", bad[i]);
	/* out-parameter untouched on failure */
	assert_int_equal(((unsigned char *)&u)[0], 0x5a);

	/* NUL and non-ASCII bytes, which C string literals cannot show */
	assert_int_equal(decode_n(NULL, 0), EBADMSG);
	assert_int_equal(decode_n("sip:a\0b@h.com", 13), EBADMSG);
	assert_int_equal(decode_n("sip:h.com\0", 10), EBADMSG);
	assert_int_equal(decode_n("sip:\xc3\xa9@h.com", 12), EBADMSG);
}

/* ---- tel: (RFC 3966) ---- */

static void test_tel_global(void **state)
{
	struct sip_uri u = parse_ok("tel:+1-201-555-0123;ext=1234;isub=a/b?c");
	struct sip_pl v;

	assert_int_equal(u.scheme, SIP_URI_TEL);
	assert_pl(u.user, "+1-201-555-0123");
	assert_pl(u.params, ";ext=1234;isub=a/b?c");
	assert_int_equal(u.host_type, SIP_HOST_NONE);
	assert_pl(u.host, NULL);
	assert_int_equal(sip_uri_param(&u, "EXT", &v), 0);
	assert_pl(v, "1234");
	assert_int_equal(sip_uri_param(&u, "isub", &v), 0);
	assert_pl(v, "a/b?c");

	u = parse_ok("tel:+1(201)555.0123");
	assert_pl(u.user, "+1(201)555.0123");
	assert_int_equal(u.params.len, 0);
}

static void test_tel_local(void **state)
{
	struct sip_uri u = parse_ok("tel:7042;phone-context=example.com");
	struct sip_pl v;

	assert_pl(u.user, "7042");
	assert_pl(u.params, ";phone-context=example.com");
	assert_int_equal(sip_uri_param(&u, "phone-context", &v), 0);
	assert_pl(v, "example.com");

	u = parse_ok("tel:863-1234;phone-context=+1-914-555");
	assert_pl(u.user, "863-1234");
	assert_int_equal(sip_uri_param(&u, "phone-context", &v), 0);
	assert_pl(v, "+1-914-555");

	u = parse_ok("tel:*21#;x-flag;phone-context=+1");
	assert_pl(u.user, "*21#");
	assert_int_equal(sip_uri_param(&u, "x-flag", &v), 0);
	assert_int_equal(v.len, 0);

	u = parse_ok("tel:a1B2;phone-context=a.example.com.");
	assert_pl(u.user, "a1B2");
}

static const struct {
	const char *a;
	const char *b;
	bool eq;
} tel_eq_cases[] = {
	{ "tel:+1-201-555-0123", "tel:+1(201)5550123", true },
	{ "tel:+1-201-555-0123", "tel:+12015550124", false },
	{ "tel:+1234", "tel:1234;phone-context=+1", false },
	{ "tel:7042;phone-context=example.com",
	  "tel:70-42;PHONE-CONTEXT=EXAMPLE.COM", true },
	{ "tel:7042;phone-context=example.com",
	  "tel:7042;phone-context=example.net", false },
	{ "tel:7042;phone-context=+1-914",
	  "tel:7042;phone-context=+1914", true },
	{ "tel:ab;phone-context=+1", "tel:AB;phone-context=+1", true },
	{ "tel:+1234;ext=1-2", "tel:+1234;ext=12", true },
	{ "tel:+1234;ext=1", "tel:+1234", false },
	{ "tel:+1234;foo=bar", "tel:+1234", false },
	{ "tel:+1234;foo=bar", "tel:+1234;FOO=BAR", true },
	{ "tel:+1234;a=1;b=2", "tel:+1234;b=2;a=1", true },
	{ "tel:+1234;a", "tel:+1234;a=1", false },
	{ "tel:+1234;a=1;a=2", "tel:+1234;a=1", true },
};

static void test_tel_eq(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(tel_eq_cases) / sizeof(tel_eq_cases[0]); i++) {
		const char *a = tel_eq_cases[i].a, *b = tel_eq_cases[i].b;
		bool want = tel_eq_cases[i].eq;

		if (eq(a, b) != want)
			fail_msg("%s / %s: want %s", a, b,
				 want ? "equal" : "different");
	}
}

/* ---- other schemes ---- */

static void test_other_scheme(void **state)
{
	static const char *const ok[] = {
		"mailto:alice@example.com", "urn:service:sos",
		"http://example.com/a?b=c", "im:alice@h.com", "x-y.z+1:%41",
		"http://[::1]:80/",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct sip_uri u = parse_ok(ok[i]);

		assert_int_equal(u.scheme, SIP_URI_OTHER);
		assert_pl(u.user, NULL);
		assert_pl(u.host, NULL);
		assert_pl(u.headers, NULL);
		assert_int_equal(u.params.len, 0);
		assert_int_equal(u.host_type, SIP_HOST_NONE);
		assert_false(u.has_port);
	}
	assert_true(eq("MAILTO:a@b.com", "mailto:a@b.com"));
	assert_false(eq("mailto:A@b.com", "mailto:a@b.com"));
	assert_false(eq("mailto:a@b.com", "im:a@b.com"));
}

/* ---- printing ---- */

static const struct pair prints[] = {
	{ "SIP:alice@AtLanTa.CoM;Transport=UDP",
	  "sip:alice@AtLanTa.CoM;Transport=UDP" },
	{ "sips:alice:pw@[2001:db8::1]:5061;lr?x=1&y=",
	  "sips:alice:pw@[2001:db8::1]:5061;lr?x=1&y=" },
	{ "SiP:a:@h.com", "sip:a:@h.com" },
	{ "sip:h.com:0", "sip:h.com:0" },
	{ "sip:%61lice@atlanta.com;transport=TCP",
	  "sip:%61lice@atlanta.com;transport=TCP" },
	{ "sip:null-%00-null@example.com", "sip:null-%00-null@example.com" },
	{ "sip:192.0.2.4?a=b", "sip:192.0.2.4?a=b" },
	{ "TEL:+1-201-555-0123;ext=1", "tel:+1-201-555-0123;ext=1" },
	{ "Tel:7042;phone-context=example.com",
	  "tel:7042;phone-context=example.com" },
	{ "MailTo:Alice@Example.com", "mailto:Alice@Example.com" },
};

static void test_print_roundtrip(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(prints) / sizeof(prints[0]); i++) {
		struct sip_uri u = parse_ok(prints[i].a), v;
		struct sip_buf b;

		sip_buf_init(&b);
		sip_uri_print(&b, &u);
		assert_int_equal(sip_buf_err(&b), 0);
		if (!sip_pl_eqs(sip_buf_pl_get(&b), prints[i].b))
			fail_msg("printed '%.*s', want '%s'", (int)b.len, b.p,
				 prints[i].b);
		assert_int_equal(sip_uri_decode(&v, sip_buf_pl_get(&b)), 0);
		assert_true(sip_uri_eq(&u, &v));
		assert_int_equal(v.scheme, u.scheme);
		assert_int_equal(v.host_type, u.host_type);
		assert_int_equal(v.port, u.port);
		assert_int_equal(v.has_port, u.has_port);
		sip_buf_reset(&b);
	}
}

/* ---- unescape ---- */

static void test_unescape(void **state)
{
	char out[8];

	memset(out, 'z', sizeof(out));
	assert_int_equal(sip_uri_unescape(SIP_PL("%61b%2Fc%2f"), out, 8), 5);
	assert_memory_equal(out, "ab/c/", 5);
	assert_int_equal(sip_uri_unescape(SIP_PL(""), out, 0), 0);
	assert_int_equal(sip_uri_unescape(SIP_PL("abc"), out, 3), 3);
	assert_memory_equal(out, "abc", 3);

	memset(out, 'z', sizeof(out));
	assert_int_equal(sip_uri_unescape(SIP_PL("abcd"), out, 3), -1);
	assert_int_equal(sip_uri_unescape(SIP_PL("a%4"), out, 8), -1);
	assert_int_equal(sip_uri_unescape(SIP_PL("a%"), out, 8), -1);
	assert_int_equal(sip_uri_unescape(SIP_PL("%g1"), out, 8), -1);
	assert_int_equal(sip_uri_unescape(SIP_PL("%ff"), out, 8), 1);
	assert_int_equal((unsigned char)out[0], 0xff);
	/* failures leave the output untouched */
	assert_int_equal(out[1], 'z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3261_equal),
		cmocka_unit_test(test_rfc3261_unequal),
		cmocka_unit_test(test_more_eq),
		cmocka_unit_test(test_parse_all_fields),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_parse_scheme_case),
		cmocka_unit_test(test_parse_user_chars),
		cmocka_unit_test(test_parse_unusual_userinfo),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_escnull),
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_ipv6),
		cmocka_unit_test(test_parse_port),
		cmocka_unit_test(test_parse_params),
		cmocka_unit_test(test_parse_headers),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_tel_global),
		cmocka_unit_test(test_tel_local),
		cmocka_unit_test(test_tel_eq),
		cmocka_unit_test(test_other_scheme),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
