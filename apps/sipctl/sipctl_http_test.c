/*
 * sipctl_http_test.c - sipctl's HTTP client without sockets (httpc.c):
 * URLs, percent-encoding, responses with Content-Length, chunked coding
 * or read to the close, and malformed or cut answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "httpc.h"

static void test_url(void **state)
{
	struct sipctl_url u;
	const char *why = NULL;

	(void)state;
	assert_int_equal(sipctl_url_parse("http://127.0.0.1:8080", &u, &why), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "8080");
	assert_string_equal(u.prefix, "");
	assert_string_equal(u.hosthdr, "127.0.0.1:8080");
	assert_int_equal(sipctl_url_parse("HTTP://[::1]:9/sipd/", &u, &why), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "9");
	assert_string_equal(u.prefix, "/sipd");
	assert_string_equal(u.hosthdr, "[::1]:9");
	assert_int_equal(sipctl_url_parse("http://localhost", &u, &why), 0);
	assert_string_equal(u.port, "80");
	assert_int_equal(sipctl_url_parse("https://x", &u, &why), EINVAL);
	assert_string_equal(why, "https is not supported (the API is plain HTTP on loopback)");
	assert_int_equal(sipctl_url_parse("127.0.0.1:8080", &u, &why), EINVAL);
	assert_int_equal(sipctl_url_parse("http://h:0", &u, &why), EINVAL);
	assert_string_equal(why, "bad port (1-65535)");
	assert_int_equal(sipctl_url_parse("http://h:65536", &u, &why), EINVAL);
	assert_int_equal(sipctl_url_parse("http://h:", &u, &why), EINVAL);
	assert_int_equal(sipctl_url_parse("http://[::1", &u, &why), EINVAL);
	assert_int_equal(sipctl_url_parse("http://", &u, &why), EINVAL);
	assert_int_equal(sipctl_url_parse("http://h/x?y=1", &u, &why), EINVAL);
}

static void test_encode(void **state)
{
	char out[64] = "/api/registrations/";
	char small[10] = "";

	(void)state;
	assert_int_equal(sipctl_url_encode(out, sizeof(out), "sip:alice@example.com"), 0);
	assert_string_equal(out, "/api/registrations/sip%3Aalice%40example.com");
	assert_int_equal(sipctl_url_encode(small, sizeof(small), "a b/c"), 0);
	assert_string_equal(small, "a%20b%2Fc");
	small[0] = '\0';
	assert_int_equal(sipctl_url_encode(small, sizeof(small), "a b/c+"), E2BIG);
}

static void parse_ok(const char *raw, int status, const char *body)
{
	struct sipctl_http_resp r;

	assert_int_equal(sipctl_http_parse(raw, strlen(raw), &r), 0);
	assert_int_equal(r.status, status);
	assert_int_equal(r.len, strlen(body));
	assert_string_equal(r.body, body);
	sipctl_http_resp_free(&r);
}

static void test_responses(void **state)
{
	struct sipctl_http_resp r;
	static const char cl[] =
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		"content-length:  7 \r\n\r\n{\"a\":1}";
	static const char chunked[] =
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\nX-Trailer: 1\r\n\r\n";

	(void)state;
	assert_int_equal(sipctl_http_parse(cl, strlen(cl), &r), 0);
	assert_string_equal(r.ctype, "application/json");
	assert_string_equal(r.reason, "OK");
	sipctl_http_resp_free(&r);
	parse_ok(cl, 200, "{\"a\":1}");
	parse_ok(chunked, 200, "{\"a\":1}");
	parse_ok("HTTP/1.0 404 Not Found\r\n\r\n{\"error\":\"no\"}", 404,
		 "{\"error\":\"no\"}");
	parse_ok("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", 204, "");
	/* extra bytes after Content-Length are not the body */
	parse_ok("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabcd", 200, "ab");
}

static void test_bad_responses(void **state)
{
	static const char *const bad[] = {
		"",
		"SIP/2.0 200 OK\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n",
	};
	struct sipctl_http_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sipctl_http_parse(bad[i], strlen(bad[i]), &r), EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_bad_responses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
