/*
 * session_test.c - RSeq, RAck, Session-Expires, Min-SE, Replaces, Reason,
 * Privacy, Retry-After, Warning, Date, Timestamp: values, lists across
 * lines, compact form, folds, every error (RFC 4475 scalarlg, baddate),
 * print round trips.
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
#include "sip/session.h"
#include "testutil.h"

static struct sip_msg *decode_hdrs(const char *hdrs)
{
	return tu_msgf(
		 "PRACK sip:bob@example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\n"
		 "CSeq: 2 PRACK\n"
		 "%s"
		 "Content-Length: 0\n\n", hdrs);
}

/* Calls the getter of @p id and returns its result (values discarded). */
static int get(struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_rack *rack;
	const struct sip_session_expires *se;
	const struct sip_replaces *rep;
	const struct sip_reason *rs;
	const struct sip_privacy *pv;
	const struct sip_retry_after *ra;
	const struct sip_warning *w;
	const struct sip_timestamp *ts;
	uint32_t u;
	time_t t;

	switch (id) {
	case SIP_HDR_RSEQ:            return sip_msg_rseq(m, &u);
	case SIP_HDR_RACK:            return sip_msg_rack(m, &rack);
	case SIP_HDR_SESSION_EXPIRES: return sip_msg_session_expires(m, &se);
	case SIP_HDR_MIN_SE:          return sip_msg_min_se(m, &u);
	case SIP_HDR_REPLACES:        return sip_msg_replaces(m, &rep);
	case SIP_HDR_REASON:          return sip_msg_reason_hdr(m, &rs);
	case SIP_HDR_PRIVACY:         return sip_msg_privacy(m, &pv);
	case SIP_HDR_RETRY_AFTER:     return sip_msg_retry_after(m, &ra);
	case SIP_HDR_WARNING:         return sip_msg_warning(m, &w);
	case SIP_HDR_DATE:            return sip_msg_date(m, &t);
	case SIP_HDR_TIMESTAMP:       return sip_msg_timestamp(m, &ts);
	default:                      fail(); return -1;
	}
}

static void test_rseq_rack(void **state)
{
	struct sip_msg *m = decode_hdrs("RSeq: 4294967295\n"
					"RAck: 776656 1\n"
					"  INVITE\n");
	const struct sip_rack *r;
	uint32_t n = 0;

	(void)state;
	assert_int_equal(sip_msg_rseq(m, &n), 0);
	assert_int_equal(n, 4294967295u);
	assert_int_equal(sip_msg_rack(m, &r), 0);
	assert_int_equal(r->rseq, 776656);
	assert_int_equal(r->cseq, 1);
	assert_true(sip_pl_eqs(r->method, "INVITE"));
	assert_int_equal(r->mid, SIP_INVITE);
	sip_msg_free(m);

	m = decode_hdrs("RAck: 1 2147483647 FOO\n");
	assert_int_equal(sip_msg_rack(m, &r), 0);
	assert_int_equal(r->cseq, 2147483647u);
	assert_int_equal(r->mid, SIP_METHOD_OTHER);
	n = 9;
	assert_int_equal(sip_msg_rseq(m, &n), ENOENT);
	assert_int_equal(n, 9);
	sip_msg_free(m);
}

