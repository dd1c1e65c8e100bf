/*
 * ladder_test.c - ladder diagrams (ladder.c) and the trace JSON reader
 * (tracejson.c): calls through the proxy, INVITE/100/180/200/ACK/BYE/200,
 * drawn as text and compared byte for byte with the expected renderings
 * in tests/data/ladder/; columns, labels, retransmissions, colour,
 * escaping in SVG/HTML, the JSON forms.
 *
 * tests/data/ladder/proxy-call.jsonl is sipd's stderr (log.format json,
 * --trace) recorded while sipd proxied one sipp call (proxy branch,
 * tests/integration/proxy_call.sh's UDP case): start-up log lines, an
 * OPTIONS probe, the callee's REGISTER and the 13 messages of the call.
 * retrans-call.jsonl is written by hand in the same format: a call whose
 * 200 OK the callee retransmits (sipd forwards the copy, RFC 3261
 * §16.7 step 10), with one log line mixed in.
 * To regenerate the expected files after an intended change of the
 * drawing, run this test with SIPD_LADDER_UPDATE=1 and review the diff.
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

#include "sip/ladder.h"
#include "testutil.h"

static const char proxy_cid[] = "1-10508@127.0.0.1";

static void load(struct sip_ladder_trace *t, const char *name)
{
	char err[128], rel[64];
	size_t len;
	char *text;

	snprintf(rel, sizeof(rel), "ladder/%s", name);
	text = tu_read_data(rel, &len);
	assert_int_equal(sip_ladder_trace_parse(t, text, len, err, sizeof(err)), 0);
	free(text);
}

/* The hand-written call with a retransmitted 200. */
static void load_call(struct sip_ladder_trace *t)
{
	load(t, "retrans-call.jsonl");
}

/* The recorded proxied call, without the other messages of the trace. */
static void load_proxy_call(struct sip_ladder_trace *t)
{
	load(t, "proxy-call.jsonl");
	assert_int_equal(t->n, 17);
	assert_int_equal(sip_ladder_trace_filter_call(t, proxy_cid), 13);
}

typedef int (render_h)(FILE *f, const struct sip_ladder_entry *e, size_t n,
		       const struct sip_ladder_opts *o);

/* Render into a malloc'd string. */
static char *render(render_h *h, const struct sip_ladder_entry *e, size_t n,
		    const struct sip_ladder_opts *o, int *err)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	*err = h(f, e, n, o);
	fclose(f);
	return out;
}

/* Compare @p got with tests/data/ladder/@p name, or write it there when
 * SIPD_LADDER_UPDATE is set. On a difference, print both. */
static void golden(const char *name, const char *got)
{
	char rel[128], path[512];
	size_t len;
	char *want;

	snprintf(rel, sizeof(rel), "ladder/%s", name);
	if (getenv("SIPD_LADDER_UPDATE")) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", SIPD_TEST_DATA, rel);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = tu_read_data(rel, &len);
	if (strlen(got) != len || memcmp(got, want, len)) {
		fprintf(stderr, "--- expected %s:\n%s--- got:\n%s---\n", rel, want, got);
		fail_msg("the rendering differs from tests/data/%s", rel);
	}
	free(want);
}

static void test_parse_lines(void **state)
{
	struct sip_ladder_trace t;

	(void)state;
	load_call(&t);
	/* 16 messages; the log line without "sip" is skipped */
	assert_int_equal(t.n, 16);
	assert_false(t.entries[0].sent);
	assert_true(t.entries[1].sent);
	assert_string_equal(t.entries[0].peer, "127.0.0.1:5071");
	assert_string_equal(t.entries[0].local, "127.0.0.1:5060");
	assert_string_equal(t.entries[0].transport, "UDP");
	assert_int_equal(t.entries[0].time_us, 1795500000123000LL);
	assert_int_equal(t.entries[15].time_us - t.entries[0].time_us, 7951000);
	assert_memory_equal(t.entries[0].sip, "INVITE sip:bob@example.com SIP/2.0\r\n", 36);
	assert_int_equal(strlen(t.entries[0].sip), t.entries[0].len);
	sip_ladder_trace_free(&t);
}

static void test_proxy_call(void **state)
{
	struct sip_ladder_trace t;
	struct sip_ladder_opts o = { .title = "Call-ID: 1-10508@127.0.0.1" };
	char *out;
	int err;

	(void)state;
	load_proxy_call(&t);
	out = render(sip_ladder_text, t.entries, t.n, &o, &err);
	assert_int_equal(err, 0);
	golden("proxy-call.txt", out);
	assert_null(strchr(out, '\033'));
	assert_null(strstr(out, "retransmission"));
	free(out);
	o.flags = SIP_LADDER_ASCII;
	out = render(sip_ladder_text, t.entries, t.n, &o, &err);
	assert_int_equal(err, 0);
	golden("proxy-call-ascii.txt", out);
	free(out);
	sip_ladder_trace_free(&t);
}

