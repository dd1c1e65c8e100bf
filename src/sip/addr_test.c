/*
 * addr_test.c - name-addr / addr-spec headers (RFC 3261 §20.10, §20.20,
 * §20.39, §20.30, §20.34; RFC 4475 lwsdisp, quotbal, badaspec, baddn,
 * regbadct, scalar02).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "testutil.h"

static struct sip_msg *msg_with(const char *hdrs)
{
	return tu_msgf(
		 "INVITE sip:bob@example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n%s"
		 "Content-Length: 0\n\n", hdrs);
}

static void pl_is(struct sip_pl pl, const char *s)
{
	char buf[512];

	assert_true(pl.len < sizeof(buf));
	sip_pl_strcpy(pl, buf, sizeof(buf));
	assert_string_equal(buf, s);
}

static size_t count(const struct sip_addr *a)
{
	size_t n = 0;

	for (; a; a = a->next)
		n++;
	return n;
}

static void test_from_name_addr(void **state)
{
	struct sip_msg *m = msg_with(
		"From: \"Bob\" <sip:bob@biloxi.com:5062;transport=tcp>;tag=a6c85cf;x\n");
	const struct sip_addr *a, *a2;

	(void)state;
	assert_int_equal(sip_msg_from(m, &a), 0);
	pl_is(a->raw, "\"Bob\" <sip:bob@biloxi.com:5062;transport=tcp>;tag=a6c85cf;x");
	pl_is(a->dname, "Bob");
	assert_true(a->dname_quoted);
	assert_true(a->angle);
	assert_false(a->star);
	pl_is(a->uri_raw, "sip:bob@biloxi.com:5062;transport=tcp");
	assert_int_equal(a->uri.scheme, SIP_URI_SIP);
	pl_is(a->uri.user, "bob");
	pl_is(a->uri.host, "biloxi.com");
	assert_int_equal(a->uri.port, 5062);
	pl_is(a->uri.params, ";transport=tcp");
	pl_is(a->params, ";tag=a6c85cf;x");
	pl_is(a->tag, "a6c85cf");
	assert_null(a->next);
	assert_int_equal(sip_msg_from(m, &a2), 0);
	assert_ptr_equal(a, a2);
	assert_null(m->err);
	sip_msg_free(m);
}

/* §20.10: outside <> the URI ends at ';', the rest are header params. */
static void test_addr_spec(void **state)
{
	struct sip_msg *m = msg_with(
		"t: sip:carol@chicago.com;tag=123 ; user=phone\n"
		"f: sips:alice@atlanta.com\n");
	const struct sip_addr *a;

	(void)state;
	assert_int_equal(sip_msg_to(m, &a), 0);
	assert_false(a->angle);
	assert_false(sip_pl_isset(&a->dname));
	pl_is(a->uri_raw, "sip:carol@chicago.com");
	assert_int_equal(a->uri.params.len, 0);
	pl_is(a->params, ";tag=123 ; user=phone");
	pl_is(a->tag, "123");
	assert_int_equal(sip_msg_from(m, &a), 0);
	assert_int_equal(a->uri.scheme, SIP_URI_SIPS);
	assert_false(sip_pl_isset(&a->tag));
	assert_int_equal(a->params.len, 0);
	sip_msg_free(m);
}

