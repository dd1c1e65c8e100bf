/*
 * tokens_test.c - token-list headers: option tags, Allow, Allow-Events,
 * Content-Encoding, Accept-Encoding; lists across lines, compact forms,
 * folds, empty values, comparison rules, errors and print round trips.
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

#include "sip/buf.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/tokens.h"
#include "testutil.h"

static struct sip_msg *decode_hdrs(const char *hdrs)
{
	return tu_msgf(
		 "OPTIONS sip:bob@example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\n"
		 "CSeq: 1 OPTIONS\n"
		 "%s"
		 "Content-Length: 0\n\n", hdrs);
}

static size_t count(const struct sip_token *t)
{
	size_t n = 0;

	for (; t; t = t->next)
		n++;
	return n;
}

static void test_option_tags(void **state)
{
	struct sip_msg *m = decode_hdrs("Require: 100rel, timer\n"
					"Proxy-Require: sec-agree\n"
					"Supported: replaces,\n"
					"  path\n"
					"k: gruu , outbound\n"
					"Unsupported: foo\n");
	const struct sip_token *t;

	(void)state;
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_REQUIRE, &t), 0);
	assert_int_equal(count(t), 2);
	assert_true(sip_pl_eqs(t->name, "100rel"));
	assert_int_equal(t->params.len, 0);
	assert_true(sip_pl_eqs(t->next->name, "timer"));
	/* folded line and compact form "k" add to the same list, in order */
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_SUPPORTED, &t), 0);
	assert_int_equal(count(t), 4);
	assert_true(sip_pl_eqs(t->name, "replaces"));
	assert_true(sip_pl_eqs(t->next->name, "path"));
	assert_true(sip_pl_eqs(t->next->next->name, "gruu"));
	assert_true(sip_pl_eqs(t->next->next->next->name, "outbound"));
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_PROXY_REQUIRE, &t), 0);
	assert_true(sip_pl_eqs(t->name, "sec-agree"));
	assert_null(t->next);
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_UNSUPPORTED, &t), 0);
	assert_true(sip_pl_eqs(t->name, "foo"));
	/* option tags are tokens: case-insensitive (§7.3.1) */
	assert_true(sip_msg_has_token(m, SIP_HDR_REQUIRE, "100REL"));
	assert_true(sip_msg_has_token(m, SIP_HDR_SUPPORTED, "Outbound"));
	assert_false(sip_msg_has_token(m, SIP_HDR_SUPPORTED, "timer"));
	assert_false(sip_msg_has_token(m, SIP_HDR_SUPPORTED, "gru"));
	/* cached: a second call gives the same list */
	{
		const struct sip_token *again;

		assert_int_equal(sip_msg_tokens(m, SIP_HDR_SUPPORTED, &again), 0);
		assert_int_equal(sip_msg_tokens(m, SIP_HDR_SUPPORTED, &t), 0);
		assert_ptr_equal(t, again);
	}
	assert_null(m->err);
	sip_msg_free(m);
}

static void test_absent_and_einval(void **state)
{
	struct sip_msg *m = decode_hdrs("");
	const struct sip_token *t = (const void *)&t;

	(void)state;
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_REQUIRE, &t), ENOENT);
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_CSEQ, &t), EINVAL);
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_OTHER, &t), EINVAL);
	assert_int_equal(sip_msg_tokens(m, SIP_HDR__COUNT, &t), EINVAL);
	assert_ptr_equal(t, (const void *)&t);   /* untouched on error */
	assert_false(sip_msg_has_token(m, SIP_HDR_REQUIRE, "100rel"));
	assert_null(m->err);
	sip_msg_free(m);
}

