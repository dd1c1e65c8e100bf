/*
 * auth_client_test.c - the Digest client against the Digest server,
 * through printed and re-parsed messages: first answer, nonce reuse with
 * counting nonce-count, stale nonces, refused credentials, server
 * restarts, the choice of algorithm and qop, several realms, HA1-only
 * credentials, the cnonce hook, errors.
 */
#include "auth_harness.h"

static const struct sip_auth_request reg = {
	.method = SIP_PL("REGISTER"), .uri = SIP_PL("sip:example.com"),
};

/* A client talking to the harness's server. */
struct client_run {
	struct harness *h;
	struct sip_auth_client *c;
	int cseq;
};

/* Print and re-parse @p o as the server will see it. */
static struct sip_msg *h_wire(struct harness *h, struct sip_out *o)
{
	char *text = h_print(o);
	struct sip_msg *m = h_decode(h, text);

	free(text);
	return m;
}

static struct sip_out *new_register(struct client_run *cr)
{
	struct sip_out *o;

	assert_int_equal(sip_out_request(&o, SIP_PL("REGISTER"), SIP_PL("sip:example.com")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_VIA, NULL,
				     SIP_PL("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc1")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_FROM, NULL,
				     SIP_PL("<sip:alice@example.com>;tag=x1")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_TO, NULL, SIP_PL("<sip:alice@example.com>")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_CALL_ID, NULL, SIP_PL("c1@192.0.2.1")), 0);
	assert_int_equal(sip_out_addf(o, SIP_HDR_CSEQ, "%d REGISTER", ++cr->cseq), 0);
	return o;
}

/* The server's verdict on @p req; a 401 to answer goes to @p chal. */
static struct sip_auth_result serve(struct client_run *cr, struct sip_msg *req,
				    struct sip_msg **chal)
{
	struct sip_auth_result r;
	char *text;

	assert_int_equal(sip_auth_check(cr->h->auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), NULL, &r), 0);
	*chal = NULL;
	if (r.status == SIP_AUTH_CHALLENGE) {
		text = h_reply(cr->h, req, r.stale, false);
		*chal = h_decode(cr->h, text);
		free(text);
	}
	return r;
}

/* A new request through sip_auth_client_authorize(). */
static struct sip_auth_result send_new(struct client_run *cr, struct sip_msg **chal)
{
	struct sip_out *o = new_register(cr);

	assert_int_equal(sip_auth_client_authorize(cr->c, &reg, o), 0);
	return serve(cr, h_wire(cr->h, o), chal);
}

/* The retry answering @p chal; @p err is what respond() returned. */
static struct sip_auth_result retry(struct client_run *cr, struct sip_msg *chal,
				    int *err, struct sip_msg **next)
{
	struct sip_out *o = new_register(cr);
	struct sip_auth_result none = { .status = SIP_AUTH_CHALLENGE };

	*err = sip_auth_client_respond(cr->c, chal, &reg, o);
	if (*err) {
		sip_out_free(o);
		*next = NULL;
		return none;
	}
	return serve(cr, h_wire(cr->h, o), next);
}

static void run_init(struct client_run *cr, struct harness *h, const char *password)
{
	struct sip_auth_cred cred = { .user = H_USER, .password = password };

	memset(cr, 0, sizeof(*cr));
	cr->h = h;
	assert_int_equal(sip_auth_client_alloc(&cr->c, NULL), 0);
	assert_int_equal(sip_auth_client_cred_add(cr->c, &cred), 0);
}

static void run_done(struct client_run *cr)
{
	cr->c = sip_mem_deref(cr->c);
}

static void test_round_trip(void **state)
{
	struct harness h;
	struct client_run cr;
	struct sip_msg *chal, *next;
	struct sip_auth_result r;
	const struct sip_credentials *cred;
	int err;

	(void)state;
	h_init(&h);
	run_init(&cr, &h, H_PASS);
	r = send_new(&cr, &chal);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);
	assert_non_null(chal);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(err, 0);
	assert_int_equal(r.status, SIP_AUTH_OK);
	assert_int_equal(r.algo, SIP_AUTH_ALGO_SHA256);   /* the stronger */
	assert_true(sip_pl_eqs(r.user, H_USER));
	/* what was sent */
	assert_int_equal(sip_msg_credentials(h.msgs[h.nmsgs - 1], SIP_HDR_AUTHORIZATION,
					     &cred), 0);
	assert_int_equal(cred->nc, 1);
	assert_int_equal(cred->cnonce.len, 32);
	assert_true(sip_pl_eqs(cred->uri, "sip:example.com"));
	assert_null(cred->next);

	/* later requests reuse the nonce, counting up: no challenge */
	for (uint32_t i = 2; i < 5; i++) {
		r = send_new(&cr, &chal);
		assert_int_equal(r.status, SIP_AUTH_OK);
		assert_int_equal(sip_msg_credentials(h.msgs[h.nmsgs - 1],
						     SIP_HDR_AUTHORIZATION, &cred), 0);
		assert_int_equal(cred->nc, i);
	}
	run_done(&cr);
	h_done(&h);
}