static void test_session_expires(void **state)
{
	struct sip_msg *m = decode_hdrs("x: 1800;refresher=uac\nMin-SE: 90 ; x=1\n");
	const struct sip_session_expires *se;
	uint32_t n;

	(void)state;
	assert_int_equal(sip_msg_session_expires(m, &se), 0);
	assert_int_equal(se->secs, 1800);
	assert_int_equal(se->refresher, SIP_REFRESHER_UAC);
	assert_int_equal(sip_msg_min_se(m, &n), 0);
	assert_int_equal(n, 90);
	sip_msg_free(m);

	m = decode_hdrs("Session-Expires: 4000 ;Refresher=UAS; foo=bar\n");
	assert_int_equal(sip_msg_session_expires(m, &se), 0);
	assert_int_equal(se->secs, 4000);
	assert_int_equal(se->refresher, SIP_REFRESHER_UAS);
	assert_true(sip_pl_eqs(se->params, ";Refresher=UAS; foo=bar"));
	sip_msg_free(m);

	m = decode_hdrs("Session-Expires: 90\n");
	assert_int_equal(sip_msg_session_expires(m, &se), 0);
	assert_int_equal(se->refresher, SIP_REFRESHER_NONE);
	assert_int_equal(se->params.len, 0);
	assert_int_equal(sip_msg_min_se(m, &n), ENOENT);
	sip_msg_free(m);
}

static void test_replaces(void **state)
{
	struct sip_msg *m = decode_hdrs("Replaces: 98732@sip.example.com\n"
					"  ;from-tag=r33th4x0r\n"
					"  ;to-tag=ff87ff\n");
	const struct sip_replaces *r;
	struct sip_replaces r2;

	(void)state;
	assert_int_equal(sip_msg_replaces(m, &r), 0);
	assert_true(sip_pl_eqs(r->callid, "98732@sip.example.com"));
	assert_true(sip_pl_eqs(r->to_tag, "ff87ff"));
	assert_true(sip_pl_eqs(r->from_tag, "r33th4x0r"));
	assert_false(r->early_only);
	sip_msg_free(m);

	assert_int_equal(sip_replaces_decode(&r2, SIP_PL("12adf2f34456gs5;to-tag=12345;"
							  "from-tag=54321;early-only")), 0);
	assert_true(sip_pl_eqs(r2.callid, "12adf2f34456gs5"));
	assert_true(r2.early_only);
}

static void test_reason(void **state)
{
	struct sip_msg *m = decode_hdrs("Reason: SIP ;cause=200 ;text=\"Call completed elsewhere\"\n"
					"Reason: Q.850;cause=16;text=\"Terminated, normally\",\n"
					"  preemption;cause=1;x=y\n");
	const struct sip_reason *r;

	(void)state;
	assert_int_equal(sip_msg_reason_hdr(m, &r), 0);
	assert_true(sip_pl_eqs(r->protocol, "SIP"));
	assert_true(r->has_cause);
	assert_int_equal(r->cause, 200);
	assert_true(sip_pl_eqs(r->text, "Call completed elsewhere"));
	r = r->next;
	assert_true(sip_pl_eqs(r->protocol, "Q.850"));
	assert_int_equal(r->cause, 16);
	assert_true(sip_pl_eqs(r->text, "Terminated, normally"));
	r = r->next;
	assert_true(sip_pl_eqs(r->protocol, "preemption"));
	assert_int_equal(r->cause, 1);
	assert_false(sip_pl_isset(&r->text));
	assert_null(r->next);
	/* the status line's reason phrase is untouched */
	assert_int_equal(m->reason.len, 0);
	sip_msg_free(m);

	m = decode_hdrs("Reason: SIP\n");
	assert_int_equal(sip_msg_reason_hdr(m, &r), 0);
	assert_false(r->has_cause);
	sip_msg_free(m);
}

static void test_privacy(void **state)
{
	struct sip_msg *m = decode_hdrs("Privacy: id; header ;user;critical;foo\n");
	const struct sip_privacy *p;

	(void)state;
	assert_int_equal(sip_msg_privacy(m, &p), 0);
	assert_int_equal(p->flags, SIP_PRIV_ID | SIP_PRIV_HEADER | SIP_PRIV_USER |
			 SIP_PRIV_CRITICAL | SIP_PRIV_OTHER);
	assert_true(sip_privacy_has(p, "FOO"));
	assert_true(sip_privacy_has(p, "id"));
	assert_false(sip_privacy_has(p, "session"));
	assert_false(sip_privacy_has(p, "i"));
	sip_msg_free(m);

	m = decode_hdrs("Privacy: None\n");
	assert_int_equal(sip_msg_privacy(m, &p), 0);
	assert_int_equal(p->flags, SIP_PRIV_NONE);
	sip_msg_free(m);

	m = decode_hdrs("Privacy: session;history\n");
	assert_int_equal(sip_msg_privacy(m, &p), 0);
	assert_int_equal(p->flags, SIP_PRIV_SESSION | SIP_PRIV_HISTORY);
	sip_msg_free(m);
}

