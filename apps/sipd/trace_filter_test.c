/*
 * trace_filter_test.c - the HTTP API's trace filters: seq numbers given
 * by the ring, call_id, method (a response by its CSeq method), user
 * (From/To/Request-URI substring), addr with and without port, since
 * (RFC 3339 with offsets), after, limit, bad arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trace.h"
#include "trace_filter.h"

static const char inv[] =
	"INVITE sip:bob@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
	"From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
	"Call-ID: call-A\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
static const char ok[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
	"From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\n"
	"i: call-A\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
static const char reg[] =
	"REGISTER sip:example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK2\r\n"
	"From: <sip:carol@example.com>;tag=3\r\nTo: <sip:carol@example.com>\r\n"
	"Call-ID: call-B\r\nCSeq: 7 REGISTER\r\nContent-Length: 0\r\n\r\n";

struct q { const char *k[8], *v[8]; };

static const char *get(void *arg, const char *name)
{
	struct q *q = arg;

	for (int i = 0; i < 8 && q->k[i]; i++)
		if (!strcmp(q->k[i], name))
			return q->v[i];
	return NULL;
}

static struct sipd_trace_entry entry(const char *msg, const char *peer,
				     time_t sec)
{
	struct sipd_trace_entry e = { .time = { sec, 0 }, .bytes = (char *)msg,
				      .len = strlen(msg) };

	assert_int_equal(sip_tp_addr_decode(&e.peer, sip_pl_str(peer)), 0);
	return e;
}

struct collect { struct sipd_trace_filter f; uint64_t seqs[8]; int n; };

static bool visit(const struct sipd_trace_entry *e, void *arg)
{
	struct collect *c = arg;

	if (sipd_trace_filter_match(&c->f, e))
		c->seqs[c->n++] = e->seq;
	return true;
}

/* The seqs matching query @p q, as "1,3". */
static const char *run(struct sipd_trace *t, struct q *q, char *out)
{
	struct collect c = { .n = 0 };
	char err[128];

	assert_int_equal(sipd_trace_filter_parse(&c.f, get, q, err, sizeof(err)), 0);
	sipd_trace_ring_foreach(t, visit, &c);
	out[0] = '\0';
	for (int i = 0; i < c.n; i++)
		sprintf(out + strlen(out), "%s%llu", i ? "," : "",
			(unsigned long long)c.seqs[i]);
	return out;
}

static void test_filters(void **state)
{
	struct sipd_trace *t;
	struct sipd_trace_entry e;
	char out[64];

	assert_int_equal(sipd_trace_alloc(&t, 16), 0);
	sipd_trace_enable(t, true);
	e = entry(inv, "127.0.0.1:5070", 1700000000);
	assert_int_equal(sipd_trace_add(t, &e), 0);
	e = entry(ok, "127.0.0.1:5070", 1700000001);
	assert_int_equal(sipd_trace_add(t, &e), 0);
	e = entry(reg, "[::1]:5080", 1700000002);
	assert_int_equal(sipd_trace_add(t, &e), 0);
	assert_int_equal(sipd_trace_last_seq(t), 3);

	assert_string_equal(run(t, &(struct q){ .k = { NULL } }, out), "1,2,3");
	assert_string_equal(run(t, &(struct q){ .k = { "call_id" }, .v = { "call-A" } }, out), "1,2");
	assert_string_equal(run(t, &(struct q){ .k = { "call_id" }, .v = { "call-" } }, out), "");
	assert_string_equal(run(t, &(struct q){ .k = { "method" }, .v = { "INVITE" } }, out), "1,2");
	assert_string_equal(run(t, &(struct q){ .k = { "method" }, .v = { "REGISTER" } }, out), "3");
	assert_string_equal(run(t, &(struct q){ .k = { "user" }, .v = { "aro" } }, out), "3");
	assert_string_equal(run(t, &(struct q){ .k = { "user" }, .v = { "bob" } }, out), "1,2");
	assert_string_equal(run(t, &(struct q){ .k = { "addr" }, .v = { "::1" } }, out), "3");
	assert_string_equal(run(t, &(struct q){ .k = { "addr" }, .v = { "127.0.0.1:5070" } }, out), "1,2");
	assert_string_equal(run(t, &(struct q){ .k = { "addr" }, .v = { "127.0.0.1:5071" } }, out), "");
	assert_string_equal(run(t, &(struct q){ .k = { "after" }, .v = { "1" } }, out), "2,3");
	/* 1700000001 is 2023-11-14T22:13:21Z */
	assert_string_equal(run(t, &(struct q){ .k = { "since" }, .v = { "2023-11-14T22:13:21Z" } }, out), "2,3");
	assert_string_equal(run(t, &(struct q){ .k = { "since" }, .v = { "2023-11-14T23:13:21.5+01:00" } }, out), "3");
	assert_string_equal(run(t, &(struct q){ .k = { "method", "user" }, .v = { "INVITE", "carol" } }, out), "");
	sipd_trace_free(t);
}

static void test_bad_args(void **state)
{
	struct sipd_trace_filter f;
	char err[128];
	struct q bad[] = {
		{ .k = { "since" }, .v = { "yesterday" } },
		{ .k = { "after" }, .v = { "-1" } },
		{ .k = { "limit" }, .v = { "0" } },
		{ .k = { "limit" }, .v = { "100001" } },
		{ .k = { "addr" }, .v = { "example.com" } },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sipd_trace_filter_parse(&f, get, &bad[i], err,
							 sizeof(err)), EINVAL);
		assert_non_null(strstr(err, bad[i].k[0]));
	}
	assert_int_equal(sipd_trace_filter_parse(&f, get, &(struct q){ .k = { "limit" }, .v = { "5" } },
						 err, sizeof(err)), 0);
	assert_int_equal(f.limit, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