static void test_stale(void **state)
{
	struct harness h;
	struct client_run cr;
	struct sip_msg *chal, *next;
	struct sip_auth_result r;
	int err;

	(void)state;
	h_init(&h);
	run_init(&cr, &h, H_PASS);
	send_new(&cr, &chal);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(r.status, SIP_AUTH_OK);

	/* the nonce expires: stale=true, and the retry needs no user */
	h.now += (SIP_AUTH_NONCE_TTL + 1) * 1000ULL;
	r = send_new(&cr, &chal);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(err, 0);
	assert_int_equal(r.status, SIP_AUTH_OK);

	/* stale twice in a row after answering a challenge is still fine */
	h.now += (SIP_AUTH_NONCE_TTL + 1) * 1000ULL;
	r = send_new(&cr, &chal);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(err, 0);
	assert_int_equal(r.status, SIP_AUTH_OK);
	assert_int_equal(sip_auth_stats(h.auth)->stale, 2);
	run_done(&cr);
	h_done(&h);
}

static void test_wrong_password(void **state)
{
	struct harness h;
	struct client_run cr;
	struct sip_msg *chal, *next;
	struct sip_auth_result r;
	int err;

	(void)state;
	h_init(&h);
	run_init(&cr, &h, "not-it");
	send_new(&cr, &chal);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(err, 0);
	assert_int_equal(r.why, SIP_AUTH_WHY_FAILED);
	/* challenged again right after answering: refused, ask the user */
	r = retry(&cr, next, &err, &next);
	assert_int_equal(err, EACCES);
	assert_int_equal(sip_auth_stats(h.auth)->failures, 1);

	/* new credentials: a fresh attempt succeeds */
	assert_int_equal(sip_auth_client_cred_add(cr.c, &(struct sip_auth_cred){
		.user = H_USER, .password = H_PASS }), 0);
	r = send_new(&cr, &chal);
	assert_int_equal(r.why, SIP_AUTH_WHY_NO_CREDENTIALS);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(r.status, SIP_AUTH_OK);
	run_done(&cr);
	h_done(&h);
}

/*
 * A new request carrying a reused nonce refused without stale=true (a
 * server that does not say stale) is retried once, not given up.
 */
static void test_reuse_refused_then_retry(void **state)
{
	struct harness h;
	struct client_run cr;
	struct sip_msg *chal, *next;
	struct sip_auth_result r;
	int err;

	(void)state;
	h_init(&h);
	run_init(&cr, &h, H_PASS);
	send_new(&cr, &chal);
	assert_int_equal(retry(&cr, chal, &err, &next).status, SIP_AUTH_OK);
	/* the server restarts: new key, our nonce is not its own */
	h.auth = sip_mem_deref(h.auth);
	h_start(&h);
	r = send_new(&cr, &chal);
	assert_int_equal(r.why, SIP_AUTH_WHY_STALE);
	/* pretend the server forgot to say stale */
	chal = h_challenge_msg(&h, false, false);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(err, 0);
	assert_int_equal(r.status, SIP_AUTH_OK);
	run_done(&cr);
	h_done(&h);
}

