/*
 * authhdr_test.c - WWW-Authenticate / Proxy-Authenticate challenges and
 * Authorization / Proxy-Authorization credentials: Digest fields (RFC 3261,
 * RFC 7616), other schemes, lists across lines, folds, every error, the
 * auth-param iterator and print round trips.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/authhdr.h"
#include "sip/buf.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "testutil.h"

static struct sip_msg *decode_hdrs(const char *hdrs)
{
	return tu_msgf(
		 "SIP/2.0 401 Unauthorized\n"
		 "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\n"
		 "CSeq: 1 REGISTER\n"
		 "%s"
		 "Content-Length: 0\n\n", hdrs);
}

static void test_challenges(void **state)
{
	struct sip_msg *m = decode_hdrs(
		"WWW-Authenticate: Digest realm=\"atlanta.example.com\",\n"
		"   qop=\"auth, auth-int\", nonce=\"84a4cc6f3082121f32b42a2187831a9e\",\n"
		"   opaque=\"\", stale=FALSE, algorithm=MD5, domain=\"sip:a.example.com sip:b.example.com\"\n"
		"WWW-Authenticate: DIGEST realm=\"atlanta.example.com\", nonce=\"n2\",\n"
		"   algorithm=SHA-256, qop=\"auth\", stale=true, userhash=true, charset=UTF-8,\n"
		"   ext=\"x\\\"y\", ext2=tok\n");
	const struct sip_challenge *c, *again;

	(void)state;
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &c), 0);
	assert_true(c->digest);
	assert_true(sip_pl_eqs(c->scheme, "Digest"));
	assert_true(sip_pl_eqs(c->realm, "atlanta.example.com"));
	assert_true(sip_pl_eqs(c->nonce, "84a4cc6f3082121f32b42a2187831a9e"));
	assert_true(sip_pl_isset(&c->opaque));
	assert_int_equal(c->opaque.len, 0);
	assert_false(c->stale);
	assert_int_equal(c->algo, SIP_AUTH_ALGO_MD5);
	assert_true(sip_pl_eqs(c->algorithm, "MD5"));
	assert_int_equal(c->qop_mask, SIP_QOP_AUTH | SIP_QOP_AUTH_INT);
	assert_true(sip_pl_eqs(c->qop, "auth, auth-int"));
	assert_true(sip_pl_eqs(c->domain, "sip:a.example.com sip:b.example.com"));
	assert_false(sip_pl_isset(&c->charset));
	assert_false(c->userhash);
	c = c->next;
	assert_non_null(c);
	assert_true(c->digest);
	assert_true(sip_pl_eqs(c->scheme, "DIGEST"));
	assert_true(sip_pl_eqs(c->nonce, "n2"));
	assert_int_equal(c->algo, SIP_AUTH_ALGO_SHA256);
	assert_int_equal(c->qop_mask, SIP_QOP_AUTH);
	assert_true(c->stale);
	assert_true(c->userhash);
	assert_true(sip_pl_eqs(c->charset, "UTF-8"));
	assert_false(sip_pl_isset(&c->opaque));
	assert_false(sip_pl_isset(&c->domain));
	assert_null(c->next);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &again), 0);
	assert_ptr_equal(again->next, c);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_PROXY_AUTHENTICATE, &c), ENOENT);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_AUTHORIZATION, &c), EINVAL);
	assert_int_equal(sip_msg_credentials(m, SIP_HDR_WWW_AUTHENTICATE, NULL), EINVAL);
	assert_null(m->err);
	sip_msg_free(m);
}

static void test_proxy_challenge_and_other_schemes(void **state)
{
	struct sip_msg *m = decode_hdrs(
		"Proxy-Authenticate: Digest realm=biloxi, nonce=abc, algorithm=\"SHA-512-256-sess\", qop=auth-int\n"
		"Proxy-Authenticate: Bearer realm=\"x\", scope=\"y\"\n"
		"Proxy-Authenticate: Negotiate\n");
	const struct sip_challenge *c;

	(void)state;
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_PROXY_AUTHENTICATE, &c), 0);
	/* tokens where quoted strings are expected, and the reverse */
	assert_true(sip_pl_eqs(c->realm, "biloxi"));
	assert_true(sip_pl_eqs(c->nonce, "abc"));
	assert_int_equal(c->algo, SIP_AUTH_ALGO_SHA512_256_SESS);
	assert_int_equal(c->qop_mask, SIP_QOP_AUTH_INT);
	c = c->next;
	assert_false(c->digest);
	assert_true(sip_pl_eqs(c->scheme, "Bearer"));
	assert_true(sip_pl_eqs(c->params, "realm=\"x\", scope=\"y\""));
	assert_false(sip_pl_isset(&c->realm));
	c = c->next;
	assert_false(c->digest);
	assert_true(sip_pl_eqs(c->scheme, "Negotiate"));
	assert_int_equal(c->params.len, 0);
	assert_null(c->next);
	sip_msg_free(m);
}

