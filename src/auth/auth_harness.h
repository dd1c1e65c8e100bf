/*
 * auth_harness.h - shared by the auth tests: a server on a virtual clock
 * with a small user table, requests built from text, challenges issued
 * and parsed back, answers computed for any user, password, uri and
 * nonce-count.
 */
#ifndef SRC_AUTH_AUTH_HARNESS_H
#define SRC_AUTH_AUTH_HARNESS_H

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/auth.h"
#include "sip/authhdr.h"
#include "sip/buf.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "testutil.h"

#define H_REALM "example.com"
#define H_USER "alice"
#define H_PASS "wonderland"

struct harness {
	struct sip_auth *auth;
	struct sip_auth_config cfg;
	uint64_t now;             /* ms, the server's clock */
	unsigned lookups;
	int lookup_err;           /* returned for every user when set */
	unsigned nblocked;        /* calls of the blocked hook */
	uint32_t last_failures;
	struct sockaddr_storage last_blocked;
	/* messages decoded, freed by h_done() or h_forget() */
	struct sip_msg **msgs;
	size_t nmsgs, cap;
};

static inline uint64_t h_clock(void *arg)
{
	return ((struct harness *)arg)->now;
}

/* One user, alice, in realm example.com, with HA1s for every base hash. */
static inline int h_lookup(void *arg, struct sip_pl user, struct sip_pl realm,
		    enum sip_auth_algo algo, char ha1[SIP_AUTH_HEX_SIZE])
{
	struct harness *h = arg;

	h->lookups++;
	if (h->lookup_err)
		return h->lookup_err;
	if (!sip_pl_eqs(user, H_USER) || !sip_pl_eqs(realm, H_REALM))
		return ENOENT;
	assert_true(algo == SIP_AUTH_ALGO_MD5 || algo == SIP_AUTH_ALGO_SHA256 ||
		    algo == SIP_AUTH_ALGO_SHA512_256);
	return sip_auth_ha1(algo, user, realm, SIP_PL(H_PASS), ha1);
}