static void test_ha1_only_and_algorithms(void **state)
{
	struct harness h;
	struct client_run cr;
	struct sip_msg *chal, *next;
	struct sip_auth_result r;
	char ha1[SIP_AUTH_HEX_SIZE];
	int err;

	(void)state;
	/* only an MD5 HA1 is known: MD5 is answered though SHA-256 is offered */
	h_init(&h);
	memset(&cr, 0, sizeof(cr));
	cr.h = &h;
	assert_int_equal(sip_auth_client_alloc(&cr.c, NULL), 0);
	assert_int_equal(sip_auth_ha1(SIP_AUTH_ALGO_MD5, SIP_PL(H_USER), SIP_PL(H_REALM),
				      SIP_PL(H_PASS), ha1), 0);
	assert_int_equal(sip_auth_client_cred_add(cr.c, &(struct sip_auth_cred){
		.realm = H_REALM, .user = H_USER, .ha1_md5 = ha1 }), 0);
	send_new(&cr, &chal);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(r.status, SIP_AUTH_OK);
	assert_int_equal(r.algo, SIP_AUTH_ALGO_MD5);
	run_done(&cr);
	h_done(&h);

	/* the strongest of three */
	h_config(&h);
	h.cfg.algos[0] = SIP_AUTH_ALGO_MD5;
	h.cfg.algos[1] = SIP_AUTH_ALGO_SHA512_256;
	h.cfg.algos[2] = SIP_AUTH_ALGO_SHA256;
	h_start(&h);
	run_init(&cr, &h, H_PASS);
	send_new(&cr, &chal);
	r = retry(&cr, chal, &err, &next);
	assert_int_equal(r.status, SIP_AUTH_OK);
	assert_int_equal(r.algo, SIP_AUTH_ALGO_SHA512_256);
	run_done(&cr);
	h_done(&h);

	/* never MD5 when told so */
	h_config(&h);
	h.cfg.algos[0] = SIP_AUTH_ALGO_MD5;
	h_start(&h);
	memset(&cr, 0, sizeof(cr));
	cr.h = &h;
	assert_int_equal(sip_auth_client_alloc(&cr.c, &(struct sip_auth_client_config){
		.no_md5 = true }), 0);
	assert_int_equal(sip_auth_client_cred_add(cr.c, &(struct sip_auth_cred){
		.user = H_USER, .password = H_PASS }), 0);
	send_new(&cr, &chal);
	retry(&cr, chal, &err, &next);
	assert_int_equal(err, ENOTSUP);
	run_done(&cr);
	h_done(&h);
}

static int fixed_cnonce(void *arg, char *buf, size_t size)
{
	unsigned *n = arg;

	snprintf(buf, size, "cn%u", ++*n);
	return 0;
}