static void test_text_utf8(void **state)
{
	struct sip_ladder_trace t;
	struct sip_ladder_opts o = { .title = "Call-ID: a84b4c76e66710@pc33.example.com" };
	char *out;
	int err;

	(void)state;
	load_call(&t);
	out = render(sip_ladder_text, t.entries, t.n, &o, &err);
	assert_int_equal(err, 0);
	golden("retrans-call.txt", out);
	assert_null(strchr(out, '\033'));
	free(out);
	sip_ladder_trace_free(&t);
}

static void test_text_ascii(void **state)
{
	struct sip_ladder_trace t;
	struct sip_ladder_opts o = { .flags = SIP_LADDER_ASCII };
	char *out;
	int err;

	(void)state;
	load_call(&t);
	out = render(sip_ladder_text, t.entries, t.n, &o, &err);
	assert_int_equal(err, 0);
	golden("retrans-call-ascii.txt", out);
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		assert_true(*p < 0x80);
	free(out);
	sip_ladder_trace_free(&t);
}

static void test_text_color(void **state)
{
	struct sip_ladder_trace t;
	struct sip_ladder_opts o = { .flags = SIP_LADDER_COLOR | SIP_LADDER_ASCII };
	char *out;
	int err;

	(void)state;
	load_call(&t);
	out = render(sip_ladder_text, t.entries, t.n, &o, &err);
	assert_int_equal(err, 0);
	/* requests cyan, 1xx yellow, 2xx green, retransmissions faint */
	assert_non_null(strstr(out, "|\033[36m-"));
	assert_non_null(strstr(out, "\033[33m"));
	assert_non_null(strstr(out, "\033[32m"));
	assert_non_null(strstr(out, "\033[2m\033[32m"));
	assert_non_null(strstr(out, "\033[0m"));
	free(out);
	sip_ladder_trace_free(&t);
}

/* Rows of the model, seen through the text: the labels in order. */
static void test_labels_and_columns(void **state)
{
	struct sip_ladder_trace t;
	struct sip_ladder_opts o = { .flags = SIP_LADDER_ASCII };
	char *out, *p;
	int err;
	static const char *const want[] = {
		" INVITE ", " 100 Trying (INVITE) ", " INVITE ",
		" 100 Trying (INVITE) ", " 180 Ringing (INVITE) ",
		" 180 Ringing (INVITE) ", " 200 OK (INVITE) ", " 200 OK (INVITE) ",
		" 200 OK (INVITE) (retransmission) ",
		" 200 OK (INVITE) (retransmission) ", " ACK ", " ACK ", " BYE ",
		" BYE ", " 200 OK (BYE) ", " 200 OK (BYE) ",
	};

	(void)state;
	load_call(&t);
	out = render(sip_ladder_text, t.entries, t.n, &o, &err);
	assert_int_equal(err, 0);
	/* columns in order of appearance: caller, sipd, callee */
	p = strstr(out, "127.0.0.1:5071");
	assert_non_null(p);
	assert_true(p < strstr(out, "sipd"));
	assert_true(strstr(out, "sipd") < strstr(out, "127.0.0.1:5072"));
	p = strchr(strstr(out, "127.0.0.1:5072"), '\n');
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		p = strstr(p, want[i]);
		assert_non_null(p);
		p += strlen(want[i]);
	}
	free(out);
	sip_ladder_trace_free(&t);
}

static struct sip_ladder_entry entry(bool sent, const char *peer,
				     const char *sip, int64_t us)
{
	return (struct sip_ladder_entry){
		.time_us = us, .sent = sent, .transport = "udp",
		.local = "127.0.0.1:5060", .peer = peer, .sip = sip,
		.len = strlen(sip),
	};
}

static const char nasty[] =
	"SIP/2.0 488 Not <Acceptable> & \"here\" \x01\xff\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK1\r\n"
	"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n"
	"Call-ID: x<y>@z\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