static void test_retry_after(void **state)
{
	struct sip_msg *m = decode_hdrs("Retry-After: 18000;duration=3600\n");
	const struct sip_retry_after *ra;

	(void)state;
	assert_int_equal(sip_msg_retry_after(m, &ra), 0);
	assert_int_equal(ra->secs, 18000);
	assert_true(ra->has_duration);
	assert_int_equal(ra->duration, 3600);
	assert_false(sip_pl_isset(&ra->comment));
	sip_msg_free(m);

	m = decode_hdrs("Retry-After: 120 (I'm in a meeting)\n");
	assert_int_equal(sip_msg_retry_after(m, &ra), 0);
	assert_int_equal(ra->secs, 120);
	assert_true(sip_pl_eqs(ra->comment, "I'm in a meeting"));
	assert_false(ra->has_duration);
	sip_msg_free(m);

	m = decode_hdrs("Retry-After: 4294967295 (a (nested) \\) one);duration=0;foo\n");
	assert_int_equal(sip_msg_retry_after(m, &ra), 0);
	assert_int_equal(ra->secs, 4294967295u);
	assert_true(sip_pl_eqs(ra->comment, "a (nested) \\) one"));
	assert_int_equal(ra->duration, 0);
	assert_true(sip_pl_eqs(ra->params, ";duration=0;foo"));
	sip_msg_free(m);
}

static void test_warning(void **state)
{
	struct sip_msg *m = decode_hdrs(
		"Warning: 307 isi.edu \"Session parameter 'foo' not understood\"\n"
		"Warning: 301 isi.edu \"Incompatible network address type 'E.164'\",\n"
		"  399 [2001:db8::1]:5060 \"a, \\\"b\\\"\"\n");
	const struct sip_warning *w;

	(void)state;
	assert_int_equal(sip_msg_warning(m, &w), 0);
	assert_int_equal(w->code, 307);
	assert_true(sip_pl_eqs(w->agent, "isi.edu"));
	assert_true(sip_pl_eqs(w->text, "Session parameter 'foo' not understood"));
	w = w->next;
	assert_int_equal(w->code, 301);
	w = w->next;
	assert_int_equal(w->code, 399);
	assert_true(sip_pl_eqs(w->agent, "[2001:db8::1]:5060"));
	assert_true(sip_pl_eqs(w->text, "a, \\\"b\\\""));
	assert_null(w->next);
	sip_msg_free(m);
}

static void test_date(void **state)
{
	static const struct {
		const char *text;
		int64_t t;
	} ok[] = {
		{ "Sat, 13 Nov 2010 23:29:00 GMT", 1289690940 },
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
		{ "Thu, 29 Feb 2024 12:00:00 GMT", 1709208000 },
		{ "sat, 15 oct 2005 04:44:56 gmt", 1129351496 },
		{ "Wed, 31 Dec 1969 23:59:59 GMT", -1 },
		{ "Mon, 01 Jan 0001 00:00:00 GMT", -62135596800LL },
		{ "Fri, 31 Dec 9999 23:59:59 GMT", 253402300799LL },
		{ "Sat, 01 Jan 0000 00:00:00 GMT", -62167219200LL },
		/* a leap second lands on the next minute */
		{ "Sat, 31 Dec 2016 23:59:60 GMT", 1483228800 },
	};
	struct sip_msg *m = decode_hdrs("Date: Sat, 13 Nov 2010\n 23:29:00 GMT\n");
	time_t t = 0;

	(void)state;
	assert_int_equal(sip_msg_date(m, &t), 0);
	assert_int_equal((int64_t)t, 1289690940);
	sip_msg_free(m);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(sip_date_decode(sip_pl_str(ok[i].text), &t), 0);
		assert_int_equal((int64_t)t, ok[i].t);
	}
}

