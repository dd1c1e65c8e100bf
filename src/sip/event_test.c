/*
 * event_test.c - Event and Subscription-State (RFC 6665): values, dotted
 * templates, id matching, compact form, folds, errors, print round trips.
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
#include "sip/event.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "testutil.h"

static struct sip_msg *decode_hdrs(const char *hdrs)
{
	return tu_msgf(
		 "NOTIFY sip:bob@example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\n"
		 "CSeq: 2 NOTIFY\n"
		 "%s"
		 "Content-Length: 0\n\n", hdrs);
}

static void test_event(void **state)
{
	struct sip_msg *m = decode_hdrs("Event: presence.winfo.x ;id=abc;\n"
					"  other=\"q v\";flag\n"
					"Subscription-State: active;expires=600\n");
	const struct sip_event *e, *again;

	(void)state;
	assert_int_equal(sip_msg_event(m, &e), 0);
	assert_true(sip_pl_eqs(e->type, "presence.winfo.x"));
	assert_true(sip_pl_eqs(e->package, "presence"));
	assert_true(sip_pl_eqs(e->templates, "winfo.x"));
	assert_true(sip_pl_eqs(e->id, "abc"));
	assert_true(sip_pl_eqs(e->params, ";id=abc;\r\n  other=\"q v\";flag"));
	assert_int_equal(sip_msg_event(m, &again), 0);
	assert_ptr_equal(again, e);
	assert_null(m->err);
	sip_msg_free(m);

	m = decode_hdrs("o: dialog\n");
	assert_int_equal(sip_msg_event(m, &e), 0);
	assert_true(sip_pl_eqs(e->type, "dialog"));
	assert_true(sip_pl_eqs(e->package, "dialog"));
	assert_false(sip_pl_isset(&e->templates));
	assert_false(sip_pl_isset(&e->id));
	assert_int_equal(e->params.len, 0);
	sip_msg_free(m);

	m = decode_hdrs("");
	e = NULL;
	assert_int_equal(sip_msg_event(m, &e), ENOENT);
	assert_null(e);
	sip_msg_free(m);
}

static void test_match(void **state)
{
	struct sip_event a, b;

	(void)state;
	/* RFC 6665 §8.2.1 examples */
	assert_int_equal(sip_event_decode(&a, SIP_PL("foo; id=1234")), 0);
	assert_int_equal(sip_event_decode(&b, SIP_PL("foo; param=abcd; id=1234")), 0);
	assert_true(sip_event_match(&a, &b));
	assert_int_equal(sip_event_decode(&b, SIP_PL("Foo; id=1234")), 0);
	assert_false(sip_event_match(&a, &b));
	assert_int_equal(sip_event_decode(&b, SIP_PL("foo")), 0);
	assert_false(sip_event_match(&a, &b));
	assert_false(sip_event_match(&b, &a));
	assert_int_equal(sip_event_decode(&a, SIP_PL("foo;x=1")), 0);
	assert_true(sip_event_match(&a, &b));
	assert_int_equal(sip_event_decode(&b, SIP_PL("foo;id=12345")), 0);
	assert_int_equal(sip_event_decode(&a, SIP_PL("foo;id=1234")), 0);
	assert_false(sip_event_match(&a, &b));
}

static void test_substate(void **state)
{
	struct sip_msg *m = decode_hdrs("Subscription-State: terminated;reason=timeout;\n"
					"\tretry-after=30 ; x=y\n");
	const struct sip_substate *s;

	(void)state;
	assert_int_equal(sip_msg_substate(m, &s), 0);
	assert_int_equal(s->state, SIP_SUBSTATE_TERMINATED);
	assert_true(sip_pl_eqs(s->value, "terminated"));
	assert_int_equal(s->reason_id, SIP_SUBREASON_TIMEOUT);
	assert_true(sip_pl_eqs(s->reason, "timeout"));
	assert_false(s->has_expires);
	assert_true(s->has_retry_after);
	assert_int_equal(s->retry_after, 30);
	sip_msg_free(m);

	m = decode_hdrs("Subscription-State: PENDING;expires=4294967295\n");
	assert_int_equal(sip_msg_substate(m, &s), 0);
	assert_int_equal(s->state, SIP_SUBSTATE_PENDING);
	assert_true(s->has_expires);
	assert_int_equal(s->expires, 4294967295u);
	assert_int_equal(s->reason_id, SIP_SUBREASON_NONE);
	assert_false(sip_pl_isset(&s->reason));
	sip_msg_free(m);

	m = decode_hdrs("Subscription-State: waiting;reason=later\n");
	assert_int_equal(sip_msg_substate(m, &s), 0);
	assert_int_equal(s->state, SIP_SUBSTATE_OTHER);
	assert_true(sip_pl_eqs(s->value, "waiting"));
	assert_int_equal(s->reason_id, SIP_SUBREASON_OTHER);
	sip_msg_free(m);

	m = decode_hdrs("");
	assert_int_equal(sip_msg_substate(m, &s), ENOENT);
	sip_msg_free(m);

	assert_string_equal(sip_substate_name(SIP_SUBSTATE_ACTIVE), "active");
	assert_null(sip_substate_name(SIP_SUBSTATE_OTHER));
	assert_string_equal(sip_subreason_name(SIP_SUBREASON_NORESOURCE), "noresource");
	assert_string_equal(sip_subreason_name(SIP_SUBREASON_INVARIANT), "invariant");
	assert_null(sip_subreason_name(SIP_SUBREASON_OTHER));
	assert_null(sip_subreason_name(SIP_SUBREASON_NONE));
}