static void test_allow(void **state)
{
	struct sip_msg *m = decode_hdrs("Allow: INVITE, ACK,CANCEL\n"
					"Allow: OPTIONS, BYE, NEWMETHOD\n");
	const struct sip_token *t;

	(void)state;
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_ALLOW, &t), 0);
	assert_int_equal(count(t), 6);
	assert_true(sip_pl_eqs(t->next->next->name, "CANCEL"));
	assert_true(sip_pl_eqs(t->next->next->next->next->next->name, "NEWMETHOD"));
	/* methods are case-sensitive (§7.1) */
	assert_true(sip_msg_has_token(m, SIP_HDR_ALLOW, "BYE"));
	assert_false(sip_msg_has_token(m, SIP_HDR_ALLOW, "bye"));
	assert_false(sip_msg_has_token(m, SIP_HDR_ALLOW, "REGISTER"));
	sip_msg_free(m);
}

static void test_allow_events(void **state)
{
	struct sip_msg *m = decode_hdrs("Allow-Events: presence, presence.winfo\n"
					"u: dialog,message-summary\n");
	const struct sip_token *t;

	(void)state;
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_ALLOW_EVENTS, &t), 0);
	assert_int_equal(count(t), 4);
	assert_true(sip_pl_eqs(t->next->name, "presence.winfo"));
	assert_true(sip_pl_eqs(t->next->next->next->name, "message-summary"));
	/* event types compare byte by byte (RFC 6665 §8.2.1) */
	assert_true(sip_msg_has_token(m, SIP_HDR_ALLOW_EVENTS, "dialog"));
	assert_false(sip_msg_has_token(m, SIP_HDR_ALLOW_EVENTS, "Dialog"));
	assert_false(sip_msg_has_token(m, SIP_HDR_ALLOW_EVENTS, "presence.Winfo"));
	sip_msg_free(m);
}

static void test_encodings(void **state)
{
	struct sip_msg *m = decode_hdrs("e: gzip\n"
					"Content-Encoding: deflate\n"
					"Accept-Encoding: gzip;q=0.5 , identity ;q=1.0,\n"
					" *;q=0;level=\"x y\"\n");
	const struct sip_token *t;
	unsigned q = 7;

	(void)state;
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_CONTENT_ENCODING, &t), 0);
	assert_int_equal(count(t), 2);
	assert_true(sip_pl_eqs(t->name, "gzip"));
	assert_true(sip_msg_has_token(m, SIP_HDR_CONTENT_ENCODING, "DEFLATE"));
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_ACCEPT_ENCODING, &t), 0);
	assert_int_equal(count(t), 3);
	assert_true(sip_pl_eqs(t->name, "gzip"));
	assert_true(sip_pl_eqs(t->params, ";q=0.5"));
	assert_int_equal(sip_token_q(t, &q), 0);
	assert_int_equal(q, 500);
	assert_true(sip_pl_eqs(t->next->name, "identity"));
	assert_int_equal(sip_token_q(t->next, &q), 0);
	assert_int_equal(q, 1000);
	assert_true(sip_pl_eqs(t->next->next->name, "*"));
	assert_int_equal(sip_token_q(t->next->next, &q), 0);
	assert_int_equal(q, 0);
	sip_msg_free(m);

	m = decode_hdrs("Accept-Encoding: gzip\n");
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_ACCEPT_ENCODING, &t), 0);
	q = 7;
	assert_int_equal(sip_token_q(t, &q), ENOENT);
	assert_int_equal(q, 7);
	sip_msg_free(m);
}

static void test_empty_values(void **state)
{
	struct sip_msg *m = decode_hdrs("Supported:\n"
					"Allow: \n"
					"Accept-Encoding:\n"
					"Require: 100rel\n"
					"Require:\n"
					"Unsupported:\n"
					"Proxy-Require: \n"
					"u:\n"
					"e:\n"
					"k: timer\n");
	static const enum sip_hdr_id empty[] = {
		SIP_HDR_ALLOW, SIP_HDR_ACCEPT_ENCODING, SIP_HDR_UNSUPPORTED,
		SIP_HDR_PROXY_REQUIRE, SIP_HDR_ALLOW_EVENTS, SIP_HDR_CONTENT_ENCODING,
	};
	const struct sip_token *t = (const void *)&t;

	(void)state;
	/* §20.2, §20.5, §20.37: the list is optional; the others accept an
	 * empty value too */
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		t = (const void *)&t;
		assert_int_equal(sip_msg_tokens(m, empty[i], &t), 0);
		assert_null(t);
	}
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_REQUIRE, &t), 0);
	assert_true(sip_pl_eqs(t->name, "100rel"));
	assert_null(t->next);
	assert_false(sip_msg_has_token(m, SIP_HDR_ALLOW, "INVITE"));
	/* an empty line among others adds nothing */
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_SUPPORTED, &t), 0);
	assert_non_null(t);
	assert_true(sip_pl_eqs(t->name, "timer"));
	assert_null(t->next);
	assert_null(m->err);
	sip_msg_free(m);
}

