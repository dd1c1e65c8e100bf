/*
 * digest_test.c - the Digest hash functions against published examples:
 * RFC 7616 §3.9.1 (SHA-256 and MD5), RFC 2617 §3.5 (MD5, qop=auth),
 * RFC 2069 (no qop), a FIPS 180-4 SHA-512/256 vector; -sess, auth-int and
 * SHA-512-256 responses against values computed independently (Python's
 * hashlib); error cases; the credentials printer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "sip/auth.h"
#include "sip/authhdr.h"
#include "sip/buf.h"

/* RFC 7616 §3.9.1 (password with a lower-case "of", erratum 4495) */
#define U7616 "Mufasa"
#define R7616 "http-auth@example.org"
#define P7616 "Circle of Life"
#define N7616 "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define C7616 "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static void response_of(enum sip_auth_algo algo, const char *user, const char *realm,
			const char *pw, const struct sip_auth_digest *tmpl,
			char out[SIP_AUTH_HEX_SIZE])
{
	char ha1[SIP_AUTH_HEX_SIZE];
	struct sip_auth_digest d = *tmpl;

	assert_int_equal(sip_auth_ha1(algo, sip_pl_str(user), sip_pl_str(realm),
				      sip_pl_str(pw), ha1), 0);
	d.algo = algo;
	d.ha1 = sip_pl_str(ha1);
	assert_int_equal(sip_auth_digest_response(&d, out), 0);
	/* the same with the digest fetched by the caller (as a server does) */
	{
		enum sip_auth_algo b = sip_auth_algo_base(algo);
		EVP_MD *md = EVP_MD_fetch(NULL, b == SIP_AUTH_ALGO_SHA256 ? "SHA2-256" :
					  b == SIP_AUTH_ALGO_SHA512_256 ? "SHA2-512/256" :
					  "MD5", NULL);
		char again[SIP_AUTH_HEX_SIZE];

		assert_non_null(md);
		d.md = md;
		assert_int_equal(sip_auth_digest_response(&d, again), 0);
		assert_string_equal(again, out);
		EVP_MD_free(md);
	}
}

static const struct sip_auth_digest rfc7616 = {
	.nonce = SIP_PL(N7616), .nc = SIP_PL("00000001"), .cnonce = SIP_PL(C7616),
	.qop = SIP_QOP_AUTH, .method = SIP_PL("GET"), .uri = SIP_PL("/dir/index.html"),
};