/* Two realms in one 407, per-realm credentials, the cnonce hook. */
static void test_realms(void **state)
{
	static const char resp[] =
		"SIP/2.0 407 Proxy Authentication Required\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc1\n"
		"Proxy-Authenticate: Digest realm=\"a.example\", nonce=\"na1\", qop=\"auth\", algorithm=MD5\n"
		"Proxy-Authenticate: Digest realm=\"b.example\", nonce=\"nb\", algorithm=SHA-256, qop=\"auth-int\"\n"
		"Proxy-Authenticate: Digest realm=\"a.example\", nonce=\"na2\", qop=\"auth\", algorithm=SHA-256\n"
		"Proxy-Authenticate: Digest realm=\"c.example\", nonce=\"nc\"\n"
		"Content-Length: 0\n\n";
	static const struct sip_auth_request inv = {
		.method = SIP_PL("INVITE"), .uri = SIP_PL("sip:bob@example.com"),
		.body = SIP_PL("v=0\r\n"),
	};
	struct harness h;
	struct sip_auth_client *c;
	struct sip_out *o;
	struct sip_msg *m, *sent;
	const struct sip_credentials *cr;
	unsigned n = 0;

	(void)state;
	h_config(&h);
	assert_int_equal(sip_auth_client_alloc(&c, &(struct sip_auth_client_config){
		.cnonce = fixed_cnonce, .cnonce_arg = &n }), 0);
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){
		.realm = "a.example", .user = "ua", .password = "pa" }), 0);
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){
		.realm = "b.example", .user = "ub", .password = "pb" }), 0);
	m = h_decode(&h, resp);
	assert_int_equal(sip_out_request(&o, inv.method, inv.uri), 0);
	assert_int_equal(sip_auth_client_respond(c, m, &inv, o), 0);
	sent = h_wire(&h, o);
	assert_int_equal(sip_msg_hdr_count(sent, SIP_HDR_AUTHORIZATION), 0);
	assert_int_equal(sip_msg_credentials(sent, SIP_HDR_PROXY_AUTHORIZATION, &cr), 0);
	/* a.example: SHA-256 (the second challenge of its realm) */
	assert_true(sip_pl_eqs(cr->realm, "a.example"));
	assert_true(sip_pl_eqs(cr->username, "ua"));
	assert_true(sip_pl_eqs(cr->nonce, "na2"));
	assert_int_equal(cr->algo, SIP_AUTH_ALGO_SHA256);
	assert_int_equal(cr->qop_val, SIP_QOP_AUTH);
	assert_true(sip_pl_eqs(cr->cnonce, "cn1"));
	assert_true(sip_pl_eqs(cr->uri, "sip:bob@example.com"));
	{
		char ha1[SIP_AUTH_HEX_SIZE], want[SIP_AUTH_HEX_SIZE];
		struct sip_auth_digest d = {
			.algo = SIP_AUTH_ALGO_SHA256, .nonce = SIP_PL("na2"),
			.nc = SIP_PL("00000001"), .cnonce = SIP_PL("cn1"),
			.qop = SIP_QOP_AUTH, .method = SIP_PL("INVITE"),
			.uri = SIP_PL("sip:bob@example.com"),
		};

		assert_int_equal(sip_auth_ha1(d.algo, SIP_PL("ua"), SIP_PL("a.example"),
					      SIP_PL("pa"), ha1), 0);
		d.ha1 = sip_pl_str(ha1);
		assert_int_equal(sip_auth_digest_response(&d, want), 0);
		assert_true(sip_pl_eqs(cr->response, want));
	}
	/* b.example: auth-int, the body hashed */
	cr = cr->next;
	assert_non_null(cr);
	assert_true(sip_pl_eqs(cr->username, "ub"));
	assert_int_equal(cr->qop_val, SIP_QOP_AUTH_INT);
	{
		char ha1[SIP_AUTH_HEX_SIZE], want[SIP_AUTH_HEX_SIZE];
		struct sip_auth_digest d = {
			.algo = SIP_AUTH_ALGO_SHA256, .nonce = SIP_PL("nb"),
			.nc = SIP_PL("00000001"), .cnonce = SIP_PL("cn2"),
			.qop = SIP_QOP_AUTH_INT, .method = SIP_PL("INVITE"),
			.uri = SIP_PL("sip:bob@example.com"), .body = SIP_PL("v=0\r\n"),
		};

		assert_int_equal(sip_auth_ha1(d.algo, SIP_PL("ub"), SIP_PL("b.example"),
					      SIP_PL("pb"), ha1), 0);
		d.ha1 = sip_pl_str(ha1);
		assert_int_equal(sip_auth_digest_response(&d, want), 0);
		assert_true(sip_pl_eqs(cr->response, want));
	}
	/* c.example: no credentials, left out */
	assert_null(cr->next);

	/* the same challenges again: a.example and b.example, just answered,
	   refused us, whatever else could be answered now */
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){
		.user = "any", .password = "pany" }), 0);
	assert_int_equal(sip_out_request(&o, inv.method, inv.uri), 0);
	assert_int_equal(sip_auth_client_respond(c, m, &inv, o), EACCES);
	sip_out_free(o);
	sip_mem_deref(c);
	h_done(&h);
}

/* With every realm answered by a default entry, no qop and no algorithm. */
static void test_default_no_qop(void **state)
{
	static const char resp[] =
		"SIP/2.0 401 Unauthorized\n"
		"WWW-Authenticate: Digest realm=\"testrealm@host.com\", "
		"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\n"
		"Content-Length: 0\n\n";
	static const struct sip_auth_request get = {
		.method = SIP_PL("GET"), .uri = SIP_PL("/dir/index.html"),
	};
	struct harness h;
	struct sip_auth_client *c;
	struct sip_out *o;
	struct sip_msg *sent;
	const struct sip_credentials *cr;

	(void)state;
	h_config(&h);
	assert_int_equal(sip_auth_client_alloc(&c, NULL), 0);
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){
		.user = "Mufasa", .password = "CircleOfLife" }), 0);
	assert_int_equal(sip_out_request(&o, get.method, get.uri), 0);
	assert_int_equal(sip_auth_client_respond(c, h_decode(&h, resp), &get, o), 0);
	sent = h_wire(&h, o);
	assert_int_equal(sip_msg_credentials(sent, SIP_HDR_AUTHORIZATION, &cr), 0);
	/* RFC 2069's example */
	assert_true(sip_pl_eqs(cr->response, "1949323746fe6a43ef61f9606e7febea"));
	assert_true(sip_pl_eqs(cr->opaque, "5ccc069c403ebaf9f0171e9517f40e41"));
	assert_false(sip_pl_isset(&cr->algorithm));
	assert_false(sip_pl_isset(&cr->qop));
	assert_false(sip_pl_isset(&cr->cnonce));
	sip_mem_deref(c);
	h_done(&h);
}

