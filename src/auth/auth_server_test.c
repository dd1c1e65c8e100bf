/*
 * auth_server_test.c - the Digest server (RFC 3261 §22, RFC 7616, RFC
 * 8760) on a virtual clock: challenge format, accepted and refused
 * credentials, no user enumeration (byte-identical 401s), stale nonces,
 * nonce-count replays, realm / uri / nonce / algorithm / qop / opaque
 * checks, configuration errors, counters.
 */
#include "auth_harness.h"

static void test_challenge_format(void **state)
{
	struct harness h;
	const struct sip_challenge *c;
	struct sip_msg *m;

	(void)state;
	h_init(&h);
	m = h_challenge_msg(&h, false, false);
	assert_int_equal(sip_msg_hdr_count(m, SIP_HDR_WWW_AUTHENTICATE), 2);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &c), 0);
	/* RFC 8760 §2.4: the preferred algorithm, SHA-256, first */
	assert_true(c->digest);
	assert_int_equal(c->algo, SIP_AUTH_ALGO_SHA256);
	assert_true(sip_pl_eqs(c->realm, H_REALM));
	assert_int_equal(c->nonce.len, 40);
	assert_int_equal(c->qop_mask, SIP_QOP_AUTH);
	assert_true(sip_pl_eqs(c->qop, "auth"));
	assert_false(c->stale);
	assert_false(sip_pl_isset(&c->opaque));
	assert_int_equal(strncmp(c->raw.p, "Digest realm=\"example.com\", nonce=\"", 35), 0);
	assert_non_null(c->next);
	assert_int_equal(c->next->algo, SIP_AUTH_ALGO_MD5);
	assert_false(sip_pl_eq(c->nonce, c->next->nonce));
	assert_null(c->next->next);
	assert_int_equal(sip_auth_stats(h.auth)->challenges, 1);

	m = h_challenge_msg(&h, true, true);
	assert_int_equal(sip_msg_hdr_count(m, SIP_HDR_WWW_AUTHENTICATE), 0);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_PROXY_AUTHENTICATE, &c), 0);
	assert_true(c->stale);
	assert_true(c->next->stale);
	h_done(&h);
}

static void test_challenge_text(void **state)
{
	struct harness h;
	char *text, *p;

	(void)state;
	h_config(&h);
	h.cfg.opaque = true;
	h_start(&h);
	text = h_reply(&h, h_request(&h, "sip:example.com", NULL, NULL), true, false);
	/* exact shape, nonces and opaque aside */
	p = strstr(text, "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"");
	assert_non_null(p);
	p = strstr(p, "\", opaque=\"");
	assert_non_null(p);
	assert_non_null(strstr(p, "\", stale=true, algorithm=SHA-256, qop=\"auth\"\r\n"
			       "WWW-Authenticate: Digest realm=\"example.com\", nonce=\""));
	assert_non_null(strstr(p, "\", stale=true, algorithm=MD5, qop=\"auth\"\r\n"));
	free(text);
	h_done(&h);
}

static void test_accept(void **state)
{
	static const enum sip_auth_algo algos[] = { SIP_AUTH_ALGO_SHA256, SIP_AUTH_ALGO_MD5 };
	struct harness h;
	struct sip_auth_result r;

	(void)state;
	h_init(&h);
	for (size_t i = 0; i < 2; i++) {
		const struct sip_challenge *c = h_challenge(&h, algos[i]);

		r = h_try(&h, c, &(struct h_answer){ 0 }, NULL);
		assert_int_equal(r.status, SIP_AUTH_OK);
		assert_int_equal(r.why, SIP_AUTH_WHY_NONE);
		assert_true(sip_pl_eqs(r.user, H_USER));
		assert_int_equal(r.algo, algos[i]);
	}
	assert_int_equal(sip_auth_stats(h.auth)->successes, 2);
	assert_int_equal(sip_auth_stats(h.auth)->failures, 0);
	h_done(&h);
}

static void test_wrong_password(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	r = h_try(&h, c, &(struct h_answer){ .pass = "Wonderland" }, NULL);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_FAILED);
	assert_false(r.stale);
	assert_int_equal(sip_auth_stats(h.auth)->failures, 1);
	/* the right one with the same nonce still passes */
	r = h_try(&h, c, &(struct h_answer){ 0 }, NULL);
	assert_int_equal(r.status, SIP_AUTH_OK);
	h_done(&h);
}