static void test_date_print(void **state)
{
	static const int64_t times[] = {
		0, 1289690940, 951782400, -1, -62135596800LL, 253402300799LL,
		-62167219200LL, 1700000000, 4102444800LL,
	};
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);
	assert_int_equal(sip_date_print(&b, 1289690940), 0);
	assert_string_equal(b.p, "Sat, 13 Nov 2010 23:29:00 GMT");
	sip_buf_reset(&b);
	assert_int_equal(sip_date_print(&b, -1), 0);
	assert_string_equal(b.p, "Wed, 31 Dec 1969 23:59:59 GMT");
	sip_buf_reset(&b);
	assert_int_equal(sip_date_print(&b, 951782400), 0);
	assert_string_equal(b.p, "Tue, 29 Feb 2000 00:00:00 GMT");
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		time_t t = 1;

		sip_buf_reset(&b);
		assert_int_equal(sip_date_print(&b, (time_t)times[i]), 0);
		assert_int_equal(sip_date_decode(sip_buf_pl_get(&b), &t), 0);
		assert_int_equal((int64_t)t, times[i]);
	}
	/* every day of four years, to cover leap days and weekdays */
	for (int64_t s = 946684800; s < 946684800 + 4 * 366 * 86400LL; s += 86400 + 61) {
		time_t t = 1;

		sip_buf_reset(&b);
		assert_int_equal(sip_date_print(&b, (time_t)s), 0);
		assert_int_equal(sip_date_decode(sip_buf_pl_get(&b), &t), 0);
		assert_int_equal((int64_t)t, s);
	}
	sip_buf_reset(&b);
	assert_int_equal(sip_date_print(&b, (time_t)253402300800LL), EINVAL);
	assert_int_equal(sip_date_print(&b, (time_t)-62167219201LL), EINVAL);
	assert_int_equal(b.len, 0);
	sip_buf_reset(&b);
}

static void test_timestamp(void **state)
{
	struct sip_msg *m = decode_hdrs("Timestamp: 54.123 0.5\n");
	const struct sip_timestamp *ts;
	struct sip_timestamp t2;

	(void)state;
	assert_int_equal(sip_msg_timestamp(m, &ts), 0);
	assert_true(sip_pl_eqs(ts->value, "54.123"));
	assert_true(sip_pl_eqs(ts->delay, "0.5"));
	sip_msg_free(m);

	assert_int_equal(sip_timestamp_decode(&t2, SIP_PL("54")), 0);
	assert_true(sip_pl_eqs(t2.value, "54"));
	assert_false(sip_pl_isset(&t2.delay));
	assert_int_equal(sip_timestamp_decode(&t2, SIP_PL("100. 7")), 0);
	assert_true(sip_pl_eqs(t2.value, "100."));
	assert_true(sip_pl_eqs(t2.delay, "7"));
}