struct bad_case {
	const char *hdrs;
	enum sip_hdr_id id;
	const char *err;
};

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "Require: 100rel,,timer\n", SIP_HDR_REQUIRE, "Bad Require header" },
		{ "Require: ,\n", SIP_HDR_REQUIRE, "Bad Require header" },
		{ "Unsupported: ,foo\n", SIP_HDR_UNSUPPORTED, "Bad Unsupported header" },
		{ "Require: 100rel timer\n", SIP_HDR_REQUIRE, "Bad Require header" },
		{ "Proxy-Require: a;b=c\n", SIP_HDR_PROXY_REQUIRE, "Bad Proxy-Require header" },
		{ "Supported: timer,\n", SIP_HDR_SUPPORTED, "Bad Supported header" },
		{ "k: a/b\n", SIP_HDR_SUPPORTED, "Bad Supported header" },
		{ "Allow: INVITE, \"BYE\"\n", SIP_HDR_ALLOW, "Bad Allow header" },
		{ "Allow-Events: presence..winfo\n", SIP_HDR_ALLOW_EVENTS, "Bad Allow-Events header" },
		{ "u: .presence\n", SIP_HDR_ALLOW_EVENTS, "Bad Allow-Events header" },
		{ "u: presence.\n", SIP_HDR_ALLOW_EVENTS, "Bad Allow-Events header" },
		{ "Content-Encoding: gzip;q=1\n", SIP_HDR_CONTENT_ENCODING, "Bad Content-Encoding header" },
		{ "Accept-Encoding: gzip;q=2\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		{ "Accept-Encoding: gzip;q=1.5\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		{ "Accept-Encoding: gzip;q=0.1234\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		{ "Accept-Encoding: gzip;q\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		{ "Accept-Encoding: gzip;q=\"1\"\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		{ "Accept-Encoding: gzip;\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		{ "Accept-Encoding: gzip x\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		{ "Accept-Encoding: gzip;level=\"x\n", SIP_HDR_ACCEPT_ENCODING, "Bad Accept-Encoding header" },
		/* a good line followed by a bad one fails the whole header */
		{ "Require: timer\nRequire: ;x\n", SIP_HDR_REQUIRE, "Bad Require header" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_msg *m = decode_hdrs(cases[i].hdrs);
		const struct sip_token *t = (const void *)&t;

		assert_null(m->err);
		assert_int_equal(sip_msg_tokens(m, cases[i].id, &t), EBADMSG);
		assert_ptr_equal(t, (const void *)&t);
		assert_non_null(m->err);
		assert_string_equal(m->err, cases[i].err);
		assert_int_equal(m->err_hdr, cases[i].id);
		/* the error is cached */
		assert_int_equal(sip_msg_tokens(m, cases[i].id, &t), EBADMSG);
		assert_false(sip_msg_has_token(m, cases[i].id, "timer"));
		sip_msg_free(m);
	}
}

static void roundtrip(const char *hdr, enum sip_hdr_id id)
{
	struct sip_msg *m = decode_hdrs(hdr), *m2;
	const struct sip_token *a, *b;
	struct sip_buf buf, line;

	assert_int_equal(sip_msg_tokens(m, id, &a), 0);
	sip_buf_init(&buf);
	sip_tokens_print(&buf, a);
	assert_int_equal(sip_buf_err(&buf), 0);
	sip_buf_init(&line);
	sip_buf_printf(&line, "%s: %s\n", sip_hdr_name(id), buf.len ? buf.p : "");
	m2 = decode_hdrs(line.p);
	assert_int_equal(sip_msg_tokens(m2, id, &b), 0);
	for (; a && b; a = a->next, b = b->next) {
		unsigned qa = 1, qb = 2;

		assert_true(sip_pl_eq(a->name, b->name));
		assert_int_equal(sip_token_q(a, &qa), sip_token_q(b, &qb));
		if (sip_token_q(a, &qa) == 0)
			assert_int_equal(qa, qb);
	}
	assert_null(a);
	assert_null(b);
	sip_buf_reset(&buf);
	sip_buf_reset(&line);
	sip_msg_free(m);
	sip_msg_free(m2);
}

static void test_print(void **state)
{
	struct sip_msg *m = decode_hdrs("Supported: 100rel,\n\ttimer\n"
					"k: path\n"
					"Accept-Encoding: gzip ; q=0.5;x=\"a b\" , deflate\n");
	const struct sip_token *t;
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_SUPPORTED, &t), 0);
	sip_tokens_print(&b, t);
	assert_string_equal(b.p, "100rel, timer, path");
	sip_buf_reset(&b);
	assert_int_equal(sip_msg_tokens(m, SIP_HDR_ACCEPT_ENCODING, &t), 0);
	sip_tokens_print(&b, t);
	assert_string_equal(b.p, "gzip;q=0.5;x=\"a b\", deflate");
	sip_buf_reset(&b);
	sip_tokens_print(&b, NULL);
	assert_int_equal(b.len, 0);
	sip_buf_reset(&b);
	sip_msg_free(m);

	roundtrip("Require: 100rel, timer\nRequire: precondition\n", SIP_HDR_REQUIRE);
	roundtrip("Allow: INVITE,ACK ,  BYE\n", SIP_HDR_ALLOW);
	roundtrip("u: presence.winfo, dialog\n", SIP_HDR_ALLOW_EVENTS);
	roundtrip("Accept-Encoding: gzip;q=0.25, *;q=0\n", SIP_HDR_ACCEPT_ENCODING);
	roundtrip("Supported:\n", SIP_HDR_SUPPORTED);
}