struct bad_case {
	const char *hdrs;
	int which;    /* 0 Event, 1 Subscription-State */
};

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "Event:\n", 0 },
		{ "Event: presence..winfo\n", 0 },
		{ "Event: .presence\n", 0 },
		{ "Event: presence.\n", 0 },
		{ "Event: presence winfo\n", 0 },
		{ "Event: presence, dialog\n", 0 },
		{ "Event: presence\nEvent: dialog\n", 0 },
		{ "Event: presence;id=\"1\"\n", 0 },
		{ "Event: presence;id\n", 0 },
		{ "Event: presence;id=[::1]\n", 0 },
		{ "Event: presence;\n", 0 },
		{ "Event: \"presence\"\n", 0 },
		{ "Subscription-State:\n", 1 },
		{ "Subscription-State: active;expires=abc\n", 1 },
		{ "Subscription-State: active;expires=4294967296\n", 1 },
		{ "Subscription-State: active;expires\n", 1 },
		{ "Subscription-State: active;expires=\"60\"\n", 1 },
		{ "Subscription-State: terminated;retry-after=-1\n", 1 },
		{ "Subscription-State: terminated;reason=\"timeout\"\n", 1 },
		{ "Subscription-State: terminated;reason\n", 1 },
		{ "Subscription-State: active active\n", 1 },
		{ "Subscription-State: active\nSubscription-State: pending\n", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_msg *m = decode_hdrs(cases[i].hdrs);
		const struct sip_event *e = NULL;
		const struct sip_substate *s = NULL;

		assert_null(m->err);
		if (cases[i].which == 0) {
			assert_int_equal(sip_msg_event(m, &e), EBADMSG);
			assert_string_equal(m->err, "Bad Event header");
			assert_int_equal(m->err_hdr, SIP_HDR_EVENT);
			assert_int_equal(sip_msg_event(m, &e), EBADMSG);
		} else {
			assert_int_equal(sip_msg_substate(m, &s), EBADMSG);
			assert_string_equal(m->err, "Bad Subscription-State header");
			assert_int_equal(m->err_hdr, SIP_HDR_SUBSCRIPTION_STATE);
			assert_int_equal(sip_msg_substate(m, &s), EBADMSG);
		}
		assert_null(e);
		assert_null(s);
		sip_msg_free(m);
	}
}

static void test_print(void **state)
{
	struct sip_msg *m = decode_hdrs("Event: presence.winfo;x=\"a b\" ;\n id=7;flag\n"
					"Subscription-State: active ;x=1; expires=60;reason=giveup\n");
	const struct sip_event *e;
	const struct sip_substate *s;
	struct sip_event e2;
	struct sip_substate s2;
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);
	assert_int_equal(sip_msg_event(m, &e), 0);
	sip_event_print(&b, e);
	assert_string_equal(b.p, "presence.winfo;id=7;x=\"a b\";flag");
	assert_int_equal(sip_event_decode(&e2, sip_buf_pl_get(&b)), 0);
	assert_true(sip_event_match(e, &e2));
	assert_true(sip_pl_eq(e->templates, e2.templates));
	sip_buf_reset(&b);

	assert_int_equal(sip_msg_substate(m, &s), 0);
	sip_substate_print(&b, s);
	assert_string_equal(b.p, "active;reason=giveup;expires=60;x=1");
	assert_int_equal(sip_substate_decode(&s2, sip_buf_pl_get(&b)), 0);
	assert_int_equal(s2.state, s->state);
	assert_int_equal(s2.reason_id, s->reason_id);
	assert_int_equal(s2.expires, s->expires);
	assert_int_equal(s2.has_retry_after, s->has_retry_after);
	sip_buf_reset(&b);
	sip_msg_free(m);

	/* built by hand */
	memset(&s2, 0, sizeof(s2));
	s2.state = SIP_SUBSTATE_TERMINATED;
	s2.reason_id = SIP_SUBREASON_NORESOURCE;
	s2.has_retry_after = true;
	s2.retry_after = 3600;
	sip_substate_print(&b, &s2);
	assert_string_equal(b.p, "terminated;reason=noresource;retry-after=3600");
	{
		struct sip_substate s3;

		assert_int_equal(sip_substate_decode(&s3, sip_buf_pl_get(&b)), 0);
		assert_int_equal(s3.state, SIP_SUBSTATE_TERMINATED);
		assert_int_equal(s3.reason_id, SIP_SUBREASON_NORESOURCE);
		assert_int_equal(s3.retry_after, 3600);
	}
	sip_buf_reset(&b);

	memset(&e2, 0, sizeof(e2));
	e2.type = SIP_PL("message-summary");
	sip_event_print(&b, &e2);
	assert_string_equal(b.p, "message-summary");
	sip_buf_reset(&b);
}

static void test_oom(void **state)
{
	struct sip_msg *m = decode_hdrs("Event: presence\nSubscription-State: active\n");
	const struct sip_event *e;
	const struct sip_substate *s;
	int err = ENOMEM;

	(void)state;
	for (long n = 0; err == ENOMEM; n++) {
		sip_mem_fail_after(n);
		err = sip_msg_event(m, &e);
		if (!err)
			err = sip_msg_substate(m, &s);
		sip_mem_fail_after(-1);
	}
	assert_int_equal(err, 0);
	sip_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_substate),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