static void test_display_names(void **state)
{
	static const struct {
		const char *hdr, *dname;
		bool quoted;
	} ok[] = {
		{ "To: Anonymous <sip:c8oqz84zk7z@privacy.org>\n", "Anonymous", false },
		{ "To: Bob  Smith\t<sip:bob@example.com>\n", "Bob  Smith", false },
		/* RFC 4475 lwsdisp: no LWS before '<' */
		{ "To: caller<sip:caller@example.com>;tag=323\n", "caller", false },
		{ "To: \"caller\"<sip:caller@example.com>\n", "caller", true },
		{ "To: \"\" <sip:caller@example.com>\n", "", true },
		{ "To: \"Watson, Thomas\" <sip:t.watson@example.org>\n",
		  "Watson, Thomas", true },
		{ "To: \"\\\"Bob\\\" \\\\ <B>\" <sip:b@example.com>\n",
		  "\\\"Bob\\\" \\\\ <B>", true },
		{ "To: \"Z\xc3\xbcrich ;,\" <sip:z@example.com>\n", "Z\xc3\xbcrich ;,", true },
		{ "To: !%*_+`'~-. <sip:t@example.com>\n", "!%*_+`'~-.", false },
		{ "To: <sip:t@example.com>\n", NULL, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct sip_msg *m = msg_with(ok[i].hdr);
		const struct sip_addr *a;

		if (sip_msg_to(m, &a))
			fail_msg("rejected: %s", ok[i].hdr);
		assert_true(a->angle);
		if (ok[i].dname)
			pl_is(a->dname, ok[i].dname);
		else
			assert_false(sip_pl_isset(&a->dname));
		assert_int_equal(a->dname_quoted, ok[i].quoted);
		sip_msg_free(m);
	}
}

static void test_folded(void **state)
{
	struct sip_msg *m = msg_with(
		"To :\n sip:callee@example.com\n"
		"From: \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n"
		"  ;\n  tag = 98asjd8\n"
		"Contact: <sip:a@example.com>,\n <sip:b@example.com>\n");
	const struct sip_addr *a;

	(void)state;
	assert_int_equal(sip_msg_to(m, &a), 0);
	pl_is(a->uri_raw, "sip:callee@example.com");
	assert_int_equal(sip_msg_from(m, &a), 0);
	pl_is(a->dname, "J Rosenberg \\\\\\\"");
	pl_is(a->tag, "98asjd8");
	assert_int_equal(sip_msg_contact(m, &a), 0);
	assert_int_equal(count(a), 2);
	pl_is(a->next->uri.user, "b");
	sip_msg_free(m);
}

static void test_contact_list(void **state)
{
	struct sip_msg *m = msg_with(
		"Contact: <sip:a@example.com;transport=tcp>;q=0.7;expires=3600, "
		"\"Mr. Watson, Jr\" <mailto:watson@bell-telephone.com> ;q=0.1\n"
		"Route: <sip:p1.example.com;lr>\n"
		"m: sip:c@example.com;expires=60 , Bob <sip:d,e@example.com>\n"
		"CONTACT: <tel:+14085264000>\n");
	static const char *const uris[] = {
		"sip:a@example.com;transport=tcp", "mailto:watson@bell-telephone.com",
		"sip:c@example.com", "sip:d,e@example.com", "tel:+14085264000",
	};
	const struct sip_addr *a, *c;
	size_t i = 0;

	(void)state;
	assert_int_equal(sip_msg_contact(m, &a), 0);
	assert_int_equal(count(a), 5);
	for (c = a; c; c = c->next)
		pl_is(c->uri_raw, uris[i++]);
	assert_int_equal(a->next->uri.scheme, SIP_URI_OTHER);
	pl_is(a->next->dname, "Mr. Watson, Jr");
	assert_int_equal(a->next->next->next->next->uri.scheme, SIP_URI_TEL);
	pl_is(a->next->next->params, ";expires=60");
	sip_msg_free(m);
}

static void test_contact_params(void **state)
{
	struct sip_msg *m = msg_with(
		"Contact: <sip:a@example.com>;q=0.7;expires=3600\n"
		"Contact: <sip:b@example.com>;Q=1.000;EXPIRES=0\n"
		"Contact: <sip:c@example.com>;q=0;expires=4294967295\n"
		"Contact: <sip:d@example.com>;q=0.;x=1\n"
		"Contact: <sip:e@example.com>;q=0.05\n"
		"Contact: <sip:f@example.com>;q=1.\n");
	static const unsigned qs[] = { 700, 1000, 0, 0, 50, 1000 };
	const struct sip_addr *a;
	uint32_t secs = 99;
	unsigned q;
	size_t i = 0;

	(void)state;
	assert_int_equal(sip_msg_contact(m, &a), 0);
	assert_int_equal(sip_contact_expires(a, &secs), 0);
	assert_int_equal(secs, 3600);
	assert_int_equal(sip_contact_expires(a->next, &secs), 0);
	assert_int_equal(secs, 0);
	assert_int_equal(sip_contact_expires(a->next->next, &secs), 0);
	assert_int_equal(secs, 4294967295u);
	secs = 99;
	assert_int_equal(sip_contact_expires(a->next->next->next, &secs), ENOENT);
	assert_int_equal(secs, 99);
	for (; a; a = a->next, i++) {
		assert_int_equal(sip_contact_q(a, &q), 0);
		assert_int_equal(q, qs[i]);
	}
	sip_msg_free(m);
}

static void test_contact_params_bad(void **state)
{
	static const char *const bad[] = {
		"<sip:a@b>;q=1.5", "<sip:a@b>;q=2", "<sip:a@b>;q=0.1234",
		"<sip:a@b>;q=", "<sip:a@b>;q", "<sip:a@b>;q=\"0.5\"",
		"<sip:a@b>;q=.5", "<sip:a@b>;q=1.001", "<sip:a@b>;q=0,5",
		"<sip:a@b>;q=0.x", "<sip:a@b>;q=-0",
	};
	static const char *const bad_exp[] = {
		/* RFC 4475 scalar02 */
		"<sip:user@host129.example.com>;expires=280297596632815",
		"<sip:a@b>;expires=4294967296", "<sip:a@b>;expires=",
		"<sip:a@b>;expires", "<sip:a@b>;expires=\"60\"",
		"<sip:a@b>;expires=1x",
	};
	struct sip_addr a;
	uint32_t secs = 5;
	unsigned q = 5;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err;

		/* "q=" and "q=0,5" fail already as header syntax */
		if (sip_addr_decode(&a, sip_pl_str(bad[i]), true, NULL))
			continue;
		err = sip_contact_q(&a, &q);
		if (err != EBADMSG)
			fail_msg("q accepted (%d): %s", err, bad[i]);
		assert_int_equal(q, 5);
	}
	for (size_t i = 0; i < sizeof(bad_exp) / sizeof(bad_exp[0]); i++) {
		if (sip_addr_decode(&a, sip_pl_str(bad_exp[i]), true, NULL))
			continue;
		if (sip_contact_expires(&a, &secs) != EBADMSG)
			fail_msg("expires accepted: %s", bad_exp[i]);
		assert_int_equal(secs, 5);
	}
	assert_int_equal(sip_addr_decode(&a, SIP_PL("<sip:a@b>"), true, NULL), 0);
	assert_int_equal(sip_contact_q(&a, &q), ENOENT);
	assert_int_equal(sip_contact_expires(&a, &secs), ENOENT);
}