static void test_credentials(void **state)
{
	struct sip_msg *m = decode_hdrs(
		"Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\",\n"
		" nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:bob@biloxi.example.com\",\n"
		" qop=auth, nc=0000001a, cnonce=\"0a4f113b\",\n"
		" response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\n"
		"Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n"
		"Proxy-Authorization: Digest username*=UTF-8''J%C3%A4s%C3%B8n, realm=\"a\",\n"
		" nonce=\"n\", uri=\"sip:x\", response=\"ab\", algorithm=SHA-256, userhash=false,\n"
		" qop=\"auth-int\", nc=FFFFFFFF, cnonce=\"c\"\n"
		"Proxy-Authorization: digest username=\"u2\", realm=\"b\", nonce=\"n\", uri=\"sip:x\",\n"
		" response=\"cd\", algorithm=SHA-999, x-ext=\"v\"\n");
	const struct sip_credentials *cr, *pa;

	(void)state;
	assert_int_equal(sip_msg_credentials(m, SIP_HDR_AUTHORIZATION, &cr), 0);
	assert_true(cr->digest);
	assert_true(sip_pl_eqs(cr->username, "bob"));
	assert_false(cr->username_ext);
	assert_true(sip_pl_eqs(cr->realm, "biloxi.example.com"));
	assert_true(sip_pl_eqs(cr->nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093"));
	assert_true(sip_pl_eqs(cr->uri, "sip:bob@biloxi.example.com"));
	assert_true(sip_pl_eqs(cr->response, "6629fae49393a05397450978507c4ef1"));
	assert_true(sip_pl_eqs(cr->opaque, "5ccc069c403ebaf9f0171e9517f40e41"));
	assert_true(sip_pl_eqs(cr->cnonce, "0a4f113b"));
	assert_true(sip_pl_eqs(cr->qop, "auth"));
	assert_int_equal(cr->qop_val, SIP_QOP_AUTH);
	assert_true(cr->has_nc);
	assert_int_equal(cr->nc, 0x1a);
	assert_int_equal(cr->algo, SIP_AUTH_ALGO_NONE);
	assert_false(sip_pl_isset(&cr->algorithm));
	assert_false(cr->userhash);
	cr = cr->next;
	assert_false(cr->digest);
	assert_true(sip_pl_eqs(cr->scheme, "Basic"));
	assert_true(sip_pl_eqs(cr->params, "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
	assert_null(cr->next);

	assert_int_equal(sip_msg_credentials(m, SIP_HDR_PROXY_AUTHORIZATION, &pa), 0);
	assert_true(pa->username_ext);
	assert_true(sip_pl_eqs(pa->username, "UTF-8''J%C3%A4s%C3%B8n"));
	assert_int_equal(pa->algo, SIP_AUTH_ALGO_SHA256);
	assert_int_equal(pa->qop_val, SIP_QOP_AUTH_INT);
	assert_int_equal(pa->nc, 0xffffffffu);
	assert_false(pa->userhash);
	assert_true(pa->next->digest);
	assert_int_equal(pa->next->algo, SIP_AUTH_ALGO_OTHER);
	assert_true(sip_pl_eqs(pa->next->algorithm, "SHA-999"));
	assert_false(pa->next->has_nc);
	assert_int_equal(pa->next->qop_val, 0);

	/* realm lookup: byte-exact, Digest only */
	assert_ptr_equal(sip_credentials_find(pa, SIP_PL("b")), pa->next);
	assert_ptr_equal(sip_credentials_find(pa, SIP_PL("a")), pa);
	assert_null(sip_credentials_find(pa, SIP_PL("B")));
	assert_null(sip_credentials_find(NULL, SIP_PL("a")));
	assert_null(m->err);
	sip_msg_free(m);

	/* an unknown scheme (as in the RFC 4475 torture messages) is kept */
	m = decode_hdrs("Authorization: NoOneKnowsThisScheme opaque-data=here\n");
	assert_int_equal(sip_msg_credentials(m, SIP_HDR_AUTHORIZATION, &cr), 0);
	assert_false(cr->digest);
	assert_true(sip_pl_eqs(cr->scheme, "NoOneKnowsThisScheme"));
	assert_true(sip_pl_eqs(cr->params, "opaque-data=here"));
	assert_null(sip_credentials_find(cr, SIP_PL("")));
	sip_msg_free(m);
}

struct bad_case {
	const char *hdr;
	enum sip_hdr_id id;
	const char *err;
};

#define CRED_OK "username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"d\""

static int get(struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_challenge *c = (const void *)&c;
	const struct sip_credentials *cr = (const void *)&cr;
	int err;

	if (id == SIP_HDR_WWW_AUTHENTICATE || id == SIP_HDR_PROXY_AUTHENTICATE) {
		err = sip_msg_challenges(m, id, &c);
		if (err)
			assert_ptr_equal(c, (const void *)&c);
		return err;
	}
	err = sip_msg_credentials(m, id, &cr);
	if (err)
		assert_ptr_equal(cr, (const void *)&cr);
	return err;
}

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "WWW-Authenticate: Digest nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", stale=maybe\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", userhash=1\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth,,auth-int\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\", realm=\"s\", nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r, nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\",\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\",, nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm, nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=\"r\" x, nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest realm=, nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: Digest,realm=\"r\", nonce=\"n\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		{ "WWW-Authenticate: \"Digest\" realm=\"r\"\n",
		  SIP_HDR_WWW_AUTHENTICATE, "Bad WWW-Authenticate header" },
		/* one bad line spoils the header */
		{ "Proxy-Authenticate: Digest realm=\"r\", nonce=\"n\"\n"
		  "Proxy-Authenticate: Digest realm=\"r\"\n",
		  SIP_HDR_PROXY_AUTHENTICATE, "Bad Proxy-Authenticate header" },
		{ "Authorization: Digest realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"d\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest username=\"u\", nonce=\"n\", uri=\"sip:x\", response=\"d\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest username=\"u\", realm=\"r\", uri=\"sip:x\", response=\"d\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", response=\"d\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", qop=auth, nc=00000001\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", qop=auth, cnonce=\"c\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", qop=auth, cnonce=\"c\", nc=0000001\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", qop=auth, cnonce=\"c\", nc=000000001\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", qop=auth, cnonce=\"c\", nc=0000000g\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", qop=\"auth auth-int\", cnonce=\"c\", nc=00000001\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", username*=UTF-8''x\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest username*=\"UTF-8''x\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"d\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", userhash=yes\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Authorization: Digest " CRED_OK ", response=\"e\"\n",
		  SIP_HDR_AUTHORIZATION, "Bad Authorization header" },
		{ "Proxy-Authorization: Digest " CRED_OK ", cnonce=\"c\n",
		  SIP_HDR_PROXY_AUTHORIZATION, "Bad Proxy-Authorization header" },
		{ "Proxy-Authorization: ,\n",
		  SIP_HDR_PROXY_AUTHORIZATION, "Bad Proxy-Authorization header" },
		{ "Proxy-Authorization:\n",
		  SIP_HDR_PROXY_AUTHORIZATION, "Bad Proxy-Authorization header" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_msg *m = decode_hdrs(cases[i].hdr);

		assert_null(m->err);
		assert_int_equal(get(m, cases[i].id), EBADMSG);
		assert_non_null(m->err);
		assert_string_equal(m->err, cases[i].err);
		assert_int_equal(m->err_hdr, cases[i].id);
		assert_int_equal(get(m, cases[i].id), EBADMSG);
		sip_msg_free(m);
	}
}

static void test_param_iterator(void **state)
{
	struct sip_pl c = SIP_PL("a=1, b = \"x,y\" ,c=\"\"");
	struct sip_auth_param p;

	(void)state;
	assert_int_equal(sip_auth_param_next(&c, &p), 0);
	assert_true(sip_pl_eqs(p.name, "a"));
	assert_true(sip_pl_eqs(p.value, "1"));
	assert_false(p.quoted);
	assert_int_equal(sip_auth_param_next(&c, &p), 0);
	assert_true(sip_pl_eqs(p.name, "b"));
	assert_true(sip_pl_eqs(p.value, "x,y"));
	assert_true(p.quoted);
	assert_int_equal(sip_auth_param_next(&c, &p), 0);
	assert_true(sip_pl_eqs(p.name, "c"));
	assert_int_equal(p.value.len, 0);
	assert_true(p.quoted);
	assert_int_equal(sip_auth_param_next(&c, &p), ENOENT);
	assert_int_equal(sip_auth_param_next(&c, &p), ENOENT);

	c = SIP_PL("");
	assert_int_equal(sip_auth_param_next(&c, &p), ENOENT);
	c = SIP_PL("a=1,");
	assert_int_equal(sip_auth_param_next(&c, &p), EBADMSG);
	c = SIP_PL("a");
	assert_int_equal(sip_auth_param_next(&c, &p), EBADMSG);
}

static void test_algos(void **state)
{
	(void)state;
	assert_int_equal(sip_auth_algo_lookup(SIP_PL("md5")), SIP_AUTH_ALGO_MD5);
	assert_int_equal(sip_auth_algo_lookup(SIP_PL("MD5-sess")), SIP_AUTH_ALGO_MD5_SESS);
	assert_int_equal(sip_auth_algo_lookup(SIP_PL("sha-256")), SIP_AUTH_ALGO_SHA256);
	assert_int_equal(sip_auth_algo_lookup(SIP_PL("SHA-256-sess")), SIP_AUTH_ALGO_SHA256_SESS);
	assert_int_equal(sip_auth_algo_lookup(SIP_PL("SHA-512-256")), SIP_AUTH_ALGO_SHA512_256);
	assert_int_equal(sip_auth_algo_lookup(SIP_PL("SHA-512-256-sess")),
			 SIP_AUTH_ALGO_SHA512_256_SESS);
	assert_int_equal(sip_auth_algo_lookup(SIP_PL("SHA-1")), SIP_AUTH_ALGO_OTHER);
	assert_string_equal(sip_auth_algo_name(SIP_AUTH_ALGO_SHA256), "SHA-256");
	assert_null(sip_auth_algo_name(SIP_AUTH_ALGO_NONE));
	assert_null(sip_auth_algo_name(SIP_AUTH_ALGO_OTHER));
}

static void check_same_challenge(const struct sip_challenge *a,
				 const struct sip_challenge *b)
{
	assert_int_equal(a->digest, b->digest);
	assert_true(sip_pl_casecmp(a->scheme, b->scheme));
	if (!a->digest) {
		assert_true(sip_pl_eq(a->params, b->params));
		return;
	}
	assert_true(sip_pl_eq(a->realm, b->realm));
	assert_true(sip_pl_eq(a->nonce, b->nonce));
	assert_true(sip_pl_eq(a->domain, b->domain));
	assert_int_equal(sip_pl_isset(&a->opaque), sip_pl_isset(&b->opaque));
	assert_true(sip_pl_eq(a->opaque, b->opaque));
	assert_int_equal(a->algo, b->algo);
	assert_true(sip_pl_eq(a->algorithm, b->algorithm));
	assert_int_equal(a->qop_mask, b->qop_mask);
	assert_int_equal(a->stale, b->stale);
	assert_int_equal(a->userhash, b->userhash);
	assert_true(sip_pl_eq(a->charset, b->charset));
}

static void check_same_cred(const struct sip_credentials *a,
			    const struct sip_credentials *b)
{
	assert_int_equal(a->digest, b->digest);
	if (!a->digest) {
		assert_true(sip_pl_eq(a->params, b->params));
		return;
	}
	assert_true(sip_pl_eq(a->username, b->username));
	assert_int_equal(a->username_ext, b->username_ext);
	assert_true(sip_pl_eq(a->realm, b->realm));
	assert_true(sip_pl_eq(a->nonce, b->nonce));
	assert_true(sip_pl_eq(a->uri, b->uri));
	assert_true(sip_pl_eq(a->response, b->response));
	assert_int_equal(a->algo, b->algo);
	assert_true(sip_pl_eq(a->cnonce, b->cnonce));
	assert_true(sip_pl_eq(a->opaque, b->opaque));
	assert_int_equal(a->qop_val, b->qop_val);
	assert_int_equal(a->has_nc, b->has_nc);
	assert_int_equal(a->nc, b->nc);
	assert_int_equal(a->userhash, b->userhash);
}

static void test_print(void **state)
{
	struct sip_msg *m = decode_hdrs(
		"WWW-Authenticate: digest nonce=\"n\\\"q\",\n"
		"  realm=r, qop=\"auth\", algorithm=\"MD5-sess\", stale=true, x=y, z=\"a b\"\n"
		"WWW-Authenticate: Bearer realm=\"x\"\n"
		"Authorization: Digest username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"sip:a@b\",\n"
		" response=\"00ff\", qop=auth, nc=000000ab, cnonce=\"cc\", userhash=true, x=1\n"
		"Authorization: Digest username*=UTF-8''a%20b, realm=\"r2\", nonce=\"n\",\n"
		" uri=\"sip:a@b\", response=\"1\"\n");
	const struct sip_challenge *c;
	const struct sip_credentials *cr;
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &c), 0);
	sip_challenge_print(&b, c);
	assert_string_equal(b.p, "Digest realm=\"r\", nonce=\"n\\\"q\", stale=true, "
			    "algorithm=MD5-sess, qop=\"auth\", x=y, z=\"a b\"");
	for (; c; c = c->next) {
		struct sip_challenge c2;

		sip_buf_reset(&b);
		sip_challenge_print(&b, c);
		assert_int_equal(sip_buf_err(&b), 0);
		assert_int_equal(sip_challenge_decode(&c2, sip_buf_pl_get(&b)), 0);
		check_same_challenge(c, &c2);
	}
	sip_buf_reset(&b);
	assert_int_equal(sip_msg_credentials(m, SIP_HDR_AUTHORIZATION, &cr), 0);
	sip_credentials_print(&b, cr);
	assert_string_equal(b.p, "Digest username=\"bob\", realm=\"r\", nonce=\"n\", "
			    "uri=\"sip:a@b\", response=\"00ff\", cnonce=\"cc\", qop=auth, "
			    "nc=000000ab, userhash=true, x=1");
	for (; cr; cr = cr->next) {
		struct sip_credentials c2;

		sip_buf_reset(&b);
		sip_credentials_print(&b, cr);
		assert_int_equal(sip_credentials_decode(&c2, sip_buf_pl_get(&b)), 0);
		check_same_cred(cr, &c2);
	}
	sip_buf_reset(&b);
	sip_msg_free(m);
}