static void test_errors(void **state)
{
	struct harness h;
	struct sip_auth_client *c;
	struct sip_out *o;

	(void)state;
	h_config(&h);
	assert_int_equal(sip_auth_client_alloc(&c, NULL), 0);
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){ .user = "u" }),
			 EINVAL);
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){ .password = "p" }),
			 EINVAL);
	assert_int_equal(sip_out_request(&o, reg.method, reg.uri), 0);
	/* no credentials at all */
	assert_int_equal(sip_auth_client_respond(c, h_decode(&h,
		"SIP/2.0 401 Unauthorized\n"
		"WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth\"\n\n"),
		&reg, o), EACCES);
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){
		.user = "u", .password = "p" }), 0);
	/* not a 401 / 407 */
	assert_int_equal(sip_auth_client_respond(c, h_decode(&h,
		"SIP/2.0 200 OK\nContent-Length: 0\n\n"), &reg, o), EINVAL);
	assert_int_equal(sip_auth_client_respond(c, h_decode(&h,
		"REGISTER sip:r SIP/2.0\nContent-Length: 0\n\n"), &reg, o), EINVAL);
	/* a 401 without challenge, or a malformed one */
	assert_int_equal(sip_auth_client_respond(c, h_decode(&h,
		"SIP/2.0 401 Unauthorized\nContent-Length: 0\n\n"), &reg, o), EBADMSG);
	assert_int_equal(sip_auth_client_respond(c, h_decode(&h,
		"SIP/2.0 401 Unauthorized\nWWW-Authenticate: Digest realm=\"r\"\n\n"),
		&reg, o), EBADMSG);
	/* nothing we can do: unknown algorithm or qop, other scheme */
	assert_int_equal(sip_auth_client_respond(c, h_decode(&h,
		"SIP/2.0 401 Unauthorized\n"
		"WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1\n"
		"WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"x-other\"\n"
		"WWW-Authenticate: Basic realm=\"r\"\n\n"), &reg, o), ENOTSUP);
	/* nothing was added on failure */
	assert_int_equal(sip_auth_client_authorize(c, &reg, o), 0);
	assert_int_equal(sip_msg_hdr_count(h_wire(&h, o), SIP_HDR_AUTHORIZATION), 0);
	sip_mem_deref(c);
	h_done(&h);
}

/* Many realms: the oldest is forgotten. */
static void test_realm_lru(void **state)
{
	struct harness h;
	struct sip_auth_client *c;
	struct sip_out *o;
	struct sip_msg *sent;
	char text[512];

	(void)state;
	h_config(&h);
	assert_int_equal(sip_auth_client_alloc(&c, NULL), 0);
	assert_int_equal(sip_auth_client_cred_add(c, &(struct sip_auth_cred){
		.user = "u", .password = "p" }), 0);
	for (int i = 0; i < SIP_AUTH_CLIENT_REALMS + 3; i++) {
		snprintf(text, sizeof(text), "SIP/2.0 407 Proxy Authentication Required\n"
			 "Proxy-Authenticate: Digest realm=\"r%d\", nonce=\"n%d\", qop=\"auth\"\n\n",
			 i, i);
		assert_int_equal(sip_out_request(&o, reg.method, reg.uri), 0);
		assert_int_equal(sip_auth_client_respond(c, h_decode(&h, text), &reg, o), 0);
		sip_out_free(o);
	}
	assert_int_equal(sip_out_request(&o, reg.method, reg.uri), 0);
	assert_int_equal(sip_auth_client_authorize(c, &reg, o), 0);
	sent = h_wire(&h, o);
	assert_int_equal(sip_msg_hdr_count(sent, SIP_HDR_PROXY_AUTHORIZATION),
			 SIP_AUTH_CLIENT_REALMS);
	sip_mem_deref(c);
	h_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_reuse_refused_then_retry),
		cmocka_unit_test(test_ha1_only_and_algorithms),
		cmocka_unit_test(test_realms),
		cmocka_unit_test(test_default_no_qop),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_realm_lru),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
