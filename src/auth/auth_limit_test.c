/*
 * auth_limit_test.c - bounds of the Digest server: failed attempts
 * rate-limited per source (block, 403, unblock after the block time, the
 * counting window, IPv6 /64 and IPv4-mapped sources) and the memory of
 * the per-source and nonce-count tables under many sources and nonces.
 */
#include "auth_harness.h"
#include "auth.h"

static struct sip_auth_result fail_from(struct harness *h, const struct sip_challenge *c,
					const struct sockaddr *src)
{
	return h_try(h, c, &(struct h_answer){ .pass = "guess" }, src);
}

static void test_block_and_unblock(void **state)
{
	struct sockaddr_storage a = h_addr("192.0.2.1"), b = h_addr("192.0.2.2");
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	unsigned lookups;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	for (int i = 1; i < SIP_AUTH_MAX_FAILURES; i++) {
		r = fail_from(&h, c, SA(a));
		assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
		assert_int_equal(r.why, SIP_AUTH_WHY_FAILED);
		h.now += 1000;
	}
	assert_int_equal(h.nblocked, 0);
	/* the tenth failure within the window blocks */
	r = fail_from(&h, c, SA(a));
	assert_int_equal(r.status, SIP_AUTH_FORBIDDEN);
	assert_int_equal(r.why, SIP_AUTH_WHY_BLOCKED);
	assert_int_equal(h.nblocked, 1);
	assert_int_equal(h.last_failures, SIP_AUTH_MAX_FAILURES);
	assert_int_equal(((struct sockaddr_in *)&h.last_blocked)->sin_addr.s_addr,
			 ((struct sockaddr_in *)&a)->sin_addr.s_addr);
	assert_int_equal(sip_auth_stats(h.auth)->blocked, 1);
	assert_int_equal(sip_auth_stats(h.auth)->failures, SIP_AUTH_MAX_FAILURES);

	/* blocked: even the right password gets 403, and costs no lookup */
	lookups = h.lookups;
	r = h_try(&h, c, &(struct h_answer){ 0 }, SA(a));
	assert_int_equal(r.status, SIP_AUTH_FORBIDDEN);
	r = h_check(&h, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", SA(a));
	assert_int_equal(r.status, SIP_AUTH_FORBIDDEN);
	assert_int_equal(h.lookups, lookups);
	assert_int_equal(sip_auth_stats(h.auth)->forbidden, 2);
	/* another source is not affected; the port does not matter */
	r = h_try(&h, c, &(struct h_answer){ 0 }, SA(b));
	assert_int_equal(r.status, SIP_AUTH_OK);
	((struct sockaddr_in *)&a)->sin_port = htons(5070);
	r = h_try(&h, c, &(struct h_answer){ .nc = 2 }, SA(a));
	assert_int_equal(r.status, SIP_AUTH_FORBIDDEN);

	/* unblocked when the block time is over */
	h.now += SIP_AUTH_BLOCK_TIME * 1000ULL - 1;
	r = h_try(&h, c, &(struct h_answer){ .nc = 2 }, SA(a));
	assert_int_equal(r.status, SIP_AUTH_FORBIDDEN);
	h.now += 1;
	r = h_try(&h, c, &(struct h_answer){ .nc = 2 }, SA(a));
	assert_int_equal(r.status, SIP_AUTH_OK);
	/* and counts afresh: one failure does not block again */
	r = fail_from(&h, c, SA(a));
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	h_done(&h);
}

static void test_window(void **state)
{
	struct sockaddr_storage a = h_addr("198.51.100.7");
	struct harness h;
	const struct sip_challenge *c;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_MD5);
	for (int i = 0; i < SIP_AUTH_MAX_FAILURES - 1; i++)
		assert_int_equal(fail_from(&h, c, SA(a)).status, SIP_AUTH_CHALLENGE);
	/* the window is over: counting starts again */
	h.now += SIP_AUTH_FAIL_WINDOW * 1000ULL;
	c = h_challenge(&h, SIP_AUTH_ALGO_MD5);
	for (int i = 0; i < SIP_AUTH_MAX_FAILURES - 1; i++)
		assert_int_equal(fail_from(&h, c, SA(a)).status, SIP_AUTH_CHALLENGE);
	assert_int_equal(h.nblocked, 0);
	assert_int_equal(fail_from(&h, c, SA(a)).status, SIP_AUTH_FORBIDDEN);
	assert_int_equal(h.nblocked, 1);
	h_done(&h);
}

/* Mismatches count too; configured limits; no source, no limit. */
static void test_config_and_mismatch(void **state)
{
	struct sockaddr_storage a = h_addr("203.0.113.9");
	struct harness h;
	const struct sip_challenge *c;

	(void)state;
	h_config(&h);
	h.cfg.max_failures = 3;
	h.cfg.block_time = 5;
	h_start(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	for (int i = 0; i < 20; i++)
		assert_int_equal(fail_from(&h, c, NULL).status, SIP_AUTH_CHALLENGE);
	assert_int_equal(h_try(&h, c, &(struct h_answer){ .uri = "sip:x" }, SA(a)).why,
			 SIP_AUTH_WHY_MISMATCH);
	assert_int_equal(fail_from(&h, c, SA(a)).status, SIP_AUTH_CHALLENGE);
	assert_int_equal(fail_from(&h, c, SA(a)).status, SIP_AUTH_FORBIDDEN);
	assert_int_equal(h.last_failures, 3);
	h.now += 5000;
	assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, SA(a)).status, SIP_AUTH_OK);
	h_done(&h);
}