static void test_svg_escaping(void **state)
{
	struct sip_ladder_entry e[2];
	struct sip_ladder_opts o = { .title = "x<y>@z & co" };
	char *out;
	int err;

	(void)state;
	e[0] = entry(false, "127.0.0.1:5071",
		     "garbage\x02 line\r\nmore\r\n\r\n", 1000000);
	e[1] = entry(true, "127.0.0.1:5071", nasty, 1250000);
	out = render(sip_ladder_svg, e, 2, &o, &err);
	assert_int_equal(err, 0);
	assert_memory_equal(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44);
	assert_non_null(strstr(out, "<title>x&lt;y&gt;@z &amp; co</title>"));
	/* label: reason escaped, control and invalid bytes replaced */
	assert_non_null(strstr(out, ">488 Not &lt;Acceptable&gt; &amp; &quot;here&quot; ?? (INVITE)</text>"));
	assert_non_null(strstr(out, ">? garbage? line</text>"));
	assert_null(strchr(out, '\x01'));
	assert_null(strchr(out, '\x02'));
	assert_null(strstr(out, "\xff"));
	assert_non_null(strstr(out, "id=\"m0\""));
	assert_non_null(strstr(out, "id=\"m1\""));
	assert_non_null(strstr(out, "<text x=\"72\" y=\"108\" text-anchor=\"end\" fill=\"#555\">0.250</text>"));
	free(out);
}