static inline void h_on_blocked(void *arg, const struct sockaddr *src, uint32_t failures,
			 uint32_t block_s)
{
	struct harness *h = arg;

	h->nblocked++;
	h->last_failures = failures;
	memcpy(&h->last_blocked, src, src->sa_family == AF_INET ?
	       sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	assert_int_equal(block_s, h->cfg.block_time ? h->cfg.block_time :
			 SIP_AUTH_BLOCK_TIME);
}

/* Fill h->cfg with the harness hooks; the caller may change it first. */
static inline void h_config(struct harness *h)
{
	memset(h, 0, sizeof(*h));
	h->now = 1700000000000ULL;
	h->cfg.lookup = h_lookup;
	h->cfg.lookup_arg = h;
	h->cfg.clock = h_clock;
	h->cfg.clock_arg = h;
	h->cfg.blocked = h_on_blocked;
	h->cfg.blocked_arg = h;
}

static inline void h_start(struct harness *h)
{
	assert_int_equal(sip_auth_alloc(&h->auth, &h->cfg), 0);
}

static inline void h_init(struct harness *h)
{
	h_config(h);
	h_start(h);
}

/* Free the messages decoded after the first @p keep. */
static inline void h_forget(struct harness *h, size_t keep)
{
	while (h->nmsgs > keep)
		sip_msg_free(h->msgs[--h->nmsgs]);
}

static inline void h_done(struct harness *h)
{
	h_forget(h, 0);
	free(h->msgs);
	h->msgs = NULL;
	h->cap = 0;
	h->auth = sip_mem_deref(h->auth);
}

static inline struct sip_msg *h_keep(struct harness *h, struct sip_msg *m)
{
	if (h->nmsgs == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		h->msgs = realloc(h->msgs, h->cap * sizeof(h->msgs[0]));
		assert_non_null(h->msgs);
	}
	h->msgs[h->nmsgs++] = m;
	return m;
}

static inline struct sip_msg *h_decode(struct harness *h, const char *text)
{
	struct sip_msg *m = NULL;
	const char *why = NULL;
	size_t len;
	char *wire = tu_crlf(text, &len);

	assert_int_equal(sip_msg_decode(&m, wire, len, NULL, 0, &why), 0);
	free(wire);
	return h_keep(h, m);
}

/*
 * A REGISTER for alice to @p ruri with header "@p hname: @p hval" (none
 * when @p hname is NULL).
 */
static inline struct sip_msg *h_request(struct harness *h, const char *ruri,
				 const char *hname, const char *hval)
{
	char text[4096], extra[2048] = "";

	if (hname)
		snprintf(extra, sizeof(extra), "%s: %s\n", hname, hval);
	snprintf(text, sizeof(text),
		 "REGISTER %s SIP/2.0\n"
		 "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnashds7\n"
		 "Max-Forwards: 70\n"
		 "From: <sip:alice@example.com>;tag=456248\n"
		 "To: <sip:alice@example.com>\n"
		 "Call-ID: 843817637684230@998sdasdh09\n"
		 "CSeq: 1826 REGISTER\n"
		 "Contact: <sip:alice@192.0.2.1>\n"
		 "%s"
		 "Expires: 7200\n"
		 "Content-Length: 0\n"
		 "\n", ruri, extra);
	return h_decode(h, text);
}

/* Print @p o into a malloc'd string and free it. */
static inline char *h_print(struct sip_out *o)
{
	struct sip_buf b;
	char *s;

	sip_buf_init(&b);
	assert_int_equal(sip_out_print(o, &b), 0);
	s = strndup(b.p, b.len);
	assert_non_null(s);
	sip_buf_reset(&b);
	sip_out_free(o);
	return s;
}

/*
 * The 401 (or 407 with @p proxy) a server built on sip_auth would send
 * for @p req, printed.
 */
static inline char *h_reply(struct harness *h, struct sip_msg *req, bool stale, bool proxy)
{
	struct sip_out *o;

	assert_int_equal(sip_out_reply(&o, req, proxy ? 407 : 401, NULL, "as8d7f"), 0);
	assert_int_equal(sip_auth_challenge(h->auth, o, proxy ? SIP_HDR_PROXY_AUTHENTICATE :
					    SIP_HDR_WWW_AUTHENTICATE, SIP_PL(H_REALM),
					    stale), 0);
	return h_print(o);
}

/* Challenges for H_REALM, decoded from a printed 401 (407 with @p proxy). */
static inline struct sip_msg *h_challenge_msg(struct harness *h, bool stale, bool proxy)
{
	struct sip_out *o;
	char *text;
	struct sip_msg *m;

	assert_int_equal(sip_out_response(&o, proxy ? 407 : 401, NULL), 0);
	assert_int_equal(sip_auth_challenge(h->auth, o, proxy ? SIP_HDR_PROXY_AUTHENTICATE :
					    SIP_HDR_WWW_AUTHENTICATE, SIP_PL(H_REALM),
					    stale), 0);
	text = h_print(o);
	m = h_decode(h, text);
	free(text);
	return m;
}

/* The challenge of @p algo (the first when SIP_AUTH_ALGO_NONE). */
static inline const struct sip_challenge *h_challenge(struct harness *h, enum sip_auth_algo algo)
{
	const struct sip_challenge *c;
	struct sip_msg *m = h_challenge_msg(h, false, false);

	assert_int_equal(sip_msg_challenges(m, SIP_HDR_WWW_AUTHENTICATE, &c), 0);
	while (algo != SIP_AUTH_ALGO_NONE && c && c->algo != algo)
		c = c->next;
	assert_non_null(c);
	return c;
}

struct h_answer {
	const char *user, *pass, *uri, *cnonce, *method, *realm;
	uint32_t nc;
	enum sip_auth_algo algo;   /* NONE: the challenge's */
};

/* Credentials answering @p c; malloc'd. */
static inline char *h_answer(const struct sip_challenge *c, const struct h_answer *in)
{
	char ha1[SIP_AUTH_HEX_SIZE];
	struct sip_pl realm = in->realm ? sip_pl_str(in->realm) : c->realm;
	enum sip_auth_algo algo = in->algo ? in->algo : c->algo;
	struct sip_auth_answer an = {
		.user = sip_pl_str(in->user ? in->user : H_USER),
		.realm = realm, .nonce = c->nonce, .opaque = c->opaque,
		.algo = algo, .qop = SIP_QOP_AUTH,
		.cnonce = sip_pl_str(in->cnonce ? in->cnonce : "0a4f113b"),
		.nc = in->nc ? in->nc : 1,
		.method = sip_pl_str(in->method ? in->method : "REGISTER"),
		.uri = sip_pl_str(in->uri ? in->uri : "sip:example.com"),
	};
	struct sip_buf b;
	char *s;

	assert_int_equal(sip_auth_ha1(algo, an.user, realm,
				      sip_pl_str(in->pass ? in->pass : H_PASS), ha1), 0);
	an.ha1 = sip_pl_str(ha1);
	sip_buf_init(&b);
	assert_int_equal(sip_auth_answer_print(&b, &an), 0);
	s = strndup(b.p, b.len);
	sip_buf_reset(&b);
	return s;
}

/* Check a request carrying Authorization @p cred from @p src. */
static inline struct sip_auth_result h_check(struct harness *h, const char *cred,
				      const struct sockaddr *src)
{
	struct sip_msg *req = h_request(h, "sip:example.com", "Authorization", cred);
	struct sip_auth_result r;

	assert_int_equal(sip_auth_check(h->auth, req, SIP_HDR_AUTHORIZATION,
					SIP_PL(H_REALM), src, &r), 0);
	return r;
}

/* Answer @p c with @p in, check it, free the answer. */
static inline struct sip_auth_result h_try(struct harness *h, const struct sip_challenge *c,
				    const struct h_answer *in, const struct sockaddr *src)
{
	char *cred = h_answer(c, in);
	struct sip_auth_result r = h_check(h, cred, src);

	free(cred);
	return r;
}

static inline struct sockaddr_storage h_addr(const char *ip)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(5060);
		assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(5060);
		assert_int_equal(inet_pton(AF_INET, ip, &in->sin_addr), 1);
	}
	return ss;
}

#define SA(ss) ((const struct sockaddr *)&(ss))

#endif