static void test_eq(void **state)
{
	(void)state;
	assert_true(sip_token_eq(SIP_HDR_REQUIRE, SIP_PL("Timer"), SIP_PL("timer")));
	assert_true(sip_token_eq(SIP_HDR_ACCEPT_ENCODING, SIP_PL("GZIP"), SIP_PL("gzip")));
	assert_false(sip_token_eq(SIP_HDR_ALLOW, SIP_PL("Invite"), SIP_PL("INVITE")));
	assert_false(sip_token_eq(SIP_HDR_ALLOW_EVENTS, SIP_PL("Presence"), SIP_PL("presence")));
	assert_false(sip_token_eq(SIP_HDR_REQUIRE, SIP_PL("timer"), SIP_PL("timers")));
}

/* Every allocation failure gives ENOMEM (never cached), then success. */
static void test_oom(void **state)
{
	long n;
	struct sip_msg *m;
	const struct sip_token *t;
	char hdrs[2048];
	size_t off = 0;
	int err = ENOMEM;

	(void)state;
	off += (size_t)snprintf(hdrs, sizeof(hdrs), "Supported: ");
	for (int i = 0; i < 100; i++)
		off += (size_t)snprintf(hdrs + off, sizeof(hdrs) - off, "t%d,", i);
	snprintf(hdrs + off, sizeof(hdrs) - off, "last\n");
	m = decode_hdrs(hdrs);
	for (n = 0; err == ENOMEM; n++) {
		sip_mem_fail_after(n);
		err = sip_msg_tokens(m, SIP_HDR_SUPPORTED, &t);
		sip_mem_fail_after(-1);
	}
	assert_true(n > 1);   /* at least one allocation failed */
	assert_int_equal(err, 0);
	assert_int_equal(count(t), 101);
	assert_null(m->err);
	sip_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_tags),
		cmocka_unit_test(test_absent_and_einval),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_allow_events),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_eq),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