static void test_html(void **state)
{
	struct sip_ladder_entry e[2];
	char *out;
	int err;

	(void)state;
	e[0] = entry(false, "[::1]:5071", "OPTIONS sip:x SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP [::1]:5071;branch=z9hG4bK2\r\n"
		     "Call-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", 0);
	e[1] = entry(true, "[::1]:5071", nasty, 5000);
	out = render(sip_ladder_html, e, 2, NULL, &err);
	assert_int_equal(err, 0);
	assert_memory_equal(out, "<!DOCTYPE html>\n", 16);
	assert_non_null(strstr(out, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(out, "<details id=\"raw0\">"));
	assert_non_null(strstr(out, "<details id=\"raw1\">"));
	/* the raw message, escaped, CRs dropped */
	assert_non_null(strstr(out, "<pre>SIP/2.0 488 Not &lt;Acceptable&gt; &amp; &quot;here&quot; \xEF\xBF\xBD\xEF\xBF\xBD\nVia:"));
	assert_non_null(strstr(out, "<script>"));
	assert_null(strstr(out, "src="));
	assert_null(strstr(out, "href="));
	assert_null(strchr(out, '\r'));
	assert_non_null(strstr(out, "</html>\n"));
	free(out);
}

/* UDP in, TCP out: each arrow names its transport; several local
 * addresses are listed under sipd's one column. */
static void test_mixed_transports(void **state)
{
	static const char inv[] =
		"INVITE sip:b@x SIP/2.0\r\nCall-ID: m\r\nCSeq: 1 INVITE\r\n\r\n";
	struct sip_ladder_entry e[2];
	struct sip_ladder_opts o = { .flags = SIP_LADDER_ASCII };
	char *out;
	int err;

	(void)state;
	e[0] = entry(false, "127.0.0.1:5071", inv, 0);
	e[1] = entry(true, "[::1]:5072", inv, 2000);
	e[1].transport = "tcp";
	e[1].local = "[::1]:5060";
	out = render(sip_ladder_text, e, 2, &o, &err);
	assert_int_equal(err, 0);
	assert_string_equal(out,
		"2 messages from 1970-01-01T00:00:00.000Z (times in seconds from the first)\n"
		"\n"
		"           127.0.0.1:5071         sipd           [::1]:5072\n"
		"                             127.0.0.1:5060\n"
		"                               [::1]:5060\n"
		"                  |                 |                 |\n"
		"    0.000         |---- INVITE ---->|                 | udp\n"
		"    0.002         |                 |---- INVITE ---->| tcp\n"
		"                  |                 |                 |\n");
	free(out);
}

static void test_columns_limit(void **state)
{
	struct sip_ladder_entry e[SIP_LADDER_MAX_COLS];
	char peers[SIP_LADDER_MAX_COLS][32];
	char *out;
	int err;

	(void)state;
	for (size_t i = 0; i < SIP_LADDER_MAX_COLS; i++) {
		snprintf(peers[i], sizeof(peers[i]), "127.0.0.1:%zu", 6000 + i);
		e[i] = entry(false, peers[i], nasty, (int64_t)i);
	}
	/* sipd + 31 peers fit, sipd + 32 do not */
	out = render(sip_ladder_text, e, SIP_LADDER_MAX_COLS - 1, NULL, &err);
	assert_int_equal(err, 0);
	free(out);
	out = render(sip_ladder_text, e, SIP_LADDER_MAX_COLS, NULL, &err);
	assert_int_equal(err, EINVAL);
	free(out);
}

static void test_empty(void **state)
{
	char *out;
	int err;

	(void)state;
	out = render(sip_ladder_text, NULL, 0, NULL, &err);
	assert_int_equal(err, 0);
	assert_string_equal(out, "no messages\n");
	free(out);
}

static void test_api_answer_and_filter(void **state)
{
	static const char answer[] =
		"{\"entries\":["
		"{\"seq\":3,\"time\":\"2026-11-24T07:00:00.5+01:00\",\"dir\":\"recv\","
		"\"transport\":\"udp\",\"local\":\"127.0.0.1:5060\",\"peer\":\"127.0.0.1:1\","
		"\"bytes\":10,\"sip\":\"OPTIONS sip:a SIP/2.0\\r\\nCall-ID: one\\r\\nCSeq: 1 OPTIONS\\r\\n\\r\\n\"},"
		"{\"seq\":4,\"time\":\"2026-11-24T06:00:01Z\",\"dir\":\"send\","
		"\"local\":\"127.0.0.1:5060\",\"peer\":\"127.0.0.1:1\","
		"\"sip\":\"SIP/2.0 200 OK\\r\\nCall-ID: two\\r\\nCSeq: 1 OPTIONS\\r\\n\\r\\n\"}"
		"],\"next\":4,\"dropped\":2}";
	struct sip_ladder_trace t;
	char err[128];

	(void)state;
	assert_int_equal(sip_ladder_trace_parse(&t, answer, strlen(answer), err,
						sizeof(err)), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.next, 4);
	assert_int_equal(t.dropped, 2);
	assert_int_equal(t.entries[0].time_us, 1795500000500000LL);
	assert_string_equal(t.entries[1].transport, "");
	assert_int_equal(sip_ladder_trace_filter_call(&t, "two"), 1);
	assert_true(t.entries[0].sent);
	sip_ladder_trace_free(&t);
}

static void test_parse_errors(void **state)
{
	struct sip_ladder_trace t;
	char err[128];
	static const char bad_dir[] =
		"{\"time\":\"2026-11-24T06:00:00Z\",\"dir\":\"up\",\"local\":\"a\","
		"\"peer\":\"b\",\"sip\":\"x\"}\n";
	static const char bad_json[] = "\n{\"sip\":\"x\"}\n{oops\n";
	static const char bad_time[] =
		"{\"time\":\"yesterday\",\"dir\":\"send\",\"local\":\"a\","
		"\"peer\":\"b\",\"sip\":\"x\"}";

	(void)state;
	assert_int_equal(sip_ladder_trace_parse(&t, bad_dir, strlen(bad_dir), err,
						sizeof(err)), EBADMSG);
	assert_string_equal(err, "line 1: \"dir\" must be \"send\" or \"recv\"");
	assert_int_equal(sip_ladder_trace_parse(&t, bad_json, strlen(bad_json), err,
						sizeof(err)), EBADMSG);
	assert_memory_equal(err, "line 2: ", 8);
	assert_int_equal(sip_ladder_trace_parse(&t, bad_time, strlen(bad_time), err,
						sizeof(err)), EBADMSG);
	assert_string_equal(err, "line 1: \"time\" is not an RFC 3339 date-time");
	assert_null(t.entries);
}

static void test_time_parse(void **state)
{
	int64_t us;

	(void)state;
	assert_int_equal(sip_ladder_time_parse("1970-01-01T00:00:00Z", &us), 0);
	assert_int_equal(us, 0);
	assert_int_equal(sip_ladder_time_parse("1970-01-01T01:00:00.000001+01:00", &us), 0);
	assert_int_equal(us, 1);
	assert_int_equal(sip_ladder_time_parse("2026-11-24T06:00:00.123Z", &us), 0);
	assert_int_equal(us, 1795500000123000LL);
	assert_int_equal(sip_ladder_time_parse("2026-11-24T06:00:00", &us), EINVAL);
	assert_int_equal(sip_ladder_time_parse("2026-13-24T06:00:00Z", &us), EINVAL);
	assert_int_equal(sip_ladder_time_parse("2026-11-24T06:00:00.Z", &us), EINVAL);
	assert_int_equal(sip_ladder_time_parse("2026-11-24T06:00:00Zjunk", &us), EINVAL);
}

static void test_call_id(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(sip_ladder_call_id(nasty, strlen(nasty), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "x<y>@z");
	assert_int_equal(sip_ladder_call_id("hello", 5, buf, sizeof(buf)), EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_proxy_call),
		cmocka_unit_test(test_text_utf8),
		cmocka_unit_test(test_text_ascii),
		cmocka_unit_test(test_text_color),
		cmocka_unit_test(test_labels_and_columns),
		cmocka_unit_test(test_svg_escaping),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_mixed_transports),
		cmocka_unit_test(test_columns_limit),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_api_answer_and_filter),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_call_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