/* Replace every nonce="..." value by N so that two messages compare. */
static void mask_nonces(char *s)
{
	char *p = s;

	while ((p = strstr(p, "nonce=\"")) != NULL) {
		char *q;

		p += 7;
		q = strchr(p, '"');
		assert_non_null(q);
		memmove(p + 1, q, strlen(q) + 1);
		*p = 'N';
	}
}

/* Unknown user and wrong password: same result, same lookups, same 401. */
static void test_no_enumeration(void **state)
{
	struct harness h;
	struct sip_auth_result r1, r2;
	const struct sip_challenge *c;
	char *a1, *a2, *t1, *t2;
	unsigned lookups;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	a1 = h_answer(c, &(struct h_answer){ .pass = "guess" });
	a2 = h_answer(c, &(struct h_answer){ .user = "mallory", .pass = "guess" });

	lookups = h.lookups;
	r1 = h_check(&h, a1, NULL);
	assert_int_equal(h.lookups, lookups + 1);
	r2 = h_check(&h, a2, NULL);
	assert_int_equal(h.lookups, lookups + 2);
	assert_int_equal(r1.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r1.status, r2.status);
	assert_int_equal(r1.why, r2.why);
	assert_int_equal(r1.stale, r2.stale);

	/* the 401s differ only in their nonces */
	t1 = h_reply(&h, h_request(&h, "sip:example.com", "Authorization", a1), r1.stale, false);
	t2 = h_reply(&h, h_request(&h, "sip:example.com", "Authorization", a2), r2.stale, false);
	assert_string_not_equal(t1, t2);
	mask_nonces(t1);
	mask_nonces(t2);
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t1, "SIP/2.0 401 Unauthorized\r\n"));
	free(t1);
	free(t2);

	/* same with an expired nonce: no stale=true for either */
	h.now += (SIP_AUTH_NONCE_TTL + 1) * 1000ULL;
	r1 = h_check(&h, a1, NULL);
	r2 = h_check(&h, a2, NULL);
	assert_int_equal(r1.why, SIP_AUTH_WHY_FAILED);
	assert_int_equal(r2.why, SIP_AUTH_WHY_FAILED);
	assert_false(r1.stale);
	assert_false(r2.stale);
	free(a1);
	free(a2);
	h_done(&h);
}

static void test_stale(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	struct sip_msg *m;
	char *cred;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	cred = h_answer(c, &(struct h_answer){ 0 });
	h.now += SIP_AUTH_NONCE_TTL * 1000ULL;          /* last valid ms */
	r = h_check(&h, cred, NULL);
	assert_int_equal(r.status, SIP_AUTH_OK);
	free(cred);

	cred = h_answer(c, &(struct h_answer){ .nc = 2 });
	h.now += 1;
	r = h_check(&h, cred, NULL);
	free(cred);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	assert_true(r.stale);
	assert_int_equal(sip_auth_stats(h.auth)->stale, 1);
	assert_int_equal(sip_auth_stats(h.auth)->failures, 0);

	/* the client retries with the new nonce, without asking the user */
	m = h_challenge_msg(&h, r.stale, false);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &c), 0);
	assert_true(c->stale);
	r = h_try(&h, c, &(struct h_answer){ 0 }, NULL);
	assert_int_equal(r.status, SIP_AUTH_OK);
	h_done(&h);
}