static void test_ipv6_prefix(void **state)
{
	struct sockaddr_storage a1 = h_addr("2001:db8::1"), a2 = h_addr("2001:db8::ffff:2");
	struct sockaddr_storage other = h_addr("2001:db8:0:1::1");
	struct sockaddr_storage v4 = h_addr("192.0.2.33"), mapped = h_addr("::ffff:192.0.2.33");
	struct harness h;
	const struct sip_challenge *c;

	(void)state;
	h_config(&h);
	h.cfg.max_failures = 4;
	h_start(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	/* one /64 is one source */
	fail_from(&h, c, SA(a1));
	fail_from(&h, c, SA(a2));
	fail_from(&h, c, SA(a1));
	assert_int_equal(fail_from(&h, c, SA(a2)).status, SIP_AUTH_FORBIDDEN);
	assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, SA(a1)).status,
			 SIP_AUTH_FORBIDDEN);
	assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, SA(other)).status,
			 SIP_AUTH_OK);
	/* an IPv4-mapped address is the IPv4 address */
	fail_from(&h, c, SA(v4));
	fail_from(&h, c, SA(mapped));
	fail_from(&h, c, SA(v4));
	assert_int_equal(fail_from(&h, c, SA(mapped)).status, SIP_AUTH_FORBIDDEN);
	assert_int_equal(h_try(&h, c, &(struct h_answer){ .nc = 2 }, SA(v4)).status,
			 SIP_AUTH_FORBIDDEN);
	h_done(&h);
}

/* Many sources: the table stays within its size; blocks survive a flood. */
static void test_many_sources(void **state)
{
	struct sockaddr_storage bad = h_addr("192.0.2.200");
	struct harness h;
	const struct sip_challenge *c;
	char *cred;

	(void)state;
	h_config(&h);
	h.cfg.src_slots = 64;
	h_start(&h);
	assert_int_equal(auth_limit_size(h.auth->limit), 64);
	c = h_challenge(&h, SIP_AUTH_ALGO_MD5);
	for (int i = 0; i < SIP_AUTH_MAX_FAILURES; i++)
		fail_from(&h, c, SA(bad));
	assert_int_equal(h.nblocked, 1);
	cred = h_answer(c, &(struct h_answer){ .pass = "guess" });
	for (uint32_t i = 0; i < 5000; i++) {
		struct sockaddr_storage ss = h_addr("10.0.0.0");

		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(0x0a000000u + i);
		assert_int_equal(h_check(&h, cred, SA(ss)).status, SIP_AUTH_CHALLENGE);
		assert_true(auth_limit_count(h.auth->limit, h.now) <= 64);
		h_forget(&h, 1);
	}
	free(cred);
	assert_true(sip_auth_stats(h.auth)->src_evicted >= 5000 - 64);
	/* the blocked source was never the one forgotten */
	assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, SA(bad)).status,
			 SIP_AUTH_FORBIDDEN);
	/* idle entries are reused first, without counting an eviction */
	h.now += SIP_AUTH_BLOCK_TIME * 1000ULL;
	assert_int_equal(auth_limit_count(h.auth->limit, h.now), 0);
	h_done(&h);
}

/* Many nonces: bounded, and a forgotten nonce is never accepted again. */
static void test_many_nonces(void **state)
{
	struct harness h;
	const struct sip_challenge *first, *c;
	struct sip_auth_result r;
	char *replay;

	(void)state;
	h_config(&h);
	h.cfg.nc_slots = 16;
	h_start(&h);
	assert_int_equal(auth_replay_size(h.auth->replay), 16);
	first = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	replay = h_answer(first, &(struct h_answer){ 0 });
	assert_int_equal(h_check(&h, replay, NULL).status, SIP_AUTH_OK);
	for (int i = 0; i < 300; i++) {
		h.now += 10;
		c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
		assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, NULL).status,
				 SIP_AUTH_OK);
		assert_true(auth_replay_count(h.auth->replay) <= 16);
		h_forget(&h, 2);
	}
	assert_true(sip_auth_stats(h.auth)->nc_evicted > 0);
	/* the first nonce was forgotten: its replay is stale, not accepted */
	r = h_check(&h, replay, NULL);
	free(replay);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	r = h_try(&h, first, &(struct h_answer){ .nc = 2 }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	h_done(&h);
}

/* Expired nonces make room without forgetting live ones. */
static void test_nonces_expire(void **state)
{
	struct harness h;
	const struct sip_challenge *c;

	(void)state;
	h_config(&h);
	h.cfg.nc_slots = 8;
	h.cfg.nonce_ttl = 10;
	h_start(&h);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 8; i++) {
			c = h_challenge(&h, SIP_AUTH_ALGO_MD5);
			assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, NULL).status,
					 SIP_AUTH_OK);
			h_forget(&h, 0);
		}
		h.now += 10001;
	}
	assert_int_equal(sip_auth_stats(h.auth)->nc_evicted, 0);
	assert_int_equal(auth_replay_count(h.auth->replay), 8);
	h_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_and_unblock),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_config_and_mismatch),
		cmocka_unit_test(test_ipv6_prefix),
		cmocka_unit_test(test_many_sources),
		cmocka_unit_test(test_many_nonces),
		cmocka_unit_test(test_nonces_expire),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