struct bad_case {
	const char *hdrs;
	enum sip_hdr_id id;
	const char *err;
};

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "RSeq: 0\n", SIP_HDR_RSEQ, "Bad RSeq header" },
		{ "RSeq: 4294967296\n", SIP_HDR_RSEQ, "Bad RSeq header" },
		{ "RSeq: abc\n", SIP_HDR_RSEQ, "Bad RSeq header" },
		{ "RSeq:\n", SIP_HDR_RSEQ, "Bad RSeq header" },
		{ "RSeq: 1 2\n", SIP_HDR_RSEQ, "Bad RSeq header" },
		{ "RSeq: 1\nRSeq: 2\n", SIP_HDR_RSEQ, "Bad RSeq header" },
		{ "RAck: 0 1 INVITE\n", SIP_HDR_RACK, "Bad RAck header" },
		{ "RAck: 1 2147483648 INVITE\n", SIP_HDR_RACK, "Bad RAck header" },
		{ "RAck: 1 1\n", SIP_HDR_RACK, "Bad RAck header" },
		{ "RAck: 1 1INVITE\n", SIP_HDR_RACK, "Bad RAck header" },
		{ "RAck: 1 1 INVITE x\n", SIP_HDR_RACK, "Bad RAck header" },
		{ "RAck: 1 1 INVITE\nRAck: 2 1 INVITE\n", SIP_HDR_RACK, "Bad RAck header" },
		{ "Session-Expires: 1800;refresher=xyz\n", SIP_HDR_SESSION_EXPIRES,
		  "Bad Session-Expires header" },
		{ "x: 1800;refresher\n", SIP_HDR_SESSION_EXPIRES, "Bad Session-Expires header" },
		{ "x: 1800;refresher=\"uac\"\n", SIP_HDR_SESSION_EXPIRES,
		  "Bad Session-Expires header" },
		{ "x: abc\n", SIP_HDR_SESSION_EXPIRES, "Bad Session-Expires header" },
		{ "x: 1800;\n", SIP_HDR_SESSION_EXPIRES, "Bad Session-Expires header" },
		{ "x: 4294967296\n", SIP_HDR_SESSION_EXPIRES, "Bad Session-Expires header" },
		{ "x: 90\nx: 100\n", SIP_HDR_SESSION_EXPIRES, "Bad Session-Expires header" },
		{ "Min-SE:\n", SIP_HDR_MIN_SE, "Bad Min-SE header" },
		{ "Min-SE: -1\n", SIP_HDR_MIN_SE, "Bad Min-SE header" },
		{ "Min-SE: 90 x\n", SIP_HDR_MIN_SE, "Bad Min-SE header" },
		{ "Replaces: abc;from-tag=1\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Replaces: abc;to-tag=1\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Replaces: abc;to-tag=1;from-tag=2;to-tag=3\n", SIP_HDR_REPLACES,
		  "Bad Replaces header" },
		{ "Replaces: abc;to-tag=\"1\";from-tag=2\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Replaces: abc;to-tag;from-tag=2\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Replaces: @x;to-tag=1;from-tag=2\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Replaces: a@;to-tag=1;from-tag=2\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Replaces: a b;to-tag=1;from-tag=2\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Replaces:\n", SIP_HDR_REPLACES, "Bad Replaces header" },
		{ "Reason: SIP;cause=abc\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Reason: SIP;cause=\"16\"\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Reason: SIP;text\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Reason: SIP;cause=1,,Q.850\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Reason: SIP;cause=1,\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Reason:\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Reason: SIP;text=\"open\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Reason: SIP\nReason: \"x\"\n", SIP_HDR_REASON, "Bad Reason header" },
		{ "Privacy:\n", SIP_HDR_PRIVACY, "Bad Privacy header" },
		{ "Privacy: id;;user\n", SIP_HDR_PRIVACY, "Bad Privacy header" },
		{ "Privacy: id,user\n", SIP_HDR_PRIVACY, "Bad Privacy header" },
		{ "Privacy: id;\n", SIP_HDR_PRIVACY, "Bad Privacy header" },
		{ "Privacy: id user\n", SIP_HDR_PRIVACY, "Bad Privacy header" },
		{ "Privacy: id\nPrivacy: user\n", SIP_HDR_PRIVACY, "Bad Privacy header" },
		/* RFC 4475 scalarlg */
		{ "Retry-After: 949302838503028349304023988\n", SIP_HDR_RETRY_AFTER,
		  "Bad Retry-After header" },
		{ "Retry-After: 4294967296\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: abc\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: 120 (unterminated\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: 120 (a (b)\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: 120;duration=abc\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: 120;duration\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: 120 x\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: 120 (c) x\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		{ "Retry-After: 1\nRetry-After: 2\n", SIP_HDR_RETRY_AFTER, "Bad Retry-After header" },
		/* RFC 4475 scalarlg */
		{ "Warning: 1812 overture \"In Czech\"\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning: 30 isi.edu \"x\"\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning: 307 isi.edu x\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning: 307 \"x\"\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning: 307 isi.edu \"x\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning: 307isi.edu \"x\"\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning: 307 isi.edu \"x\" y\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning: 307 isi.edu \"x\",\n", SIP_HDR_WARNING, "Bad Warning header" },
		{ "Warning:\n", SIP_HDR_WARNING, "Bad Warning header" },
		/* RFC 4475 baddate */
		{ "Date: Fri, 01 Jan 2010 16:00:00 EST\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:29:00\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat 13 Nov 2010 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat,13 Nov 2010 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Xyz, 13 Nov 2010 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 31 Nov 2010 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Wed, 29 Feb 2023 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 00 Nov 2010 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 24:00:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:60:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:29:61 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Foo 2010 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 10 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 20101 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 1 Nov 2010 23:29:00 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:29 GMT\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:29:00 GMTX\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:29:00 GMT x\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:29:00 UTC\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: 1289690940\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sa\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date:\n", SIP_HDR_DATE, "Bad Date header" },
		{ "Date: Sat, 13 Nov 2010 23:29:00 GMT\nDate: Sat, 13 Nov 2010 23:29:00 GMT\n",
		  SIP_HDR_DATE, "Bad Date header" },
		{ "Timestamp:\n", SIP_HDR_TIMESTAMP, "Bad Timestamp header" },
		{ "Timestamp: .5\n", SIP_HDR_TIMESTAMP, "Bad Timestamp header" },
		{ "Timestamp: 54 x\n", SIP_HDR_TIMESTAMP, "Bad Timestamp header" },
		{ "Timestamp: 54 .\n", SIP_HDR_TIMESTAMP, "Bad Timestamp header" },
		{ "Timestamp: 54,3\n", SIP_HDR_TIMESTAMP, "Bad Timestamp header" },
		{ "Timestamp: 54 1 2\n", SIP_HDR_TIMESTAMP, "Bad Timestamp header" },
		{ "Timestamp: 1\nTimestamp: 2\n", SIP_HDR_TIMESTAMP, "Bad Timestamp header" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_msg *m = decode_hdrs(cases[i].hdrs);

		assert_null(m->err);
		assert_int_equal(get(m, cases[i].id), EBADMSG);
		assert_non_null(m->err);
		assert_string_equal(m->err, cases[i].err);
		assert_int_equal(m->err_hdr, cases[i].id);
		/* the error is cached */
		assert_int_equal(get(m, cases[i].id), EBADMSG);
		sip_msg_free(m);
	}
}