static void test_replay(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	char *cred;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_MD5);
	cred = h_answer(c, &(struct h_answer){ .nc = 5 });
	assert_int_equal(h_check(&h, cred, NULL).status, SIP_AUTH_OK);
	/* the very same request again */
	r = h_check(&h, cred, NULL);
	free(cred);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_REPLAY);
	assert_true(r.stale);
	/* a lower count, even with another cnonce */
	r = h_try(&h, c, &(struct h_answer){ .nc = 3, .cnonce = "x" }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_REPLAY);
	/* counting on works */
	r = h_try(&h, c, &(struct h_answer){ .nc = 6 }, NULL);
	assert_int_equal(r.status, SIP_AUTH_OK);
	r = h_try(&h, c, &(struct h_answer){ .nc = 6 }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_REPLAY);
	r = h_try(&h, c, &(struct h_answer){ .nc = 9 }, NULL);
	assert_int_equal(r.status, SIP_AUTH_OK);
	assert_int_equal(sip_auth_stats(h.auth)->replays, 3);
	assert_int_equal(sip_auth_stats(h.auth)->successes, 3);
	/* a replay is not a guess: no failure counted */
	assert_int_equal(sip_auth_stats(h.auth)->failures, 0);
	h_done(&h);
}

static void test_realm(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	struct sip_msg *req;
	char *cred;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	/* credentials for another realm are not ours (§22.3) */
	r = h_try(&h, c, &(struct h_answer){ .realm = "other.example.org" }, NULL);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);
	assert_false(r.stale);

	/* our nonce presented to the same server for another realm */
	cred = h_answer(c, &(struct h_answer){ 0 });
	req = h_request(&h, "sip:example.com", "Authorization", cred);
	free(cred);
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL("example.org"), NULL, &r), 0);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);

	/* no credentials at all, and another scheme */
	req = h_request(&h, "sip:example.com", NULL, NULL);
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), 0);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);
	r = h_check(&h, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);
	assert_int_equal(sip_auth_stats(h.auth)->failures, 0);
	h_done(&h);
}

/* A nonce issued for one realm does not serve another. */
static void test_nonce_realm_bound(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	struct sip_out *o;
	struct sip_msg *m, *req;
	char *text, *cred;

	(void)state;
	h_init(&h);
	assert_int_equal(sip_out_response(&o, 401, NULL), 0);
	assert_int_equal(sip_auth_challenge(h.auth, o, SIP_HDR_WWW_AUTHENTICATE,
					    SIP_PL("example.org"), false), 0);
	text = h_print(o);
	m = h_decode(&h, text);
	free(text);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &c), 0);
	/* answered as if the nonce were for example.com, right password */
	cred = h_answer(c, &(struct h_answer){ .realm = H_REALM });
	req = h_request(&h, "sip:example.com", "Authorization", cred);
	free(cred);
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), 0);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	h_done(&h);
}

static void test_uri(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	struct sip_msg *req;
	char *cred;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	r = h_try(&h, c, &(struct h_answer){ .uri = "sip:evil.example.com" }, NULL);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	assert_false(r.stale);
	assert_int_equal(sip_auth_stats(h.auth)->failures, 1);
	/* an equivalent URI (§19.1.4: host case-insensitive) is the same */
	r = h_try(&h, c, &(struct h_answer){ .uri = "sip:EXAMPLE.com" }, NULL);
	assert_int_equal(r.status, SIP_AUTH_OK);
	/* but the Request-URI it is compared with is the one received */
	cred = h_answer(c, &(struct h_answer){ .nc = 2 });
	req = h_request(&h, "sip:example.com;transport=tcp", "Authorization", cred);
	free(cred);
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), 0);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	h_done(&h);
}