static void test_contact_star(void **state)
{
	struct sip_msg *m = msg_with("Contact:  * \nExpires: 0\n");
	const struct sip_addr *a;

	(void)state;
	assert_int_equal(sip_msg_contact(m, &a), 0);
	assert_true(a->star);
	assert_null(a->next);
	assert_false(sip_pl_isset(&a->uri_raw));
	sip_msg_free(m);
}

static void expect_bad(enum sip_hdr_id id, const char *hdrs, const char *reason)
{
	struct sip_msg *m = msg_with(hdrs);
	const struct sip_addr *a = (const void *)&a;
	int err = sip_msg_addr(m, id, &a);

	if (err != EBADMSG)
		fail_msg("accepted (%d): %s", err, hdrs);
	assert_ptr_equal(a, (const void *)&a);
	assert_non_null(m->err);
	assert_string_equal(m->err, reason);
	assert_int_equal(m->err_hdr, id);
	assert_int_equal(sip_msg_addr(m, id, &a), EBADMSG);
	sip_msg_free(m);
}

static void test_from_to_errors(void **state)
{
	static const char *const bad_to[] = {
		/* RFC 4475 quotbal */
		"To: \"Mr. J. User <sip:j.user@example.com>\n",
		/* RFC 4475 badaspec */
		"To: \"Watson, Thomas\" < sip:t.watson@example.org >\n",
		"To: <sip:t.watson@example.org >\n",
		"To: sip:t.watson @example.org\n",
		/* RFC 4475 baddn */
		"To: Watson, Thomas <sip:t.watson@example.org>\n",
		"To: Watson; Thomas <sip:t.watson@example.org>\n",
		"To: Bob \"Smith\" <sip:t@example.org>\n",
		"To: Bob@home <sip:t@example.org>\n",
		"To: \"Bob\" sip:bob@example.org\n",
		"To: \"Bob\"\n",
		"To: <sip:a@example.com>, <sip:b@example.com>\n",
		"To: <sip:a@example.com>\nTo: <sip:a@example.com>\n",
		"To:\n",
		"To: ,\n",
		"To: <sip:a@example.com\n",
		"To: <>\n",
		"To: <sip:a@example.com> garbage\n",
		"To: <sip:a@example.com>;\n",
		"To: <sip:a@example.com>;tag\n",
		"To: <sip:a@example.com>;tag=\n",
		"To: <sip:a@example.com>;tag=\"x\"\n",
		"To: <sip:a@example.com>;tag=a:b\n",
		"To: <not a uri>\n",
		"To: nota uri\n",
		"To: *\n",
		"To: <sip:a@example.com>>\n",
		"To: sip:a@example.com?subject=x\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad_to) / sizeof(bad_to[0]); i++)
		expect_bad(SIP_HDR_TO, bad_to[i], "Bad To header");
	expect_bad(SIP_HDR_FROM,
		   "From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43\n",
		   "Bad From header");
	expect_bad(SIP_HDR_FROM, "f: <sip:a@example.com>;tag=1\nFrom: <sip:a@example.com>;tag=1\n",
		   "Bad From header");
}

static void test_list_errors(void **state)
{
	(void)state;
	/* RFC 4475 regbadct: a URI with headers must be in <> */
	expect_bad(SIP_HDR_CONTACT,
		   "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\n",
		   "Bad Contact header");
	expect_bad(SIP_HDR_CONTACT, "Contact: *, <sip:a@example.com>\n", "Bad Contact header");
	expect_bad(SIP_HDR_CONTACT, "Contact: *\nContact: *\n", "Bad Contact header");
	expect_bad(SIP_HDR_CONTACT, "Contact: ,,\n", "Bad Contact header");
	expect_bad(SIP_HDR_CONTACT, "Contact: <sip:a@example.com>,\n", "Bad Contact header");
	expect_bad(SIP_HDR_CONTACT, "Contact: *;expires=0\n", "Bad Contact header");
	/* route-param = name-addr: the URI must be in <> */
	expect_bad(SIP_HDR_ROUTE, "Route: sip:p1.example.com;lr\n", "Bad Route header");
	expect_bad(SIP_HDR_RECORD_ROUTE, "Record-Route: <sip:p1.example.com;lr>, sip:p2.example.com\n",
		   "Bad Record-Route header");
	expect_bad(SIP_HDR_PATH, "Path: sip:p.example.com\n", "Bad Path header");
	expect_bad(SIP_HDR_SERVICE_ROUTE, "Service-Route: <sip:a@b\n",
		   "Bad Service-Route header");
	expect_bad(SIP_HDR_P_ASSERTED_IDENTITY, "P-Asserted-Identity: \"x <sip:a@b>\n",
		   "Bad P-Asserted-Identity header");
	expect_bad(SIP_HDR_P_PREFERRED_IDENTITY, "P-Preferred-Identity: a b\n",
		   "Bad P-Preferred-Identity header");
	expect_bad(SIP_HDR_REFER_TO, "Refer-To: <sip:a@b>, <sip:c@d>\n", "Bad Refer-To header");
	expect_bad(SIP_HDR_REFERRED_BY, "b: <sip:a@b>\nb: <sip:a@b>\n", "Bad Referred-By header");
	expect_bad(SIP_HDR_REPLY_TO, "Reply-To: Bob <sip:a@b\n", "Bad Reply-To header");
}

static void test_other_headers(void **state)
{
	struct sip_msg *m = msg_with(
		"Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;lr>\n"
		"Route: <sip:p3.example.com;lr>\nRoute: <sip:[2001:db8::1]:5070;lr>\n"
		"Path: <sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>\n"
		"Service-Route: <sip:orig@scscf.example.com;lr>\n"
		"P-Asserted-Identity: \"Cullen Jennings\" <sip:fluffy@cisco.com>, tel:+14085264000\n"
		"P-Preferred-Identity: <sip:alice@example.com>\n"
		"r: <sip:c@example.com?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>\n"
		"Referred-By: <sip:referrer@example.com>;cid=\"20398823.2UWQFN309shb3@example.com\"\n"
		"Reply-To: Bob <sip:bob@biloxi.com>\n");
	const struct sip_addr *a;

	(void)state;
	assert_int_equal(sip_msg_record_route(m, &a), 0);
	assert_int_equal(count(a), 2);
	pl_is(a->uri.host, "p2.example.com");
	assert_int_equal(sip_msg_route(m, &a), 0);
	assert_int_equal(count(a), 2);
	assert_int_equal(a->next->uri.host_type, SIP_HOST_IPV6);
	assert_int_equal(sip_msg_path(m, &a), 0);
	assert_int_equal(count(a), 2);
	assert_int_equal(sip_msg_service_route(m, &a), 0);
	assert_int_equal(count(a), 1);
	assert_int_equal(sip_msg_pai(m, &a), 0);
	assert_int_equal(count(a), 2);
	assert_int_equal(a->next->uri.scheme, SIP_URI_TEL);
	assert_int_equal(sip_msg_ppi(m, &a), 0);
	assert_int_equal(sip_msg_refer_to(m, &a), 0);
	assert_true(sip_pl_isset(&a->uri.headers));
	assert_int_equal(sip_msg_referred_by(m, &a), 0);
	pl_is(a->params, ";cid=\"20398823.2UWQFN309shb3@example.com\"");
	assert_int_equal(sip_msg_reply_to(m, &a), 0);
	pl_is(a->dname, "Bob");
	assert_null(m->err);
	assert_int_equal(sip_msg_addr(m, SIP_HDR_VIA, &a), EINVAL);
	assert_int_equal(sip_msg_addr(m, SIP_HDR_OTHER, &a), EINVAL);
	assert_int_equal(sip_msg_addr(m, SIP_HDR__COUNT, &a), EINVAL);
	assert_int_equal(sip_msg_from(m, &a), ENOENT);
	assert_int_equal(sip_msg_contact(m, &a), ENOENT);
	sip_msg_free(m);
}

static void expect_why(const char *text, bool star, const char *why)
{
	struct sip_addr a;
	const char *w = NULL;

	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(sip_addr_decode(&a, sip_pl_str(text), star, &w), EBADMSG);
	assert_non_null(w);
	assert_string_equal(w, why);
	assert_int_equal(((unsigned char *)&a)[0], 0x5a);
}

static void test_decode_direct(void **state)
{
	struct sip_addr a;

	(void)state;
	assert_int_equal(sip_addr_decode(&a, SIP_PL("  *  "), true, NULL), 0);
	assert_true(a.star);
	assert_int_equal(sip_addr_decode(&a, SIP_PL("A <sip:a@b>;tag=x"), false, NULL), 0);
	pl_is(a.raw, "A <sip:a@b>;tag=x");
	assert_null(a.next);
	expect_why("*", false, "invalid URI");
	expect_why("\"open <sip:a@b>", false, "unterminated quoted string");
	expect_why("\"x\" sip:a@b", false, "display name without <URI>");
	expect_why("a,b <sip:a@b>", false, "invalid display name");
	expect_why("<sip:a@b", false, "missing '>'");
	expect_why("< sip:a@b>", false, "invalid character in addr-spec");
	expect_why("<sip:a@b>;=", false, "invalid parameter");
	expect_why("<sip:a@b>;tag", false, "invalid tag");
	expect_why("sip:a@b?x=y", false, "URI with '?' outside <>");
	expect_why("", false, "empty value");
	expect_why("<foo>", false, "invalid URI");
}

/* Display names equal once folds (CRLF) are dropped. */
static void dname_eq(struct sip_pl a, struct sip_pl b)
{
	char x[256], y[256];
	size_t n = 0;

	for (size_t i = 0; i < a.len && n < sizeof(x) - 1; i++)
		if (a.p[i] != '\r' && a.p[i] != '\n')
			x[n++] = a.p[i];
	x[n] = '\0';
	sip_pl_strcpy(b, y, sizeof(y));
	assert_string_equal(x, y);
}

static void expect_same(const struct sip_addr *a, const struct sip_addr *b)
{
	assert_int_equal(a->star, b->star);
	assert_int_equal(sip_pl_isset(&a->dname), sip_pl_isset(&b->dname));
	dname_eq(a->dname, b->dname);
	assert_int_equal(a->dname_quoted, b->dname_quoted);
	assert_int_equal(a->uri.scheme, b->uri.scheme);
	if (!a->star)
		assert_true(sip_uri_eq(&a->uri, &b->uri));
	assert_true(sip_pl_eq(a->tag, b->tag));
	assert_int_equal(sip_pl_isset(&a->tag), sip_pl_isset(&b->tag));
}

static void test_print_roundtrip(void **state)
{
	struct sip_msg *m = msg_with(
		"Contact: \"Bob \\\"B\\\"\" <sip:bob@biloxi.com;transport=tcp>;q=0.5 ; expires = 60\n"
		"Contact: sip:carol@chicago.com;tag=123\n"
		"Contact: Anonymous\n  Smith <sips:a@[2001:db8::1]:5061>;+sip.instance=\"<urn:uuid:1>\";reg-id=1\n"
		"Contact: <tel:+1-201-555-0123;ext=1>\n"
		"Contact: <mailto:watson@bell-telephone.com>\n"
		"Contact: caller<sip:caller@example.com?Subject=hi>;tag=323\n"
		"Contact: sip:d@example.com;x=\"<a>\"\n");
	static const char *const want[] = {
		"\"Bob \\\"B\\\"\" <sip:bob@biloxi.com;transport=tcp>;q=0.5;expires=60",
		"<sip:carol@chicago.com>;tag=123",
		"Anonymous  Smith <sips:a@[2001:db8::1]:5061>;+sip.instance=\"<urn:uuid:1>\";reg-id=1",
		"<tel:+1-201-555-0123;ext=1>",
		"<mailto:watson@bell-telephone.com>",
		"caller <sip:caller@example.com?Subject=hi>;tag=323",
		"<sip:d@example.com>;x=\"<a>\"",
	};
	const struct sip_addr *a;
	size_t i = 0;

	(void)state;
	assert_int_equal(sip_msg_contact(m, &a), 0);
	for (; a; a = a->next, i++) {
		struct sip_buf b;
		struct sip_addr a2;

		sip_buf_init(&b);
		sip_addr_print(&b, a);
		assert_int_equal(sip_buf_err(&b), 0);
		assert_string_equal(b.p, want[i]);
		assert_int_equal(sip_addr_decode(&a2, sip_buf_pl_get(&b), true, NULL), 0);
		expect_same(a, &a2);
		sip_buf_reset(&b);
	}
	assert_int_equal(i, 7);
	sip_msg_free(m);
}

static void test_print_star(void **state)
{
	struct sip_addr a;
	struct sip_buf b;

	(void)state;
	assert_int_equal(sip_addr_decode(&a, SIP_PL("*"), true, NULL), 0);
	sip_buf_init(&b);
	sip_addr_print(&b, &a);
	assert_string_equal(b.p, "*");
	sip_buf_reset(&b);
}

/* ENOMEM is not cached: the next call parses again. */
static void test_oom_not_cached(void **state)
{
	struct sip_msg *m = msg_with("From: <sip:a@example.com>;tag=1\n");
	const struct sip_addr *a = NULL;

	(void)state;
	sip_mem_fail_after(0);
	while (sip_arena_alloc(sip_msg_arena(m), 1))
		;
	assert_int_equal(sip_msg_from(m, &a), ENOMEM);
	assert_null(a);
	assert_null(m->err);
	sip_mem_fail_after(-1);
	assert_int_equal(sip_msg_from(m, &a), 0);
	pl_is(a->tag, "1");
	sip_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_name_addr),
		cmocka_unit_test(test_addr_spec),
		cmocka_unit_test(test_display_names),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_contact_list),
		cmocka_unit_test(test_contact_params),
		cmocka_unit_test(test_contact_params_bad),
		cmocka_unit_test(test_contact_star),
		cmocka_unit_test(test_from_to_errors),
		cmocka_unit_test(test_list_errors),
		cmocka_unit_test(test_other_headers),
		cmocka_unit_test(test_decode_direct),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_print_star),
		cmocka_unit_test(test_oom_not_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