/* Getters leave their out-parameter alone when they fail. */
static void test_untouched(void **state)
{
	struct sip_msg *m = decode_hdrs("RSeq: 0\nMin-SE: x\nDate: x\nRAck: x\n");
	const struct sip_rack *r = (const void *)&r;
	const struct sip_warning *w = (const void *)&w;
	uint32_t n = 7;
	time_t t = 7;

	(void)state;
	assert_int_equal(sip_msg_rseq(m, &n), EBADMSG);
	assert_int_equal(sip_msg_min_se(m, &n), EBADMSG);
	assert_int_equal(n, 7);
	assert_int_equal(sip_msg_date(m, &t), EBADMSG);
	assert_int_equal(t, 7);
	assert_int_equal(sip_msg_rack(m, &r), EBADMSG);
	assert_ptr_equal(r, (const void *)&r);
	assert_int_equal(sip_msg_warning(m, &w), ENOENT);
	assert_ptr_equal(w, (const void *)&w);
	/* the first error is the one kept */
	assert_string_equal(m->err, "Bad RSeq header");
	sip_msg_free(m);
}

/* Print each typed value, parse the text back, compare. */
static void test_print(void **state)
{
	struct sip_msg *m = decode_hdrs(
		"RAck: 776656   1 INVITE\n"
		"x: 1800 ; refresher=UAS ;a=\"b c\"\n"
		"Replaces: a84b4c76e66710@pc33.atlanta.example.com;early-only;\n"
		"  to-tag=xyz;x;from-tag=abc\n"
		"Reason: Q.850 ;x=1;cause=16;text=\"Terminated \\\"ok\\\"\", SIP;cause=200\n"
		"Privacy: CRITICAL;foo;id\n"
		"Retry-After: 120  (nested (c))  ;duration=60;x=y\n"
		"Warning: 370 192.0.2.1:5060 \"Insufficient bandwidth\", 399 a \"\"\n"
		"Timestamp: 1234.5   0.25\n");
	const struct sip_rack *rack;
	const struct sip_session_expires *se;
	const struct sip_replaces *rep;
	const struct sip_reason *rs;
	const struct sip_privacy *pv;
	const struct sip_retry_after *ra;
	const struct sip_warning *w;
	const struct sip_timestamp *ts;
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);

	assert_int_equal(sip_msg_rack(m, &rack), 0);
	sip_rack_print(&b, rack);
	assert_string_equal(b.p, "776656 1 INVITE");
	{
		struct sip_rack r2;

		assert_int_equal(sip_rack_decode(&r2, sip_buf_pl_get(&b)), 0);
		assert_int_equal(r2.rseq, rack->rseq);
		assert_int_equal(r2.cseq, rack->cseq);
		assert_int_equal(r2.mid, rack->mid);
	}

	sip_buf_reset(&b);
	assert_int_equal(sip_msg_session_expires(m, &se), 0);
	sip_session_expires_print(&b, se);
	assert_string_equal(b.p, "1800;refresher=uas;a=\"b c\"");
	{
		struct sip_session_expires s2;

		assert_int_equal(sip_session_expires_decode(&s2, sip_buf_pl_get(&b)), 0);
		assert_int_equal(s2.secs, se->secs);
		assert_int_equal(s2.refresher, se->refresher);
	}

	sip_buf_reset(&b);
	assert_int_equal(sip_msg_replaces(m, &rep), 0);
	sip_replaces_print(&b, rep);
	assert_string_equal(b.p, "a84b4c76e66710@pc33.atlanta.example.com;to-tag=xyz;"
			    "from-tag=abc;early-only;x");
	{
		struct sip_replaces r2;

		assert_int_equal(sip_replaces_decode(&r2, sip_buf_pl_get(&b)), 0);
		assert_true(sip_pl_eq(r2.callid, rep->callid));
		assert_true(sip_pl_eq(r2.to_tag, rep->to_tag));
		assert_true(sip_pl_eq(r2.from_tag, rep->from_tag));
		assert_int_equal(r2.early_only, rep->early_only);
	}

	assert_int_equal(sip_msg_reason_hdr(m, &rs), 0);
	for (int i = 0; rs; rs = rs->next, i++) {
		struct sip_reason r2;

		sip_buf_reset(&b);
		sip_reason_print(&b, rs);
		if (i == 0)
			assert_string_equal(b.p, "Q.850;cause=16;text=\"Terminated \\\"ok\\\"\";x=1");
		assert_int_equal(sip_reason_decode(&r2, sip_buf_pl_get(&b)), 0);
		assert_true(sip_pl_eq(r2.protocol, rs->protocol));
		assert_int_equal(r2.cause, rs->cause);
		assert_true(sip_pl_eq(r2.text, rs->text));
	}

	sip_buf_reset(&b);
	assert_int_equal(sip_msg_privacy(m, &pv), 0);
	sip_privacy_print(&b, pv);
	assert_string_equal(b.p, "critical;id;foo");
	{
		struct sip_privacy p2;

		assert_int_equal(sip_privacy_decode(&p2, sip_buf_pl_get(&b)), 0);
		assert_int_equal(p2.flags, pv->flags);
		assert_true(sip_privacy_has(&p2, "foo"));
	}

	sip_buf_reset(&b);
	assert_int_equal(sip_msg_retry_after(m, &ra), 0);
	sip_retry_after_print(&b, ra);
	assert_string_equal(b.p, "120 (nested (c));duration=60;x=y");
	{
		struct sip_retry_after r2;

		assert_int_equal(sip_retry_after_decode(&r2, sip_buf_pl_get(&b)), 0);
		assert_int_equal(r2.secs, ra->secs);
		assert_true(sip_pl_eq(r2.comment, ra->comment));
		assert_int_equal(r2.duration, ra->duration);
	}

	assert_int_equal(sip_msg_warning(m, &w), 0);
	for (; w; w = w->next) {
		struct sip_warning w2;

		sip_buf_reset(&b);
		sip_warning_print(&b, w);
		assert_int_equal(sip_warning_decode(&w2, sip_buf_pl_get(&b)), 0);
		assert_int_equal(w2.code, w->code);
		assert_true(sip_pl_eq(w2.agent, w->agent));
		assert_true(sip_pl_eq(w2.text, w->text));
	}
	assert_string_equal(b.p, "399 a \"\"");

	sip_buf_reset(&b);
	assert_int_equal(sip_msg_timestamp(m, &ts), 0);
	sip_timestamp_print(&b, ts);
	assert_string_equal(b.p, "1234.5 0.25");
	sip_buf_reset(&b);
	assert_null(m->err);
	sip_msg_free(m);
}

