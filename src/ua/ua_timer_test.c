/*
 * ua_timer_test.c - session-timer negotiation (RFC 4028 §7, §9, §10):
 * 422 below our Min-SE, refresher choice on the UAS side, the UAC reading
 * of a 2xx, the retry interval after 422, refresh and expiry times.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sip/msg.h"
#include "sip/ua.h"
#include "testutil.h"

static struct sip_msg *invite(const char *extra)
{
	return tu_msgf("INVITE sip:b@example.com SIP/2.0\n"
		       "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n"
		       "From: <sip:a@example.com>;tag=1\n"
		       "To: <sip:b@example.com>\n"
		       "Call-ID: st1\n"
		       "CSeq: 1 INVITE\n"
		       "%s"
		       "Content-Length: 0\n\n", extra);
}

static struct sip_msg *ok(const char *extra)
{
	return tu_msgf("SIP/2.0 %s\n"
		       "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n"
		       "From: <sip:a@example.com>;tag=1\n"
		       "To: <sip:b@example.com>;tag=2\n"
		       "Call-ID: st1\n"
		       "CSeq: 1 INVITE\n"
		       "Content-Length: 0\n\n", extra);
}

static void uas_on(const char *hdrs, struct sip_st_local lp, struct sip_st_result *r)
{
	struct sip_msg *m = invite(hdrs);
	struct sip_st_req rq;

	assert_int_equal(sip_st_read(m, &rq), 0);
	sip_st_uas(&rq, &lp, r);
	sip_msg_free(m);
}

static void test_uas_422(void **state)
{
	struct sip_st_result r;

	uas_on("Supported: timer\nSession-Expires: 60\n",
	       (struct sip_st_local){ 0, 90 }, &r);
	assert_int_equal(r.scode, 422);
	assert_int_equal(r.min_se, 90);
	assert_false(r.active);
}

static void test_uas_refresher(void **state)
{
	struct sip_st_result r;

	/* the UAC asks for uas: we refresh, and it supports timers */
	uas_on("Supported: timer\nSession-Expires: 120;refresher=uas\n",
	       (struct sip_st_local){ 0, 90 }, &r);
	assert_int_equal(r.scode, 0);
	assert_true(r.active);
	assert_int_equal(r.se, 120);
	assert_int_equal(r.refresher, SIP_REFRESHER_UAS);
	assert_true(r.require);
	/* no choice made: a UAC that supports timers refreshes */
	uas_on("Supported: timer\nSession-Expires: 120\n",
	       (struct sip_st_local){ 0, 90 }, &r);
	assert_int_equal(r.refresher, SIP_REFRESHER_UAC);
	/* a UAC without the extension never refreshes; no Require */
	uas_on("Session-Expires: 120;refresher=uac\n",
	       (struct sip_st_local){ 0, 90 }, &r);
	assert_int_equal(r.refresher, SIP_REFRESHER_UAS);
	assert_false(r.require);
}

static void test_uas_local_timer(void **state)
{
	struct sip_st_result r;

	/* nothing asked, nothing wanted: no timer */
	uas_on("", (struct sip_st_local){ 0, 90 }, &r);
	assert_false(r.active);
	/* we want one: our interval, never below the request's Min-SE */
	uas_on("Supported: timer\nMin-SE: 600\n", (struct sip_st_local){ 300, 90 }, &r);
	assert_true(r.active);
	assert_int_equal(r.se, 600);
}

static void test_uac(void **state)
{
	struct sip_msg *m = ok("200 OK\nSession-Expires: 100;refresher=uas\nRequire: timer");
	struct sip_st_result r;

	assert_int_equal(sip_st_uac(m, &r), 0);
	assert_true(r.active);
	assert_int_equal(r.se, 100);
	assert_int_equal(r.refresher, SIP_REFRESHER_UAS);
	sip_msg_free(m);
	m = ok("200 OK\nSupported: timer");
	assert_int_equal(sip_st_uac(m, &r), 0);
	assert_false(r.active);
	sip_msg_free(m);
	m = ok("200 OK\nSession-Expires: abc");
	assert_int_equal(sip_st_uac(m, &r), EBADMSG);
	sip_msg_free(m);
}

static void test_retry(void **state)
{
	struct sip_msg *m = ok("422 Session Interval Too Small\nMin-SE: 180");
	uint32_t se = 0;

	assert_int_equal(sip_st_retry(m, 90, &se), 0);
	assert_int_equal(se, 180);
	assert_int_equal(sip_st_retry(m, 1800, &se), 0);
	assert_int_equal(se, 1800);
	sip_msg_free(m);
	m = ok("422 Session Interval Too Small");
	assert_int_equal(sip_st_retry(m, 90, &se), ENOENT);
	sip_msg_free(m);
}

static void test_times(void **state)
{
	assert_int_equal(sip_st_refresh_ms(1800), 900000);
	assert_int_equal(sip_st_expire_ms(1800), (1800 - 32) * 1000);
	assert_int_equal(sip_st_expire_ms(90), 60000);
	assert_int_equal(sip_st_expire_ms(6), 4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uas_422),
		cmocka_unit_test(test_uas_refresher),
		cmocka_unit_test(test_uas_local_timer),
		cmocka_unit_test(test_uac),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
