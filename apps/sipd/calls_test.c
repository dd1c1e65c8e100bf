/*
 * calls_test.c - the call table (calls.h, calltab.h) fed with proxy
 * events on a virtual clock: trying, ringing, answered, ended by the
 * BYE's final, a failed call, lingering and expiry, re-INVITEs ignored,
 * foreach stopping early.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/timer.h"

#include "calls.h"
#include "calltab.h"
#include "sipd.h"

static struct sip_msg *req(const char *method, const char *callid, bool totag)
{
	char text[1024];
	struct sip_msg *m;
	int n = snprintf(text, sizeof(text),
			 "%s sip:bob@example.test SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\n"
			 "From: <sip:alice@example.test>;tag=a\r\n"
			 "To: <sip:bob@example.test>%s\r\n"
			 "Call-ID: %s\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n",
			 method, totag ? ";tag=b" : "", callid, method);

	assert_int_equal(sip_msg_decode(&m, text, (size_t)n, NULL, 0, NULL), 0);
	return m;
}

struct seen {
	char state[4][16];
	char callid[4][32];
	int64_t answered[4];
	int n;
	int stop_after;
};

static bool collect(const struct sipd_call_info *c, void *arg)
{
	struct seen *s = arg;

	snprintf(s->state[s->n], 16, "%s", c->state);
	snprintf(s->callid[s->n], 32, "%s", c->call_id);
	s->answered[s->n] = c->answered_ms;
	assert_string_equal(c->from, "sip:alice@example.test");
	assert_string_equal(c->to, "sip:bob@example.test");
	assert_true(c->started_ms > 1000000000000LL);
	s->n++;
	return s->n != s->stop_after;
}

static void event(struct sipd_calls *t, const char *method, const char *id,
		  bool totag, enum sip_proxy_event ev, uint16_t sc)
{
	struct sip_msg *m = req(method, id, totag);

	sipd_calltab_event(t, m, ev, sc);
	sip_msg_free(m);
}

static void test_lifecycle(void **state)
{
	struct sip_timers *ts;
	struct sipd_calls *t;
	struct sipd sd;
	struct seen s = { 0 };

	(void)state;
	assert_int_equal(sip_timers_alloc(&ts, 0), 0);
	assert_int_equal(sipd_calltab_alloc(&t, ts, 60), 0);
	memset(&sd, 0, sizeof(sd));
	sd.calls = t;

	event(t, "INVITE", "c1", false, SIP_PROXY_EV_START, 0);
	event(t, "INVITE", "c2", false, SIP_PROXY_EV_START, 0);
	assert_int_equal(sipd_calls_count(&sd), 2);
	event(t, "INVITE", "c1", false, SIP_PROXY_EV_RINGING, 180);
	event(t, "INVITE", "c2", false, SIP_PROXY_EV_FAILED, 486);
	assert_int_equal(sipd_calls_foreach(&sd, collect, &s), 2);
	assert_string_equal(s.callid[0], "c1");
	assert_string_equal(s.state[0], "ringing");
	assert_string_equal(s.state[1], "ended");
	assert_int_equal(s.answered[0], 0);

	event(t, "INVITE", "c1", false, SIP_PROXY_EV_ANSWERED, 200);
	/* a re-INVITE in the dialog changes nothing */
	event(t, "INVITE", "c1", true, SIP_PROXY_EV_FAILED, 491);
	memset(&s, 0, sizeof(s));
	sipd_calls_foreach(&sd, collect, &s);
	assert_string_equal(s.state[0], "answered");
	assert_true(s.answered[0] > 0);

	/* the failed call lingers, then goes */
	sip_timers_run(ts, SIPD_CALL_LINGER_MS);
	assert_int_equal(sipd_calls_count(&sd), 1);

	/* BYE 200 ends the answered call; it lingers too */
	event(t, "BYE", "c1", true, SIP_PROXY_EV_ANSWERED, 200);
	memset(&s, 0, sizeof(s));
	sipd_calls_foreach(&sd, collect, &s);
	assert_string_equal(s.state[0], "ended");
	sip_timers_run(ts, 2 * SIPD_CALL_LINGER_MS + 1);
	assert_int_equal(sipd_calls_count(&sd), 0);

	sipd_calltab_free(t);
	sip_mem_deref(ts);
}

static void test_timeout_and_stop(void **state)
{
	struct sip_timers *ts;
	struct sipd_calls *t;
	struct sipd sd;
	struct seen s = { .stop_after = 1 };

	(void)state;
	assert_int_equal(sip_timers_alloc(&ts, 0), 0);
	assert_int_equal(sipd_calltab_alloc(&t, ts, 60), 0);
	memset(&sd, 0, sizeof(sd));
	sd.calls = t;
	event(t, "INVITE", "a", false, SIP_PROXY_EV_START, 0);
	event(t, "INVITE", "b", false, SIP_PROXY_EV_START, 0);
	event(t, "INVITE", "a", false, SIP_PROXY_EV_ANSWERED, 200);
	/* false from the handler stops the walk */
	assert_int_equal(sipd_calls_foreach(&sd, collect, &s), 1);
	/* an answered call whose BYE never passes leaves after the timeout */
	sip_timers_run(ts, 59999);
	assert_int_equal(sipd_calls_count(&sd), 2);
	sip_timers_run(ts, 60000);
	assert_int_equal(sipd_calls_count(&sd), 0);
	sipd_calltab_free(t);
	sip_mem_deref(ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_timeout_and_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