static void test_rfc7616_sha256(void **state)
{
	char out[SIP_AUTH_HEX_SIZE];

	(void)state;
	response_of(SIP_AUTH_ALGO_SHA256, U7616, R7616, P7616, &rfc7616, out);
	assert_string_equal(out,
		"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

static void test_rfc7616_md5(void **state)
{
	char out[SIP_AUTH_HEX_SIZE];

	(void)state;
	response_of(SIP_AUTH_ALGO_MD5, U7616, R7616, P7616, &rfc7616, out);
	assert_string_equal(out, "8ca523f5e9506fed4657c9700eebdbec");
	/* no algorithm parameter means MD5 (RFC 3261 §22.4) */
	response_of(SIP_AUTH_ALGO_NONE, U7616, R7616, P7616, &rfc7616, out);
	assert_string_equal(out, "8ca523f5e9506fed4657c9700eebdbec");
}

static void test_rfc2617(void **state)
{
	static const struct sip_auth_digest d = {
		.nonce = SIP_PL("dcd98b7102dd2f0e8b11d0f600bfb0c093"),
		.nc = SIP_PL("00000001"), .cnonce = SIP_PL("0a4f113b"),
		.qop = SIP_QOP_AUTH, .method = SIP_PL("GET"),
		.uri = SIP_PL("/dir/index.html"),
	};
	char ha1[SIP_AUTH_HEX_SIZE], out[SIP_AUTH_HEX_SIZE];

	(void)state;
	assert_int_equal(sip_auth_ha1(SIP_AUTH_ALGO_MD5, SIP_PL("Mufasa"),
				      SIP_PL("testrealm@host.com"),
				      SIP_PL("Circle Of Life"), ha1), 0);
	assert_string_equal(ha1, "939e7578ed9e3c518a452acee763bce9");
	response_of(SIP_AUTH_ALGO_MD5, "Mufasa", "testrealm@host.com", "Circle Of Life",
		    &d, out);
	assert_string_equal(out, "6629fae49393a05397450978507c4ef1");
}

static void test_rfc2069_no_qop(void **state)
{
	static const struct sip_auth_digest d = {
		.nonce = SIP_PL("dcd98b7102dd2f0e8b11d0f600bfb0c093"),
		.method = SIP_PL("GET"), .uri = SIP_PL("/dir/index.html"),
	};
	char out[SIP_AUTH_HEX_SIZE];

	(void)state;
	response_of(SIP_AUTH_ALGO_MD5, "Mufasa", "testrealm@host.com", "CircleOfLife",
		    &d, out);
	assert_string_equal(out, "1949323746fe6a43ef61f9606e7febea");
}

static void test_sess_int_sha512(void **state)
{
	struct sip_auth_digest d = rfc7616;
	char out[SIP_AUTH_HEX_SIZE];

	(void)state;
	response_of(SIP_AUTH_ALGO_SHA256_SESS, U7616, R7616, P7616, &d, out);
	assert_string_equal(out,
		"2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7");
	response_of(SIP_AUTH_ALGO_SHA512_256, U7616, R7616, P7616, &d, out);
	assert_string_equal(out,
		"430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0");
	d.qop = SIP_QOP_AUTH_INT;
	d.nc = SIP_PL("00000002");
	d.method = SIP_PL("POST");
	d.body = SIP_PL("hello");
	response_of(SIP_AUTH_ALGO_MD5, U7616, R7616, P7616, &d, out);
	assert_string_equal(out, "2ead7d34ddf3b4f0a376c493fd5e7ba8");
}

static void test_hash(void **state)
{
	const struct sip_pl ab[] = { SIP_PL("a"), SIP_PL("b") };
	const struct sip_pl abc = SIP_PL("abc");
	char out[SIP_AUTH_HEX_SIZE];

	(void)state;
	assert_int_equal(sip_auth_hash(SIP_AUTH_ALGO_MD5, NULL, 0, out), 0);
	assert_string_equal(out, "d41d8cd98f00b204e9800998ecf8427e");
	assert_int_equal(sip_auth_hash(SIP_AUTH_ALGO_SHA256, ab, 2, out), 0);
	assert_string_equal(out,
		"6783a31eabf68ccc0660f935c0826282bdd2241f3a80a9f2d10d59aea9ebb5d8");
	/* FIPS 180-4 example: SHA-512/256("abc") */
	assert_int_equal(sip_auth_hash(SIP_AUTH_ALGO_SHA512_256, &abc, 1, out), 0);
	assert_string_equal(out,
		"53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
	assert_int_equal(sip_auth_hash(SIP_AUTH_ALGO_OTHER, &abc, 1, out), ENOTSUP);
}

static void test_algo_helpers(void **state)
{
	(void)state;
	assert_int_equal(sip_auth_hex_len(SIP_AUTH_ALGO_NONE), 32);
	assert_int_equal(sip_auth_hex_len(SIP_AUTH_ALGO_MD5_SESS), 32);
	assert_int_equal(sip_auth_hex_len(SIP_AUTH_ALGO_SHA256), 64);
	assert_int_equal(sip_auth_hex_len(SIP_AUTH_ALGO_SHA512_256_SESS), 64);
	assert_int_equal(sip_auth_hex_len(SIP_AUTH_ALGO_OTHER), 0);
	assert_int_equal(sip_auth_algo_base(SIP_AUTH_ALGO_SHA256_SESS), SIP_AUTH_ALGO_SHA256);
	assert_int_equal(sip_auth_algo_base(SIP_AUTH_ALGO_NONE), SIP_AUTH_ALGO_MD5);
	assert_int_equal(sip_auth_algo_base(SIP_AUTH_ALGO_OTHER), SIP_AUTH_ALGO_OTHER);
	assert_true(sip_auth_algo_supported(SIP_AUTH_ALGO_SHA512_256_SESS));
	assert_false(sip_auth_algo_supported(SIP_AUTH_ALGO_OTHER));
}

static void test_digest_errors(void **state)
{
	struct sip_auth_digest d = rfc7616;
	char out[SIP_AUTH_HEX_SIZE];

	(void)state;
	d.algo = SIP_AUTH_ALGO_MD5;
	/* HA1 of the wrong length or not hex */
	d.ha1 = SIP_PL("7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
	assert_int_equal(sip_auth_digest_response(&d, out), EINVAL);
	d.ha1 = SIP_PL("zz9e7578ed9e3c518a452acee763bce9");
	assert_int_equal(sip_auth_digest_response(&d, out), EINVAL);
	/* upper-case HA1 is fine */
	d.algo = SIP_AUTH_ALGO_SHA256;
	d.ha1 = SIP_PL("7987C64C30E25F1B74BE53F966B49B90F2808AA92FAF9A00262392D7B4794232");
	assert_int_equal(sip_auth_digest_response(&d, out), 0);
	assert_string_equal(out,
		"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	d.algo = SIP_AUTH_ALGO_OTHER;
	assert_int_equal(sip_auth_digest_response(&d, out), ENOTSUP);
	d.algo = SIP_AUTH_ALGO_SHA256;
	d.qop = SIP_QOP_OTHER;
	assert_int_equal(sip_auth_digest_response(&d, out), ENOTSUP);
}

/* The printed credentials parse back with the RFC's values. */
static void test_answer_print(void **state)
{
	char ha1[SIP_AUTH_HEX_SIZE];
	struct sip_auth_answer an = {
		.user = SIP_PL(U7616), .realm = SIP_PL(R7616), .nonce = SIP_PL(N7616),
		.opaque = SIP_PL("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"),
		.algo = SIP_AUTH_ALGO_SHA256, .qop = SIP_QOP_AUTH,
		.cnonce = SIP_PL(C7616), .nc = 1, .method = SIP_PL("GET"),
		.uri = SIP_PL("/dir/index.html"),
	};
	struct sip_credentials cr;
	struct sip_buf b;

	(void)state;
	assert_int_equal(sip_auth_ha1(SIP_AUTH_ALGO_SHA256, an.user, an.realm,
				      SIP_PL(P7616), ha1), 0);
	an.ha1 = sip_pl_str(ha1);
	sip_buf_init(&b);
	assert_int_equal(sip_auth_answer_print(&b, &an), 0);
	assert_string_equal(b.p,
		"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
		"nonce=\"" N7616 "\", uri=\"/dir/index.html\", "
		"response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
		"algorithm=SHA-256, cnonce=\"" C7616 "\", "
		"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001");
	assert_int_equal(sip_credentials_decode(&cr, sip_buf_pl_get(&b)), 0);
	assert_int_equal(cr.algo, SIP_AUTH_ALGO_SHA256);
	assert_int_equal(cr.nc, 1);
	assert_true(sip_pl_eqs(cr.cnonce, C7616));

	/* no qop, no algorithm; quotes and backslashes escaped */
	an.qop = 0;
	an.algo = SIP_AUTH_ALGO_NONE;
	an.opaque = (struct sip_pl){ NULL, 0 };
	an.user = SIP_PL("a\"b\\c");
	assert_int_equal(sip_auth_ha1(SIP_AUTH_ALGO_MD5, an.user, an.realm,
				      SIP_PL(P7616), ha1), 0);
	an.ha1 = sip_pl_str(ha1);
	b.len = 0;
	assert_int_equal(sip_auth_answer_print(&b, &an), 0);
	assert_non_null(strstr(b.p, "username=\"a\\\"b\\\\c\""));
	assert_null(strstr(b.p, "algorithm"));
	assert_null(strstr(b.p, "nc="));
	assert_null(strstr(b.p, "cnonce"));
	assert_int_equal(sip_credentials_decode(&cr, sip_buf_pl_get(&b)), 0);
	sip_buf_reset(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7616_sha256),
		cmocka_unit_test(test_rfc7616_md5),
		cmocka_unit_test(test_rfc2617),
		cmocka_unit_test(test_rfc2069_no_qop),
		cmocka_unit_test(test_sess_int_sha512),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_algo_helpers),
		cmocka_unit_test(test_digest_errors),
		cmocka_unit_test(test_answer_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