static void test_forged_nonce(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	struct sip_challenge forged;
	char nonce[64];

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	/* change the issue time: the HMAC no longer matches */
	forged = *c;
	memcpy(nonce, c->nonce.p, c->nonce.len);
	nonce[2] = nonce[2] == 'A' ? 'B' : 'A';
	forged.nonce = (struct sip_pl){ nonce, c->nonce.len };
	r = h_try(&h, &forged, &(struct h_answer){ 0 }, NULL);
	assert_int_equal(r.status, SIP_AUTH_CHALLENGE);
	/* stale only because the digest is right: a retry needs the password */
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	r = h_try(&h, &forged, &(struct h_answer){ .pass = "x" }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_FAILED);
	assert_false(r.stale);
	/* not even base64 of the right length */
	forged.nonce = SIP_PL("dcd98b7102dd2f0e8b11d0f600bfb0c093");
	r = h_try(&h, &forged, &(struct h_answer){ 0 }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	forged.nonce = SIP_PL("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
	r = h_try(&h, &forged, &(struct h_answer){ 0 }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	/* a nonce of another server (another key) */
	{
		struct harness h2;
		const struct sip_challenge *c2;

		h_init(&h2);
		c2 = h_challenge(&h2, SIP_AUTH_ALGO_SHA256);
		r = h_try(&h, c2, &(struct h_answer){ 0 }, NULL);
		assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
		h_done(&h2);
	}
	assert_int_equal(sip_auth_stats(h.auth)->successes, 0);
	h_done(&h);
}

/* Nodes configured with one secret accept each other's nonces. */
static void test_shared_secret(void **state)
{
	struct harness h1, h2;
	const struct sip_challenge *c;

	(void)state;
	h_config(&h1);
	memset(h1.cfg.secret, 7, sizeof(h1.cfg.secret));
	h_start(&h1);
	h_config(&h2);
	memset(h2.cfg.secret, 7, sizeof(h2.cfg.secret));
	h_start(&h2);
	c = h_challenge(&h1, SIP_AUTH_ALGO_SHA256);
	assert_int_equal(h_try(&h2, c, &(struct h_answer){ 0 }, NULL).status, SIP_AUTH_OK);
	h_done(&h1);
	h_done(&h2);
}

static void test_algorithm_qop_opaque(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	struct sip_challenge copy;
	char *cred;

	(void)state;
	h_config(&h);
	h.cfg.opaque = true;
	h_start(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	assert_true(sip_pl_isset(&c->opaque));
	assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, NULL).status, SIP_AUTH_OK);
	/* an algorithm not offered */
	r = h_try(&h, c, &(struct h_answer){ .nc = 2, .algo = SIP_AUTH_ALGO_SHA512_256 }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	r = h_try(&h, c, &(struct h_answer){ .nc = 2, .algo = SIP_AUTH_ALGO_MD5_SESS }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	/* opaque not ours, or missing */
	copy = *c;
	copy.opaque = SIP_PL("0123456789abcdef");
	r = h_try(&h, &copy, &(struct h_answer){ .nc = 2 }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	copy.opaque = (struct sip_pl){ NULL, 0 };
	r = h_try(&h, &copy, &(struct h_answer){ .nc = 2 }, NULL);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	/* no qop (RFC 2069 style) is not accepted: we offered qop=auth */
	cred = h_answer(c, &(struct h_answer){ .nc = 2 });
	{
		char *q = strstr(cred, ", qop=auth, nc=00000002");

		assert_non_null(q);
		*q = '\0';
	}
	r = h_check(&h, cred, NULL);
	free(cred);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	/* nonce-count 0 */
	cred = h_answer(c, &(struct h_answer){ 0 });
	{
		char *q = strstr(cred, "nc=00000001");

		q[10] = '0';
	}
	r = h_check(&h, cred, NULL);
	free(cred);
	assert_int_equal(r.why, SIP_AUTH_WHY_MISMATCH);
	assert_int_equal(sip_auth_stats(h.auth)->failures, 6);
	h_done(&h);
}

/* Offering SHA-512-256 alone, and MD5 only when no algorithm is named. */
static void test_config_algos(void **state)
{
	struct harness h;
	const struct sip_challenge *c;
	struct sip_msg *m;
	char *cred, *q;

	(void)state;
	h_config(&h);
	h.cfg.algos[0] = SIP_AUTH_ALGO_SHA512_256;
	h_start(&h);
	m = h_challenge_msg(&h, false, false);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &c), 0);
	assert_int_equal(c->algo, SIP_AUTH_ALGO_SHA512_256);
	assert_null(c->next);
	assert_int_equal(h_try(&h, c, &(struct h_answer){ 0 }, NULL).status, SIP_AUTH_OK);
	h_done(&h);

	h_config(&h);
	h.cfg.algos[1] = SIP_AUTH_ALGO_MD5;
	h_start(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_MD5);
	cred = h_answer(c, &(struct h_answer){ 0 });
	q = strstr(cred, ", algorithm=MD5");
	assert_non_null(q);
	memmove(q, q + 15, strlen(q + 15) + 1);
	assert_int_equal(h_check(&h, cred, NULL).status, SIP_AUTH_OK);
	free(cred);
	h_done(&h);
}

static void test_config_errors(void **state)
{
	struct harness h;
	struct sip_auth *a = NULL;

	(void)state;
	h_config(&h);
	h.cfg.lookup = NULL;
	assert_int_equal(sip_auth_alloc(&a, &h.cfg), EINVAL);
	h_config(&h);
	h.cfg.algos[0] = SIP_AUTH_ALGO_MD5;
	h.cfg.algos[2] = SIP_AUTH_ALGO_MD5;
	assert_int_equal(sip_auth_alloc(&a, &h.cfg), EINVAL);
	h_config(&h);
	h.cfg.algos[0] = SIP_AUTH_ALGO_OTHER;
	assert_int_equal(sip_auth_alloc(&a, &h.cfg), EINVAL);
	assert_null(a);
}

static void test_call_errors(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	struct sip_msg *req, *resp;
	struct sip_out *o;
	const struct sip_challenge *c;
	char *cred;
	char realm[SIP_AUTH_REALM_MAX + 2];

	(void)state;
	h_init(&h);
	req = h_request(&h, "sip:example.com", NULL, NULL);
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_WWW_AUTHENTICATE,
					SIP_PL(H_REALM), NULL, &r), EINVAL);
	resp = h_challenge_msg(&h, false, false);
	assert_int_equal(sip_auth_check(h.auth, resp, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), EINVAL);
	/* malformed credentials: the caller answers 400 */
	req = h_request(&h, "sip:example.com", "Authorization", "Digest username=\"alice\"");
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), EBADMSG);
	assert_string_equal(req->err, "Bad Authorization header");
	/* a failing store */
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	cred = h_answer(c, &(struct h_answer){ 0 });
	req = h_request(&h, "sip:example.com", "Authorization", cred);
	free(cred);
	h.lookup_err = EIO;
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), EIO);
	h.lookup_err = 0;
	/* challenge arguments */
	assert_int_equal(sip_out_response(&o, 401, NULL), 0);
	assert_int_equal(sip_auth_challenge(h.auth, o, SIP_HDR_AUTHORIZATION,
					    SIP_PL(H_REALM), false), EINVAL);
	memset(realm, 'a', sizeof(realm));
	assert_int_equal(sip_auth_challenge(h.auth, o, SIP_HDR_WWW_AUTHENTICATE,
					    (struct sip_pl){ realm, sizeof(realm) }, false),
			 EINVAL);
	sip_out_free(o);
	h_done(&h);
}