/* Values built by hand print as the grammar wants them. */
static void test_print_built(void **state)
{
	struct sip_challenge c = { 0 }, c2;
	struct sip_credentials cr = { 0 }, cr2;
	struct sip_buf b;

	(void)state;
	c.digest = true;
	c.realm = SIP_PL("example.com");
	c.nonce = SIP_PL("abc");
	c.algo = SIP_AUTH_ALGO_SHA256;
	c.qop_mask = SIP_QOP_AUTH | SIP_QOP_AUTH_INT;
	sip_buf_init(&b);
	sip_challenge_print(&b, &c);
	assert_string_equal(b.p, "Digest realm=\"example.com\", nonce=\"abc\", "
			    "algorithm=SHA-256, qop=\"auth,auth-int\"");
	assert_int_equal(sip_challenge_decode(&c2, sip_buf_pl_get(&b)), 0);
	assert_int_equal(c2.algo, SIP_AUTH_ALGO_SHA256);
	assert_int_equal(c2.qop_mask, SIP_QOP_AUTH | SIP_QOP_AUTH_INT);
	sip_buf_reset(&b);

	cr.digest = true;
	cr.username = SIP_PL("alice");
	cr.realm = SIP_PL("example.com");
	cr.nonce = SIP_PL("abc");
	cr.uri = SIP_PL("sip:example.com");
	cr.response = SIP_PL("0123");
	cr.cnonce = SIP_PL("x");
	cr.qop_val = SIP_QOP_AUTH;
	cr.has_nc = true;
	cr.nc = 1;
	sip_credentials_print(&b, &cr);
	assert_string_equal(b.p, "Digest username=\"alice\", realm=\"example.com\", "
			    "nonce=\"abc\", uri=\"sip:example.com\", response=\"0123\", "
			    "cnonce=\"x\", qop=auth, nc=00000001");
	assert_int_equal(sip_credentials_decode(&cr2, sip_buf_pl_get(&b)), 0);
	assert_int_equal(cr2.nc, 1);
	assert_int_equal(cr2.qop_val, SIP_QOP_AUTH);
	sip_buf_reset(&b);
}

static void test_oom(void **state)
{
	long n;
	struct sip_msg *m;
	const struct sip_credentials *cr;
	char hdrs[12288];
	size_t off = 0;
	int err = ENOMEM;

	(void)state;
	for (int i = 0; i < 100; i++)
		off += (size_t)snprintf(hdrs + off, sizeof(hdrs) - off,
					"Authorization: Digest " CRED_OK "\n");
	m = decode_hdrs(hdrs);
	for (n = 0; err == ENOMEM; n++) {
		sip_mem_fail_after(n);
		err = sip_msg_credentials(m, SIP_HDR_AUTHORIZATION, &cr);
		sip_mem_fail_after(-1);
	}
	assert_true(n > 1);   /* at least one allocation failed */
	assert_int_equal(err, 0);
	assert_true(sip_pl_eqs(cr->username, "u"));
	sip_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenges),
		cmocka_unit_test(test_proxy_challenge_and_other_schemes),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_param_iterator),
		cmocka_unit_test(test_algos),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_built),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
