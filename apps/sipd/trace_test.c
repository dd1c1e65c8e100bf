/*
 * trace_test.c - the live trace: the bounded ring (order, dropping the
 * oldest, resize, snapshot, foreach), the on/off switch, and the text and
 * JSON printing of an entry (JSON escaping included).
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

#include "json.h"
#include "trace.h"

/* 2025-01-02T03:04:05.678Z */
static const struct timespec T0 = { .tv_sec = 1735787045, .tv_nsec = 678000000 };

static struct sipd_trace_entry entry(enum sipd_trace_dir dir, const char *text)
{
	struct sipd_trace_entry e = {
		.time = T0, .dir = dir, .kind = SIP_TP_UDP,
		.bytes = (char *)text, .len = strlen(text),
	};

	assert_int_equal(sip_tp_addr_decode(&e.local, SIP_PL("127.0.0.1:5060")), 0);
	assert_int_equal(sip_tp_addr_decode(&e.peer, SIP_PL("192.0.2.1:40000")), 0);
	return e;
}

static struct sipd_trace *new_trace(size_t size)
{
	struct sipd_trace *t = NULL;

	assert_int_equal(sipd_trace_alloc(&t, size), 0);
	sipd_trace_enable(t, true);
	return t;
}

static void add(struct sipd_trace *t, const char *text)
{
	struct sipd_trace_entry e = entry(SIPD_TRACE_RECV, text);

	assert_int_equal(sipd_trace_add(t, &e), 0);
}

/* Collects the texts of the entries visited, "a|b|c". */
struct collect {
	char text[256];
	size_t stop_after;   /* 0: never stop */
	size_t seen;
};

static bool collect_h(const struct sipd_trace_entry *e, void *arg)
{
	struct collect *c = arg;

	if (c->seen++)
		strcat(c->text, "|");
	strncat(c->text, e->bytes, e->len);
	return !c->stop_after || c->seen < c->stop_after;
}

static const char *walk(const struct sipd_trace *t)
{
	static struct collect c;
	size_t n;

	memset(&c, 0, sizeof(c));
	n = sipd_trace_ring_foreach(t, collect_h, &c);
	assert_int_equal(n, c.seen);
	return c.text;
}

static void test_alloc_zero(void **state)
{
	struct sipd_trace *t = NULL;

	(void)state;
	assert_int_equal(sipd_trace_alloc(&t, 0), EINVAL);
	assert_null(t);
	sipd_trace_free(NULL);
}

static void test_ring_keeps_newest(void **state)
{
	struct sipd_trace *t = new_trace(3);

	(void)state;
	assert_string_equal(walk(t), "");
	add(t, "m0");
	add(t, "m1");
	assert_string_equal(walk(t), "m0|m1");
	add(t, "m2");
	add(t, "m3");
	add(t, "m4");
	assert_int_equal(sipd_trace_count(t), 3);
	assert_int_equal(sipd_trace_capacity(t), 3);
	assert_int_equal(sipd_trace_dropped(t), 2);
	assert_string_equal(walk(t), "m2|m3|m4");
	for (int i = 5; i < 100; i++)
		add(t, i % 2 ? "odd" : "even");
	assert_string_equal(walk(t), "odd|even|odd");
	assert_int_equal(sipd_trace_dropped(t), 97);
	sipd_trace_free(t);
}

static void test_off_records_nothing(void **state)
{
	struct sipd_trace *t = new_trace(4);

	(void)state;
	add(t, "on");
	sipd_trace_enable(t, false);
	assert_false(sipd_trace_on(t));
	add(t, "off");
	assert_string_equal(walk(t), "on");
	sipd_trace_enable(t, true);
	add(t, "again");
	assert_string_equal(walk(t), "on|again");
	sipd_trace_free(t);
}

static void test_foreach_stops(void **state)
{
	struct sipd_trace *t = new_trace(8);
	struct collect c = { .stop_after = 2 };

	(void)state;
	add(t, "a");
	add(t, "b");
	add(t, "c");
	assert_int_equal(sipd_trace_ring_foreach(t, collect_h, &c), 2);
	assert_string_equal(c.text, "a|b");
	sipd_trace_free(t);
}