/* Values built by hand. */
static void test_print_built(void **state)
{
	struct sip_session_expires se = { 0 };
	struct sip_privacy pv = { { 0 }, SIP_PRIV_USER | SIP_PRIV_HEADER };
	struct sip_warning w = { 0 };
	struct sip_retry_after ra = { 0 };
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);
	se.secs = 90;
	se.refresher = SIP_REFRESHER_UAC;
	sip_session_expires_print(&b, &se);
	assert_string_equal(b.p, "90;refresher=uac");
	sip_buf_reset(&b);
	sip_privacy_print(&b, &pv);
	assert_string_equal(b.p, "header;user");
	sip_buf_reset(&b);
	w.code = 302;
	w.agent = SIP_PL("sipd");
	w.text = SIP_PL("Incompatible transport protocol");
	sip_warning_print(&b, &w);
	assert_string_equal(b.p, "302 sipd \"Incompatible transport protocol\"");
	sip_buf_reset(&b);
	ra.secs = 300;
	sip_retry_after_print(&b, &ra);
	assert_string_equal(b.p, "300");
	sip_buf_reset(&b);
}

static void test_oom(void **state)
{
	long n;
	struct sip_msg *m;
	const struct sip_warning *w;
	char hdrs[12288];
	size_t off = 0;
	int err = ENOMEM;

	(void)state;
	for (int i = 0; i < 200; i++)
		off += (size_t)snprintf(hdrs + off, sizeof(hdrs) - off,
					"Warning: 399 host%d \"text\"\n", i);
	m = decode_hdrs(hdrs);
	for (n = 0; err == ENOMEM; n++) {
		sip_mem_fail_after(n);
		err = sip_msg_warning(m, &w);
		sip_mem_fail_after(-1);
	}
	assert_true(n > 1);   /* at least one allocation failed */
	assert_int_equal(err, 0);
	assert_true(sip_pl_eqs(w->agent, "host0"));
	sip_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rseq_rack),
		cmocka_unit_test(test_session_expires),
		cmocka_unit_test(test_replaces),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_privacy),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_warning),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_date_print),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_built),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