/* Proxy-Authorization, and quoted-pairs in the username. */
static void test_proxy_and_escapes(void **state)
{
	struct harness h;
	struct sip_auth_result r;
	const struct sip_challenge *c;
	struct sip_msg *m, *req;
	char *cred;

	(void)state;
	h_init(&h);
	m = h_challenge_msg(&h, false, true);
	assert_int_equal(sip_msg_challenges(m, SIP_HDR_PROXY_AUTHENTICATE, &c), 0);
	cred = h_answer(c, &(struct h_answer){ .method = "INVITE",
					       .uri = "sip:bob@example.com" });
	req = h_decode(&h, "INVITE sip:bob@example.com SIP/2.0\n"
		       "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK74bf9\n"
		       "Max-Forwards: 70\n"
		       "From: <sip:alice@example.com>;tag=9fxced76sl\n"
		       "To: <sip:bob@example.com>\n"
		       "Call-ID: 3848276298220188511@atlanta.example.com\n"
		       "CSeq: 2 INVITE\n"
		       "Content-Length: 0\n\n");
	/* only Proxy-Authorization is looked at for a proxy */
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_PROXY_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), 0);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);
	{
		char text[4096];

		snprintf(text, sizeof(text),
			 "INVITE sip:bob@example.com SIP/2.0\n"
			 "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK74bf9\n"
			 "Max-Forwards: 70\n"
			 "From: <sip:alice@example.com>;tag=9fxced76sl\n"
			 "To: <sip:bob@example.com>\n"
			 "Call-ID: 3848276298220188511@atlanta.example.com\n"
			 "CSeq: 2 INVITE\n"
			 "Proxy-Authorization: %s\n"
			 "Content-Length: 0\n\n", cred);
		req = h_decode(&h, text);
	}
	free(cred);
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), 0);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);
	assert_int_equal(sip_auth_check(h.auth, req, SIP_HDR_PROXY_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), 0);
	assert_int_equal(r.status, SIP_AUTH_OK);
	assert_true(sip_pl_eqs(r.user, H_USER));

	/* "al\ice" is alice once unquoted */
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	cred = h_answer(c, &(struct h_answer){ 0 });
	{
		char *u = strstr(cred, "username=\"alice\"");
		char fixed[4096];

		assert_non_null(u);
		snprintf(fixed, sizeof(fixed), "%.*susername=\"al\\ice\"%s",
			 (int)(u - cred), cred, u + 16);
		r = h_check(&h, fixed, NULL);
	}
	free(cred);
	assert_int_equal(r.status, SIP_AUTH_OK);
	assert_true(sip_pl_eqs(r.user, H_USER));
	h_done(&h);
}