static void test_entry_is_copied(void **state)
{
	struct sipd_trace *t = new_trace(2);
	char text[] = "OPTIONS sip:x SIP/2.0\r\n\r\n";
	struct sipd_trace_entry e = entry(SIPD_TRACE_SEND, text);
	struct sipd_trace_entry *snap = NULL;
	size_t n = 0;

	(void)state;
	e.kind = SIP_TP_TCP;
	assert_int_equal(sipd_trace_add(t, &e), 0);
	text[0] = 'X';   /* the ring has its own copy */
	e.time.tv_sec = 0;
	e.time.tv_nsec = 0;   /* zero time: stamped "now" */
	assert_int_equal(sipd_trace_add(t, &e), 0);
	assert_int_equal(sipd_trace_snapshot(t, &snap, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(snap[0].bytes, "OPTIONS", 7);
	assert_int_equal(snap[0].len, strlen(text));
	assert_int_equal(snap[0].bytes[snap[0].len], '\0');
	assert_int_equal(snap[0].dir, SIPD_TRACE_SEND);
	assert_int_equal(snap[0].kind, SIP_TP_TCP);
	assert_int_equal(snap[0].time.tv_sec, T0.tv_sec);
	assert_int_equal(snap[0].time.tv_nsec, T0.tv_nsec);
	assert_true(sip_tp_addr_eq(&snap[0].local, &e.local));
	assert_true(sip_tp_addr_eq(&snap[0].peer, &e.peer));
	assert_memory_equal(snap[1].bytes, "XPTIONS", 7);
	assert_true(snap[1].time.tv_sec > T0.tv_sec);
	sipd_trace_snapshot_free(snap, n);
	sipd_trace_free(t);
}

static void test_snapshot_independent(void **state)
{
	struct sipd_trace *t = new_trace(2);
	struct sipd_trace_entry *snap = NULL;
	size_t n = 99;

	(void)state;
	assert_int_equal(sipd_trace_snapshot(t, &snap, &n), 0);
	assert_null(snap);
	assert_int_equal(n, 0);
	add(t, "one");
	add(t, "two");
	assert_int_equal(sipd_trace_snapshot(t, &snap, &n), 0);
	add(t, "three");   /* pushes "one" out of the ring, not the snapshot */
	assert_int_equal(n, 2);
	assert_string_equal(snap[0].bytes, "one");
	assert_string_equal(snap[1].bytes, "two");
	sipd_trace_free(t);
	sipd_trace_snapshot_free(snap, n);
	sipd_trace_snapshot_free(NULL, 0);
}

static void test_resize(void **state)
{
	struct sipd_trace *t = new_trace(4);

	(void)state;
	add(t, "a");
	add(t, "b");
	add(t, "c");
	add(t, "d");
	add(t, "e");   /* wrapped: head is not slot 0 */
	assert_int_equal(sipd_trace_resize(t, 2), 0);
	assert_string_equal(walk(t), "d|e");
	assert_int_equal(sipd_trace_dropped(t), 3);
	assert_int_equal(sipd_trace_resize(t, 5), 0);
	assert_string_equal(walk(t), "d|e");
	add(t, "f");
	add(t, "g");
	add(t, "h");
	add(t, "i");
	assert_string_equal(walk(t), "e|f|g|h|i");
	assert_int_equal(sipd_trace_resize(t, 0), EINVAL);
	assert_int_equal(sipd_trace_resize(t, 5), 0);
	assert_int_equal(sipd_trace_capacity(t), 5);
	sipd_trace_free(t);
}

/* What sipd_trace_print() writes for @p e, malloc'd. */
static char *printed(enum sipd_log_format format, const struct sipd_trace_entry *e)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	sipd_trace_print(f, format, e);
	fclose(f);
	return out;
}

static void test_print_text(void **state)
{
	struct sipd_trace_entry e = entry(SIPD_TRACE_RECV,
		"OPTIONS sip:a SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
	char *out;

	(void)state;
	out = printed(SIPD_LOG_TEXT, &e);
	assert_string_equal(out,
		"2025-01-02T03:04:05.678Z recv UDP 127.0.0.1:5060 <- "
		"192.0.2.1:40000 (42 bytes)\n"
		"OPTIONS sip:a SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n\n");
	free(out);

	e = entry(SIPD_TRACE_SEND, "SIP/2.0 200 OK");   /* no final newline */
	e.kind = SIP_TP_TCP;
	memset(&e.local, 0, sizeof(e.local));        /* unknown local address */
	out = printed(SIPD_LOG_TEXT, &e);
	assert_string_equal(out,
		"2025-01-02T03:04:05.678Z send TCP - -> 192.0.2.1:40000 (14 bytes)\n"
		"SIP/2.0 200 OK\n\n");
	free(out);
}

static void test_print_json(void **state)
{
	struct sipd_trace_entry e = entry(SIPD_TRACE_SEND,
		"SIP/2.0 400 Bad \"x\"\r\nA: \xc3\xa9\x01\xff\\\r\n\r\n");
	char *out;

	(void)state;
	assert_int_equal(sip_tp_addr_decode(&e.peer, SIP_PL("[2001:db8::1]:5060")), 0);
	out = printed(SIPD_LOG_JSON, &e);
	assert_string_equal(out,
		"{\"time\":\"2025-01-02T03:04:05.678Z\",\"level\":\"trace\","
		"\"msg\":\"sip\",\"dir\":\"send\",\"transport\":\"UDP\","
		"\"local\":\"127.0.0.1:5060\",\"peer\":\"[2001:db8::1]:5060\","
		"\"bytes\":33,\"sip\":\"SIP/2.0 400 Bad \\\"x\\\"\\r\\nA: \xc3\xa9"
		"\\u0001\\u00ff\\\\\\r\\n\\r\\n\"}\n");
	free(out);
}

static void test_add_prints(void **state)
{
	struct sipd_trace *t = new_trace(2);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	add(t, "quiet");   /* no output set */
	sipd_trace_set_output(t, f, SIPD_LOG_TEXT);
	add(t, "loud");
	sipd_trace_enable(t, false);
	add(t, "off");
	fclose(f);
	assert_non_null(strstr(out, "(4 bytes)\nloud\n\n"));
	assert_null(strstr(out, "quiet"));
	assert_null(strstr(out, "off"));
	free(out);
	sipd_trace_free(t);
}

static void json_is(const char *in, size_t len, const char *want)
{
	struct sip_buf b;

	sip_buf_init(&b);
	sipd_json_str(&b, in, len);
	sip_buf_putc(&b, '\0');
	assert_int_equal(sip_buf_err(&b), 0);
	assert_string_equal(b.p, want);
	sip_buf_reset(&b);
}

static void test_json_escaping(void **state)
{
	(void)state;
	json_is("", 0, "\"\"");
	json_is("a\0b", 3, "\"a\\u0000b\"");
	json_is("\t\x7f", 2, "\"\\t\x7f\"");   /* DEL needs no escape */
	/* valid UTF-8 of 2, 3 and 4 bytes is kept */
	json_is("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
		"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* overlong, surrogate, truncated, stray continuation: escaped */
	json_is("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");
	json_is("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");
	json_is("\xe2\x82", 2, "\"\\u00e2\\u0082\"");
	json_is("\x80", 1, "\"\\u0080\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_zero),
		cmocka_unit_test(test_ring_keeps_newest),
		cmocka_unit_test(test_off_records_nothing),
		cmocka_unit_test(test_foreach_stops),
		cmocka_unit_test(test_entry_is_copied),
		cmocka_unit_test(test_snapshot_independent),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_print_text),
		cmocka_unit_test(test_print_json),
		cmocka_unit_test(test_add_prints),
		cmocka_unit_test(test_json_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