static void test_debug(void **state)
{
	struct harness h;
	struct sip_buf b;

	(void)state;
	h_init(&h);
	free(h_reply(&h, h_request(&h, "sip:example.com", NULL, NULL), false, false));
	sip_buf_init(&b);
	sip_auth_debug(&b, h.auth);
	assert_non_null(strstr(b.p, "algorithms SHA-256 MD5"));
	assert_non_null(strstr(b.p, "challenges 1 "));
	assert_non_null(strstr(b.p, "nonces 0/65536"));
	sip_buf_reset(&b);
	h_done(&h);
}

/* Every allocation failure gives ENOMEM, leaks nothing, counts nothing. */
static void test_oom(void **state)
{
	long live = sip_mem_live();
	struct sip_auth_result r = { 0 };
	const struct sip_challenge *c;
	struct sip_msg *req = NULL;
	struct sip_auth *keep;
	struct harness h;
	char *cred;
	int err;

	(void)state;
	h_init(&h);
	c = h_challenge(&h, SIP_AUTH_ALGO_SHA256);
	keep = h.auth;
	for (long n = 0;; n++) {
		struct sip_auth *a = NULL;

		sip_mem_fail_after(n);
		err = sip_auth_alloc(&a, &h.cfg);
		sip_mem_fail_after(-1);
		if (!err) {
			sip_mem_deref(a);
			break;
		}
		assert_int_equal(err, ENOMEM);
		assert_true(n < 100);
	}
	/* a username with an escape, so that unquoting allocates too */
	cred = h_answer(c, &(struct h_answer){ .user = "al\\ice" });
	for (long n = 0;; n++) {
		req = h_request(&h, "sip:example.com", "Authorization", cred);
		sip_mem_fail_after(n);
		err = sip_auth_check(h.auth, req, SIP_HDR_AUTHORIZATION, SIP_PL(H_REALM),
				     NULL, &r);
		sip_mem_fail_after(-1);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		assert_int_equal(sip_auth_stats(h.auth)->failures, 0);
		h_forget(&h, 1);
		assert_true(n < 100);
	}
	free(cred);
	assert_int_equal(r.why, SIP_AUTH_WHY_FAILED);   /* "al\\ice" is not alice */
	assert_ptr_equal(h.auth, keep);
	h_done(&h);
	assert_int_equal(sip_mem_live(), live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge_format),
		cmocka_unit_test(test_challenge_text),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_no_enumeration),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_realm),
		cmocka_unit_test(test_nonce_realm_bound),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_forged_nonce),
		cmocka_unit_test(test_shared_secret),
		cmocka_unit_test(test_algorithm_qop_opaque),
		cmocka_unit_test(test_config_algos),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_call_errors),
		cmocka_unit_test(test_proxy_and_escapes),
		cmocka_unit_test(test_debug),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
