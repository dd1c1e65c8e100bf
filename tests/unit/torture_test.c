/*
 * torture_test.c - the RFC 4475 §3.1 torture messages (files in
 * tests/data/torture/, see its README.md) through sip_msg_decode(),
 * sip_msg_check() and sip_msg_parse_all(): for each valid message the
 * values the RFC's discussion names, for each invalid one the exact call
 * that fails and its reason; then a canonical print / decode round trip
 * of the valid ones, the stream framer on every file, every file through
 * every entry point under the sanitizers, and every file under every
 * allocation cap.
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

#include "sip/addr.h"
#include "sip/buf.h"
#include "sip/cseq.h"
#include "sip/ctype.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/param.h"
#include "sip/session.h"
#include "sip/uri.h"
#include "sip/via.h"
#include "testutil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

static char *load(const char *name, size_t *lenp)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "torture/%s.dat", name);
	return tu_read_data(rel, lenp);
}

/* Decode file @p name with the bytes copied into the message: the file
 * buffer is freed at once, so a slice left pointing into it would be a
 * use after free under ASan. */
static int decode_file(const char *name, unsigned flags, struct sip_msg **mp,
		       const char **why)
{
	size_t len;
	char *buf = load(name, &len);
	int err = sip_msg_decode(mp, buf, len, NULL, flags, why);

	free(buf);
	return err;
}

/* Slice equality with a literal (embedded NULs allowed), printing both
 * sides on failure; a macro only to report the caller's line. */
#define assert_pl(pl, lit) assert_pl_n((pl), (lit), sizeof(lit) - 1, __FILE__, __LINE__)

static void assert_pl_n(struct sip_pl pl, const char *want, size_t n,
			const char *file, int line)
{
	if (pl.p && pl.len == n && memcmp(pl.p, want, n) == 0)
		return;
	print_error("got \"%.*s\" (%zu bytes%s), want \"%.*s\" (%zu bytes)\n",
		    (int)pl.len, pl.p ? pl.p : "", pl.len, pl.p ? "" : ", unset",
		    (int)n, want, n);
	_fail(file, line);
}

/* The %-unescaped form of @p pl equals the literal. */
#define assert_unesc(pl, lit) assert_unesc_n((pl), (lit), sizeof(lit) - 1, __FILE__, __LINE__)

static void assert_unesc_n(struct sip_pl pl, const char *want, size_t n,
			   const char *file, int line)
{
	char buf[512];
	long got = sip_uri_unescape(pl, buf, sizeof(buf));

	assert_pl_n((struct sip_pl){ buf, got < 0 ? 0 : (size_t)got }, want, n,
		    file, line);
}

/* A string made of @p pre, @p unit repeated @p n times, and @p post (the
 * RFC's <repeat> notation), in a buffer owned by the caller. */
static const char *rep(char *buf, size_t size, const char *pre,
		       const char *unit, int n, const char *post)
{
	size_t len = strlen(pre);

	assert_true(len < size);
	memcpy(buf, pre, len + 1);
	for (int i = 0; i < n; i++) {
		assert_true(len + strlen(unit) < size);
		strcpy(buf + len, unit);
		len += strlen(unit);
	}
	assert_true(len + strlen(post) < size);
	strcpy(buf + len, post);
	return buf;
}

static void assert_pl_str(struct sip_pl pl, const char *want)
{
	assert_pl_n(pl, want, strlen(want), __FILE__, __LINE__);
}

/* Header parameter @p name of @p params: with value @p val, or a flag
 * parameter (no '=') when @p val is NULL. */
static void assert_param(struct sip_pl params, const char *name, const char *val)
{
	struct sip_param p;

	if (sip_param_get(params, name, &p)) {
		print_error("parameter %s missing from \"%.*s\"\n", name,
			    (int)params.len, params.p ? params.p : "");
		fail();
	}
	if (val)
		assert_pl_str(p.value, val);
	else
		assert_false(sip_pl_isset(&p.value));
}

static const struct sip_via *via_at(struct sip_msg *m, size_t i)
{
	const struct sip_via *v;

	assert_int_equal(sip_msg_via(m, &v), 0);
	for (; v && i; i--)
		v = v->next;
	assert_non_null(v);
	return v;
}

static size_t via_count(struct sip_msg *m)
{
	const struct sip_via *v;
	size_t n = 0;

	assert_int_equal(sip_msg_via(m, &v), 0);
	for (; v; v = v->next)
		n++;
	return n;
}

static void assert_via(const struct sip_via *v, const char *transport,
		       const char *host, const char *branch)
{
	assert_pl(v->proto, "SIP");
	assert_pl(v->version, "2.0");
	assert_pl_str(v->transport, transport);
	assert_pl_str(v->host, host);
	if (branch)
		assert_pl_str(v->branch, branch);
	else
		assert_false(sip_pl_isset(&v->branch));
}

static const struct sip_addr *from(struct sip_msg *m)
{
	const struct sip_addr *a = NULL;

	assert_int_equal(sip_msg_from(m, &a), 0);
	return a;
}

static const struct sip_addr *to(struct sip_msg *m)
{
	const struct sip_addr *a = NULL;

	assert_int_equal(sip_msg_to(m, &a), 0);
	return a;
}

static const struct sip_addr *contact_at(struct sip_msg *m, size_t i)
{
	const struct sip_addr *a = NULL;

	assert_int_equal(sip_msg_contact(m, &a), 0);
	for (; a && i; i--)
		a = a->next;
	assert_non_null(a);
	return a;
}

static const struct sip_uri *ruri(struct sip_msg *m)
{
	const struct sip_uri *u = NULL;

	assert_int_equal(sip_msg_ruri(m, &u), 0);
	return u;
}

static void assert_cseq(struct sip_msg *m, uint32_t num, const char *method)
{
	const struct sip_cseq *cs = NULL;

	assert_int_equal(sip_msg_cseq(m, &cs), 0);
	assert_int_equal(cs->num, num);
	assert_pl_str(cs->method, method);
}

static void assert_callid(struct sip_msg *m, const char *want)
{
	struct sip_pl id = { 0 };

	assert_int_equal(sip_msg_callid(m, &id), 0);
	assert_pl_str(id, want);
}

static void assert_u32(int (*get)(struct sip_msg *, uint32_t *),
		       struct sip_msg *m, uint32_t want)
{
	uint32_t v = 0;

	assert_int_equal(get(m, &v), 0);
	assert_int_equal(v, want);
}

/* Content-Length says @p n and the body is exactly that long. */
static void assert_body_len(struct sip_msg *m, uint32_t n)
{
	assert_u32(sip_msg_content_length, m, n);
	assert_int_equal(m->body.len, n);
}

/* Value of the unknown (or known) header named @p name. */
static struct sip_pl hdr_value(struct sip_msg *m, const char *name)
{
	const struct sip_hdr *h = sip_msg_hdr_name(m, name);

	if (!h) {
		print_error("header %s missing\n", name);
		fail();
	}
	return h->value;
}

static const struct sip_ctype *ctype(struct sip_msg *m)
{
	const struct sip_ctype *ct = NULL;

	assert_int_equal(sip_msg_ctype(m, &ct), 0);
	return ct;
}

/* ---- 3.1.1 valid messages: the values the RFC names ---- */

/* 3.1.1.1: folding, LWS everywhere, escaped quotes, empty Subject,
 * unknown headers, leading zeros. */
static void v_wsinv(struct sip_msg *m)
{
	const struct sip_uri *u = ruri(m);
	const struct sip_addr *a;
	unsigned q = 0;

	assert_true(m->req);
	assert_int_equal(m->mid, SIP_INVITE);
	assert_pl(m->ruri, "sip:vivekg@chair-dnrc.example.com;unknownparam");
	assert_pl(u->user, "vivekg");
	assert_pl(u->host, "chair-dnrc.example.com");
	assert_int_equal(sip_uri_param(u, "unknownparam", NULL), 0);

	a = to(m);
	assert_false(sip_pl_isset(&a->dname));
	assert_pl(a->uri.user, "vivekg");
	assert_pl(a->uri.host, "chair-dnrc.example.com");
	assert_pl(a->tag, "1918181833n");

	a = from(m);
	assert_true(a->dname_quoted);
	assert_pl(a->dname, "J Rosenberg \\\\\\\"");
	assert_pl(a->uri_raw, "sip:jdrosen@example.com");
	assert_pl(a->tag, "98asjd8");

	assert_u32(sip_msg_max_forwards, m, 68);
	assert_callid(m, "wsinv.ndaksdj@192.0.2.1");
	assert_cseq(m, 9, "INVITE");
	assert_body_len(m, 150);
	assert_memory_equal(m->body.p, "v=0\r\no=mhandley ", 16);

	assert_int_equal(via_count(m), 3);
	assert_via(via_at(m, 0), "UDP", "192.0.2.2", "390skdjuw");
	assert_false(sip_via_branch_is_rfc3261(via_at(m, 0)));
	assert_via(via_at(m, 1), "TCP", "spindle.example.com", "z9hG4bK9ikj8");
	assert_via(via_at(m, 2), "UDP", "192.168.255.111", "z9hG4bK30239");
	assert_true(sip_via_branch_is_rfc3261(via_at(m, 2)));

	/* "s :" is an empty Subject */
	assert_non_null(sip_msg_hdr(m, SIP_HDR_SUBJECT));
	assert_int_equal(sip_msg_hdr(m, SIP_HDR_SUBJECT)->value.len, 0);
	/* unknown headers are kept as text, the fold inside the value */
	assert_pl(hdr_value(m, "NewFangledHeader"),
		  "newfangled value\r\n continued newfangled value");
	assert_pl(hdr_value(m, "UnknownHeaderWithUnusualValue"), ";;,,;;,;");

	assert_int_equal(sip_msg_route(m, &a), 0);
	assert_pl(a->uri.host, "services.example.com");
	assert_int_equal(sip_uri_param(&a->uri, "lr", NULL), 0);
	assert_int_equal(sip_uri_param(&a->uri, "unknown-no-value", NULL), 0);
	assert_null(a->next);

	a = contact_at(m, 0);
	assert_null(a->next);
	assert_true(a->dname_quoted);
	assert_pl(a->dname, "Quoted string \\\"\\\"");
	assert_pl(a->uri_raw, "sip:jdrosen@example.com");
	assert_param(a->params, "newparam", "newvalue");
	assert_param(a->params, "secondparam", NULL);
	assert_int_equal(sip_contact_q(a, &q), 0);
	assert_int_equal(q, 330);
	assert_true(sip_ctype_is(ctype(m), "application", "sdp"));
}

/* 3.1.1.2: every token character in the method, an unusual URI,
 * control characters as quoted-pairs, UTF-8 values. */
static void v_intmeth(struct sip_msg *m)
{
	static const char method[] = "!interesting-Method0123456789_*+`.%indeed'~";
	const struct sip_uri *u = ruri(m);
	const struct sip_addr *a;
	const struct sip_cseq *cs;

	assert_pl(m->method, method);
	assert_int_equal(m->mid, SIP_METHOD_OTHER);
	assert_pl(u->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	assert_pl(u->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
	assert_pl(u->host, "example.com");
	assert_int_equal(u->params.len, 0);

	assert_via(via_at(m, 0), "TCP", "host1.example.com", "z9hG4bK-.!%66*_+`'~");

	a = to(m);
	assert_true(a->dname_quoted);
	assert_pl(a->dname, "BEL:\\\x07 NUL:\\\0 DEL:\\\x7f");
	assert_pl(a->uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	assert_pl(a->uri.host, "example.com");
	assert_false(sip_pl_isset(&a->tag));

	a = from(m);
	assert_false(a->dname_quoted);
	assert_pl(a->dname, "token1~` token2'+_ token3*%!.-");
	assert_pl(a->uri_raw, "sip:mundane@example.com");
	assert_pl(a->tag, "_token~1'+`*%!-.");
	assert_param(a->params, "fromParam''~+*_!.-%",
		     "\xD1\x80\xD0\xB0\xD0\xB1\xD0\xBE\xD1\x82\xD0\xB0\xD1\x8E"
		     "\xD1\x89\xD0\xB8\xD0\xB9");

	assert_callid(m, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
	assert_cseq(m, 139122385, method);
	assert_int_equal(sip_msg_cseq(m, &cs), 0);
	assert_int_equal(cs->mid, SIP_METHOD_OTHER);
	assert_u32(sip_msg_max_forwards, m, 255);
	assert_pl(hdr_value(m, "extensionHeader-!.%*+_`'~"),
		  "\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB");
	assert_body_len(m, 0);
}

/* 3.1.1.3: %HH escapes in URIs are the characters they encode, and are
 * not unescaped twice. */
static void v_esc01(struct sip_msg *m)
{
	const struct sip_uri *u = ruri(m);
	const struct sip_addr *a;
	struct sip_param p;
	struct sip_pl params;

	assert_pl(u->user, "sips%3Auser%40example.com");
	assert_unesc(u->user, "sips:user@example.com");
	assert_pl(u->host, "example.net");
	assert_unesc(to(m)->uri.user, "user");
	assert_unesc(from(m)->uri.user, "I have spaces");
	assert_pl(from(m)->tag, "938");
	assert_u32(sip_msg_max_forwards, m, 87);
	assert_callid(m, "esc01.239409asdfakjkn23onasd0-3234");
	assert_cseq(m, 234234, "INVITE");
	assert_via(via_at(m, 0), "UDP", "host5.example.net", "z9hG4bKkdjuw");
	assert_true(sip_ctype_is(ctype(m), "application", "sdp"));  /* "C:" */

	a = contact_at(m, 0);
	assert_unesc(a->uri.user, "caller");
	assert_pl(a->uri.host, "host5.example.net");
	/* ";%6C%72;n%61me=v%61lue%25%34%31": lr, and name=value%41 */
	params = a->uri.params;
	assert_int_equal(sip_param_next(&params, &p), 0);
	assert_unesc(p.name, "lr");
	assert_false(sip_pl_isset(&p.value));
	assert_int_equal(sip_param_next(&params, &p), 0);
	assert_unesc(p.name, "name");
	assert_unesc(p.value, "value%41");
	assert_int_equal(sip_param_next(&params, &p), ENOENT);
	assert_body_len(m, 150);
}

/* 3.1.1.4: %00 in user parts; two distinct Contact URIs. */
static void v_escnull(struct sip_msg *m)
{
	const struct sip_addr *c0, *c1;

	assert_int_equal(m->mid, SIP_REGISTER);
	assert_pl(ruri(m)->host, "example.com");
	assert_unesc(to(m)->uri.user, "null-\0-null");
	assert_unesc(from(m)->uri.user, "null-\0-null");
	assert_pl(from(m)->tag, "839923423");
	assert_callid(m, "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd");
	assert_cseq(m, 14398234, "REGISTER");
	c0 = contact_at(m, 0);
	c1 = contact_at(m, 1);
	assert_null(c1->next);
	assert_unesc(c0->uri.user, "\0");
	assert_unesc(c1->uri.user, "\0\0");
	assert_false(sip_uri_eq(&c0->uri, &c1->uri));
	assert_body_len(m, 0);
}

/* 3.1.1.5: '%' outside URIs is not an escape. */
static void v_esc02(struct sip_msg *m)
{
	const struct sip_hdr *h;

	assert_pl(m->method, "RE%47IST%45R");
	assert_int_equal(m->mid, SIP_METHOD_OTHER);
	assert_pl(ruri(m)->host, "registrar.example.com");
	assert_true(to(m)->dname_quoted);
	assert_pl(to(m)->dname, "%Z%45");
	assert_pl(from(m)->dname, "%Z%45");
	assert_pl(from(m)->tag, "f232jadfj23");
	assert_via(via_at(m, 0), "TCP", "host.example.com", "z9hG4bK209%fzsnel234");
	assert_cseq(m, 29344, "RE%47IST%45R");
	/* two Contact values; C%6Fntact is another header */
	assert_int_equal(sip_msg_hdr_count(m, SIP_HDR_CONTACT), 2);
	assert_pl(contact_at(m, 0)->uri_raw, "sip:alias1@host1.example.com");
	assert_pl(contact_at(m, 1)->uri_raw, "sip:alias3@host3.example.com");
	assert_null(contact_at(m, 1)->next);
	h = sip_msg_hdr_name(m, "C%6Fntact");
	assert_non_null(h);
	assert_int_equal(h->id, SIP_HDR_OTHER);
	assert_pl(h->value, "<sip:alias2@host2.example.com>");
	assert_body_len(m, 0);
}

/* 3.1.1.6: token display name glued to '<'. */
static void v_lwsdisp(struct sip_msg *m)
{
	const struct sip_addr *a = from(m);

	assert_int_equal(m->mid, SIP_OPTIONS);
	assert_false(a->dname_quoted);
	assert_pl(a->dname, "caller");
	assert_true(a->angle);
	assert_pl(a->uri_raw, "sip:caller@example.com");
	assert_pl(a->tag, "323");
	assert_cseq(m, 60, "OPTIONS");
	assert_callid(m, "lwsdisp.1234abcd@funky.example.com");
}

/* 3.1.1.7: long values, 34 Via values under every spelling of the name. */
static void v_longreq(struct sip_msg *m)
{
	char s[4096], s2[1024];
	const struct sip_addr *a;
	const struct sip_via *v;

	a = to(m);
	assert_pl_str(a->dname, rep(s, sizeof(s), "I have a user name of ",
				    "extreme", 10, " proportion"));
	assert_pl(a->uri.host, "example.com");
	assert_int_equal(a->uri.port, 6000);
	assert_param(a->uri.params, "unknownparam1",
		     rep(s, sizeof(s), "very", "long", 20, "value"));
	assert_param(a->uri.params, rep(s, sizeof(s), "longparam", "name", 25, ""),
		     "shortvalue");
	assert_param(a->uri.params, rep(s, sizeof(s), "very", "long", 25,
					"ParameterNameWithNoValue"), NULL);

	a = from(m);
	assert_pl_str(a->uri.user, rep(s, sizeof(s), "", "amazinglylongcallername", 5, ""));
	assert_pl(a->uri.host, "example.net");
	assert_pl_str(a->tag, rep(s, sizeof(s), "12", "982", 50, "424"));
	assert_param(a->params, rep(s, sizeof(s), "unknownheaderparam", "name", 20, ""),
		     rep(s2, sizeof(s2), "unknowheaderparam", "value", 15, ""));
	assert_param(a->params, rep(s, sizeof(s), "unknownValueless", "paramname", 10, ""),
		     NULL);

	assert_callid(m, rep(s, sizeof(s), "longreq.one", "really", 20, "longcallid"));
	assert_cseq(m, 3882340, "INVITE");
	rep(s2, sizeof(s2), "unknown-", "long", 20, "");
	snprintf(s, sizeof(s), "%s-value; %s-parameter-name = %s-parameter-value",
		 s2, s2, s2);
	assert_pl_str(hdr_value(m, rep(s2, sizeof(s2), "Unknown-", "Long", 20, "-Name")), s);

	assert_int_equal(via_count(m), 34);
	for (int i = 0; i < 33; i++) {
		snprintf(s, sizeof(s), "sip%d.example.com", 33 - i);
		assert_via(via_at(m, (size_t)i), "TCP", s, NULL);
	}
	v = via_at(m, 33);
	assert_via(v, "TCP", "host.example.com",
		   rep(s, sizeof(s), "very", "long", 50, "branchvalue"));
	assert_pl(v->received, "192.0.2.5");

	assert_u32(sip_msg_max_forwards, m, 70);
	a = contact_at(m, 0);
	assert_pl_str(a->uri.user, rep(s, sizeof(s), "", "amazinglylongcallername", 5, ""));
	assert_pl(a->uri.host, "host5.example.net");
	assert_body_len(m, 150);
}

/* 3.1.1.8: the body is what Content-Length says; the octets after it
 * (an INVITE look-alike) are ignored and not part of the message. */
static void v_dblreq(struct sip_msg *m)
{
	size_t len;
	char *buf = load("dblreq", &len);
	const char *hend = strstr(buf, "\r\n\r\n");

	assert_non_null(hend);
	assert_int_equal(m->mid, SIP_REGISTER);
	assert_body_len(m, 0);
	assert_int_equal(m->trailing, len - (size_t)(hend + 4 - buf));
	assert_int_equal(m->raw.len, (size_t)(hend + 4 - buf));
	assert_pl(to(m)->uri_raw, "sip:j.user@example.com");
	assert_pl(from(m)->tag, "43251j3j324");
	assert_u32(sip_msg_max_forwards, m, 8);
	assert_callid(m, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
	assert_pl(contact_at(m, 0)->uri_raw, "sip:j.user@host.example.com");
	assert_cseq(m, 8, "REGISTER");
	assert_int_equal(via_count(m), 1);
	assert_via(via_at(m, 0), "UDP", "192.0.2.125", "z9hG4bKkdjuw23492");
	free(buf);
}

/* 3.1.1.9: the user part is "user;par=u@example.net". */
static void v_semiuri(struct sip_msg *m)
{
	const struct sip_uri *u = ruri(m);

	assert_pl(u->user, "user;par=u%40example.net");
	assert_unesc(u->user, "user;par=u@example.net");
	assert_pl(u->host, "example.com");
	assert_int_equal(u->params.len, 0);
	assert_cseq(m, 8, "OPTIONS");
	assert_u32(sip_msg_max_forwards, m, 3);
	assert_pl(sip_msg_hdr(m, SIP_HDR_ACCEPT)->value,
		  "application/sdp, application/pkcs7-mime,\r\n"
		  "        multipart/mixed, multipart/signed,\r\n"
		  "        message/sip, message/sipfrag");
}

/* 3.1.1.10: every known transport and an unknown one. */
static void v_transports(struct sip_msg *m)
{
	assert_callid(m, "transports.kijh4akdnaqjkwendsasfdj");
	assert_int_equal(via_count(m), 5);
	assert_via(via_at(m, 0), "UDP", "t1.example.com", "z9hG4bKkdjuw");
	assert_via(via_at(m, 1), "SCTP", "t2.example.com", "z9hG4bKklasjdhf");
	assert_via(via_at(m, 2), "TLS", "t3.example.com", "z9hG4bK2980unddj");
	assert_via(via_at(m, 3), "UNKNOWN", "t4.example.com", "z9hG4bKasd0f3en");
	assert_via(via_at(m, 4), "TCP", "t5.example.com", "z9hG4bK0a9idfnee");
}

/* 3.1.1.11: a binary body with NUL octets, framed by Content-Length. */
static void v_mpart01(struct sip_msg *m)
{
	const struct sip_via *v = via_at(m, 0);
	struct sip_bodypart *bp = NULL;
	const struct sip_addr *a;
	struct sip_pl cte;
	time_t date = 0;

	assert_int_equal(m->mid, SIP_MESSAGE);
	assert_via(v, "UDP", "127.0.0.1", "z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-");
	assert_int_equal(v->port, 5070);
	assert_true(v->rport);
	assert_int_equal(v->rport_val, 0);
	assert_int_equal(sip_msg_route(m, &a), 0);
	assert_pl(a->uri.host, "127.0.0.1");
	assert_int_equal(a->uri.port, 5080);
	assert_pl(contact_at(m, 0)->uri_raw, "sip:fluffy@127.0.0.1:5070");
	assert_pl(from(m)->tag, "2fb0dcc9");
	assert_callid(m, "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..");
	assert_cseq(m, 1, "MESSAGE");
	assert_true(sip_ctype_is(ctype(m), "multipart", "mixed"));
	assert_pl(ctype(m)->boundary, "7a9cbec02ceef655");
	assert_pl(hdr_value(m, "Identity"),
		  "r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeX"
		  "qkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/"
		  "XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=");
	assert_int_equal(sip_msg_date(m, &date), 0);
	assert_int_equal(date, 1129351496);  /* Sat, 15 Oct 2005 04:44:56 GMT */
	assert_body_len(m, 553);
	assert_non_null(memchr(m->body.p, '\0', m->body.len));

	/* two parts; the second is 342 octets of DER with NULs in it */
	assert_int_equal(sip_body_multipart(sip_msg_arena(m), ctype(m), m->body, &bp), 0);
	assert_true(bp->has_ctype);
	assert_true(sip_ctype_is(&bp->ctype, "text", "plain"));
	assert_pl(bp->body, "Hello");
	bp = bp->next;
	assert_non_null(bp);
	assert_true(sip_ctype_is(&bp->ctype, "application", "octet-stream"));
	assert_int_equal(sip_bodypart_hdr(bp, "Content-Transfer-Encoding", &cte), 0);
	assert_pl(cte, "binary");
	assert_int_equal(bp->body.len, 342);
	assert_memory_equal(bp->body.p, "\x30\x82\x01\x52\x06\x09\x2A\x86", 8);
	assert_memory_equal(bp->body.p + 334, "\x4F\xE5\x7B\x65\xBC\x99\xD0\x05", 8);
	assert_non_null(memchr(bp->body.p, '\0', bp->body.len));
	assert_null(bp->next);
}

/* 3.1.1.12: any reason phrase, UTF-8 included. */
static void v_unreason(struct sip_msg *m)
{
	assert_false(m->req);
	assert_int_equal(m->scode, 200);
	assert_pl(m->reason,
		  "= 2**3 * 5**2 \xD0\xBD\xD0\xBE \xD1\x81\xD1\x82\xD0\xBE "
		  "\xD0\xB4\xD0\xB5\xD0\xB2\xD1\x8F\xD0\xBD\xD0\xBE\xD1\x81\xD1\x82\xD0\xBE "
		  "\xD0\xB4\xD0\xB5\xD0\xB2\xD1\x8F\xD1\x82\xD1\x8C - "
		  "\xD0\xBF\xD1\x80\xD0\xBE\xD1\x81\xD1\x82\xD0\xBE\xD0\xB5");
	assert_via(via_at(m, 0), "UDP", "192.0.2.198", "z9hG4bK1324923");
	assert_callid(m, "unreason.1234ksdfak3j2erwedfsASdf");
	assert_cseq(m, 35, "INVITE");
	assert_pl(from(m)->tag, "11141343");
	assert_pl(to(m)->tag, "2229");
	assert_pl(contact_at(m, 0)->uri_raw, "sip:user@host198.example.com");
	assert_body_len(m, 154);
}

/* 3.1.1.13: an empty reason phrase. */
static void v_noreason(struct sip_msg *m)
{
	assert_false(m->req);
	assert_int_equal(m->scode, 100);
	assert_non_null(m->reason.p);
	assert_int_equal(m->reason.len, 0);
	assert_via(via_at(m, 0), "UDP", "192.0.2.105", "z9hG4bK2398ndaoe");
	assert_callid(m, "noreason.asndj203insdf99223ndf");
	assert_cseq(m, 35, "INVITE");
	assert_pl(from(m)->tag, "39ansfi3");
	assert_pl(to(m)->tag, "902jndnke3");
	assert_body_len(m, 0);
}

struct valid_case {
	const char *name;
	void (*verify)(struct sip_msg *m);
};

static const struct valid_case valid[] = {
	{ "wsinv", v_wsinv },
	{ "intmeth", v_intmeth },
	{ "esc01", v_esc01 },
	{ "escnull", v_escnull },
	{ "esc02", v_esc02 },
	{ "lwsdisp", v_lwsdisp },
	{ "longreq", v_longreq },
	{ "dblreq", v_dblreq },
	{ "semiuri", v_semiuri },
	{ "transports", v_transports },
	{ "mpart01", v_mpart01 },
	{ "unreason", v_unreason },
	{ "noreason", v_noreason },
};

/* ---- 3.1.2 invalid messages: where and why they fail ---- */

/* Beyond the first error (m->err), the other values the RFC calls out. */
static void x_scalar02(struct sip_msg *m)
{
	uint32_t v;

	assert_int_equal(sip_msg_max_forwards(m, &v), EBADMSG);
	assert_int_equal(sip_msg_expires(m, &v), EBADMSG);
	assert_int_equal(sip_contact_expires(contact_at(m, 0), &v), EBADMSG);
}

static void x_scalarlg(struct sip_msg *m)
{
	const struct sip_retry_after *ra;
	const struct sip_warning *w;

	assert_int_equal(sip_msg_retry_after(m, &ra), EBADMSG);
	assert_int_equal(sip_msg_warning(m, &w), EBADMSG);
}

static void x_badinv01(struct sip_msg *m)
{
	const struct sip_addr *a;

	assert_int_equal(sip_msg_contact(m, &a), EBADMSG);
}

static void x_baddn(struct sip_msg *m)
{
	const struct sip_addr *a;

	assert_int_equal(sip_msg_to(m, &a), EBADMSG);
}

/* RFC 4475 prefers 501 here: the element sees the unknown method. */
static void x_mismatch02(struct sip_msg *m)
{
	assert_int_equal(m->mid, SIP_METHOD_OTHER);
	assert_pl(m->method, "NEWMETHOD");
}

static void x_badvers(struct sip_msg *m)
{
	assert_pl(m->version, "SIP/7.0");
}

enum stage {
	AT_CHECK,  /* decodes; sip_msg_check() fails */
	AT_PARSE,  /* decodes, passes sip_msg_check(); sip_msg_parse_all() fails */
};

struct invalid_case {
	const char *name;
	enum stage stage;
	int err;                /* errno of the failing call */
	const char *reason;     /* m->err after it */
	void (*extra)(struct sip_msg *m);
};

/*
 * Every invalid message decodes: an element needs its Via, tags and
 * Call-ID to answer 400 (or 505), so only the checks reject it. Where
 * the RFC lets an element accept the message, the table says which call
 * rejects it and why.
 */
static const struct invalid_case invalid[] = {
	/* 3.1.2.1: "should respond with a 400": the top Via is checked
	 * first; Contact is bad too (extra) */
	{ "badinv01", AT_CHECK, EBADMSG, "Bad Via header", x_badinv01 },
	/* 3.1.2.2: over UDP "should respond with a 400"; over a stream the
	 * framer waits for more bytes (test_frame) */
	{ "clerr", AT_CHECK, EBADMSG, "Content-Length larger than message", NULL },
	/* 3.1.2.3: "should respond with an error"; over a stream the framer
	 * refuses it (test_frame) */
	{ "ncl", AT_CHECK, EBADMSG, "Bad Content-Length header", NULL },
	/* 3.1.2.4: "400 Bad Request due to the CSeq error"; Max-Forwards,
	 * Expires and the Contact expires are each rejected too (extra) */
	{ "scalar02", AT_CHECK, EBADMSG, "Bad CSeq header: number too large", x_scalar02 },
	/* 3.1.2.5: a response the element "will simply discard"; Retry-After
	 * and the 4-digit warn-code are rejected too (extra) */
	{ "scalarlg", AT_CHECK, EBADMSG, "Bad CSeq header: number too large", x_scalarlg },
	/* 3.1.2.6: "should return a 400" (we infer no closing quote) */
	{ "quotbal", AT_CHECK, EBADMSG, "Bad To header", NULL },
	/* 3.1.2.7: "reasonable always to reject ... with a 400" */
	{ "ltgtruri", AT_CHECK, EBADMSG, "Bad Request-URI", NULL },
	/* 3.1.2.8: "should respond with a 400": the SP in the URI makes a
	 * four-element request line */
	{ "lwsruri", AT_CHECK, EBADMSG, "Malformed request line", NULL },
	/* 3.1.2.9, 3.1.2.10: "acceptable to reject this request as
	 * malformed"; we are not the liberal element */
	{ "lwsstart", AT_CHECK, EBADMSG, "Malformed request line", NULL },
	{ "trws", AT_CHECK, EBADMSG, "Malformed request line", NULL },
	/* 3.1.2.11: headers are not allowed in a Request-URI (RFC 3261
	 * §19.1.1); "acceptable ... to reject this request with a 400" */
	{ "escruri", AT_CHECK, EBADMSG, "Bad Request-URI", NULL },
	/* 3.1.2.12: reject "only if the contents of the Date header field
	 * were actually important": the lazy check passes, the full parse
	 * rejects the EST zone */
	{ "baddate", AT_PARSE, EBADMSG, "Bad Date header", NULL },
	/* 3.1.2.13: "reasonable ... to respond with a 400": Contact is not
	 * among what every element checks, so the full parse (what a
	 * registrar does) rejects it */
	{ "regbadct", AT_PARSE, EBADMSG, "Bad Contact header", NULL },
	/* 3.1.2.14: "reasonable to reject this request with a 400" */
	{ "badaspec", AT_CHECK, EBADMSG, "Bad To header", NULL },
	/* 3.1.2.15: "reasonable always to reject": From is checked before
	 * To; To is bad too (extra) */
	{ "baddn", AT_CHECK, EBADMSG, "Bad From header", x_baddn },
	/* 3.1.2.16: "should respond ... with a 505" */
	{ "badvers", AT_CHECK, EPROTONOSUPPORT, "Version Not Supported", x_badvers },
	/* 3.1.2.17: "will respond with a 400" */
	{ "mismatch01", AT_CHECK, EBADMSG, "CSeq method does not match request method", NULL },
	/* 3.1.2.18: 501 preferred, 400 acceptable: the check reports the
	 * mismatch and m->mid tells the element the method is unknown */
	{ "mismatch02", AT_CHECK, EBADMSG, "CSeq method does not match request method",
	  x_mismatch02 },
	/* 3.1.2.19: the element "should simply drop it" */
	{ "bigcode", AT_CHECK, EBADMSG, "Bad status code", NULL },
};

/* ---- the tests ---- */

static void test_valid(void **state)
{
	const struct valid_case *c = *state;
	struct sip_msg *m = NULL;
	const char *why = NULL;

	assert_int_equal(decode_file(c->name, 0, &m, &why), 0);
	assert_int_equal(sip_msg_check(m), 0);
	assert_int_equal(sip_msg_parse_all(m), 0);
	assert_null(m->err);
	c->verify(m);
	sip_msg_free(m);
}

static void assert_reason(const struct sip_msg *m, const char *want)
{
	if (m->err && strcmp(m->err, want) == 0)
		return;
	print_error("m->err \"%s\", want \"%s\"\n", m->err ? m->err : "(null)", want);
	fail();
}

static void test_invalid(void **state)
{
	const struct invalid_case *c = *state;
	struct sip_msg *m = NULL;
	const char *why = NULL;

	assert_int_equal(decode_file(c->name, 0, &m, &why), 0);
	if (c->stage == AT_CHECK) {
		assert_int_equal(sip_msg_check(m), c->err);
	} else {
		assert_int_equal(sip_msg_check(m), 0);
		assert_null(m->err);
		assert_int_equal(sip_msg_parse_all(m), c->err);
	}
	assert_reason(m, c->reason);
	/* the full parse fails too, and the first error stays */
	assert_int_not_equal(sip_msg_parse_all(m), 0);
	assert_reason(m, c->reason);
	if (c->extra)
		c->extra(m);
	sip_msg_free(m);
}

/* Both lists hold the same Via values (branch, transport, host, port). */
static void same_via(struct sip_msg *a, struct sip_msg *b)
{
	const struct sip_via *va, *vb;

	assert_int_equal(sip_msg_via(a, &va), 0);
	assert_int_equal(sip_msg_via(b, &vb), 0);
	for (; va && vb; va = va->next, vb = vb->next) {
		assert_true(sip_pl_eq(va->branch, vb->branch));
		assert_true(sip_pl_isset(&va->branch) == sip_pl_isset(&vb->branch));
		assert_true(sip_pl_eq(va->transport, vb->transport));
		assert_true(sip_pl_casecmp(va->host, vb->host));
		assert_int_equal(va->port, vb->port);
	}
	assert_null(va);
	assert_null(vb);
}

static void same_addr(const struct sip_addr *a, const struct sip_addr *b)
{
	for (; a && b; a = a->next, b = b->next) {
		assert_true(sip_uri_eq(&a->uri, &b->uri));
		assert_true(sip_pl_eq(a->tag, b->tag));
		assert_true(sip_pl_isset(&a->tag) == sip_pl_isset(&b->tag));
	}
	assert_null(a);
	assert_null(b);
}

static void same_addr_hdr(struct sip_msg *a, struct sip_msg *b, enum sip_hdr_id id)
{
	const struct sip_addr *la = NULL, *lb = NULL;
	int ea = sip_msg_addr(a, id, &la);

	assert_int_equal(sip_msg_addr(b, id, &lb), ea);
	if (!ea)
		same_addr(la, lb);
}

static void same_start(const struct sip_msg *a, const struct sip_msg *b)
{
	assert_int_equal(a->req, b->req);
	if (a->req) {
		assert_true(sip_pl_eq(a->method, b->method));
		assert_true(sip_pl_eq(a->ruri, b->ruri));
	} else {
		assert_int_equal(a->scode, b->scode);
		assert_true(sip_pl_eq(a->reason, b->reason));
	}
}

/* Print canonically, decode again: the same typed values. */
static void test_roundtrip(void **state)
{
	const struct valid_case *c = *state;
	struct sip_msg *m = NULL, *m2 = NULL;
	const struct sip_cseq *cs, *cs2;
	struct sip_pl id, id2;
	struct sip_out *o = NULL;
	struct sip_buf b;

	assert_int_equal(decode_file(c->name, 0, &m, NULL), 0);
	assert_int_equal(sip_msg_parse_all(m), 0);
	assert_int_equal(sip_out_from_msg(&o, m, SIP_OUT_CANON), 0);
	sip_buf_init(&b);
	assert_int_equal(sip_out_print(o, &b), 0);
	assert_int_equal(sip_msg_decode(&m2, b.p, b.len, NULL, 0, NULL), 0);
	if (sip_msg_check(m2) || sip_msg_parse_all(m2)) {
		print_error("%s: reprinted message rejected (%s):\n%.*s\n", c->name,
			    m2->err ? m2->err : "?", (int)b.len, b.p);
		fail();
	}
	same_start(m, m2);
	same_via(m, m2);
	same_addr_hdr(m, m2, SIP_HDR_FROM);
	same_addr_hdr(m, m2, SIP_HDR_TO);
	same_addr_hdr(m, m2, SIP_HDR_CONTACT);
	same_addr_hdr(m, m2, SIP_HDR_ROUTE);
	assert_int_equal(sip_msg_callid(m, &id), 0);
	assert_int_equal(sip_msg_callid(m2, &id2), 0);
	assert_true(sip_pl_eq(id, id2));
	assert_int_equal(sip_msg_cseq(m, &cs), 0);
	assert_int_equal(sip_msg_cseq(m2, &cs2), 0);
	assert_int_equal(cs->num, cs2->num);
	assert_true(sip_pl_eq(cs->method, cs2->method));
	assert_body_len(m2, (uint32_t)m->body.len);
	assert_memory_equal(m->body.p, m2->body.p, m->body.len);
	assert_int_equal(m2->trailing, 0);
	sip_msg_free(m2);
	sip_buf_reset(&b);
	sip_out_free(o);
	sip_msg_free(m);
}

/*
 * Over a stream (RFC 3261 §18.3) the framer takes exactly Content-Length
 * octets of body: dblreq's extra octets are the next thing on the stream,
 * clerr waits for 9999 octets that never come (RFC 4475 3.1.2.2), and
 * ncl's framing error means closing the connection (3.1.2.3).
 */
static void test_frame(void **state)
{
	static const char *const names[] = {
		"wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp",
		"longreq", "semiuri", "transports", "mpart01", "unreason",
		"noreason", "badinv01", "scalar02", "scalarlg", "quotbal",
		"ltgtruri", "lwsruri", "lwsstart", "trws", "escruri",
		"baddate", "regbadct", "badaspec", "baddn", "badvers",
		"mismatch01", "mismatch02", "bigcode",
	};
	enum sip_frame_kind kind;
	const char *why = NULL;
	size_t len, n = 0;
	char *buf;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		buf = load(names[i], &len);
		n = 0;
		assert_int_equal(sip_msg_frame(buf, len, &kind, &n, &why), 0);
		assert_int_equal(kind, SIP_FRAME_MSG);
		assert_int_equal(n, len);
		free(buf);
	}

	buf = load("dblreq", &len);
	assert_int_equal(sip_msg_frame(buf, len, &kind, &n, &why), 0);
	assert_int_equal(kind, SIP_FRAME_MSG);
	assert_int_equal(n, (size_t)(strstr(buf, "\r\n\r\n") + 4 - buf));
	free(buf);

	buf = load("clerr", &len);
	assert_int_equal(sip_msg_frame(buf, len, &kind, &n, &why), ENODATA);
	free(buf);

	buf = load("ncl", &len);
	assert_int_equal(sip_msg_frame(buf, len, &kind, &n, &why), EBADMSG);
	assert_string_equal(why, "Bad Content-Length header");
	free(buf);
}

static const char *const all_files[] = {
	"wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq",
	"dblreq", "semiuri", "transports", "mpart01", "unreason", "noreason",
	"badinv01", "clerr", "ncl", "scalar02", "scalarlg", "quotbal",
	"ltgtruri", "lwsruri", "lwsstart", "trws", "escruri", "baddate",
	"regbadct", "badaspec", "baddn", "badvers", "mismatch01", "mismatch02",
	"bigcode",
};

/* Print @p m canonically whatever its state (the result is not checked:
 * an invalid message may refuse to print). */
static void print_any(struct sip_msg *m)
{
	struct sip_out *o = NULL;
	struct sip_buf b;

	sip_buf_init(&b);
	if (sip_out_from_msg(&o, m, SIP_OUT_CANON) == 0)
		(void)sip_out_print(o, &b);
	sip_buf_reset(&b);
	sip_out_free(o);
}

/* Every file, datagram and stream, through every entry point in both
 * orders; the sanitizers watch for overruns and leaks. */
static void test_no_crash(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(all_files); i++) {
		for (unsigned flags = 0; flags <= SIP_DECODE_STREAM; flags++) {
			struct sip_msg *m = NULL;

			if (decode_file(all_files[i], flags, &m, NULL) == 0) {
				(void)sip_msg_check(m);
				(void)sip_msg_parse_all(m);
				print_any(m);
				sip_msg_free(m);
			}
			if (decode_file(all_files[i], flags, &m, NULL) == 0) {
				(void)sip_msg_parse_all(m);
				(void)sip_msg_check(m);
				sip_msg_free(m);
			}
		}
	}
}

static bool same_reason(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/*
 * One run of file @p name with allocations failing after @p n: decode,
 * check, full parse, up to the first failure. Running out of memory must
 * give ENOMEM and no new m->err, never a malformed message; otherwise the
 * result is @p want with reason @p want_reason (0 and NULL for a valid
 * message). Returns true when the run was not cut short by the cap.
 */
static bool run_capped(const char *name, long n, int want, const char *want_reason)
{
	struct sip_msg *m = NULL;
	const char *reason = NULL;
	int err;

	sip_mem_fail_after(n);
	err = decode_file(name, 0, &m, NULL);
	if (!err) {
		err = sip_msg_check(m);
		if (!err)
			err = sip_msg_parse_all(m);
		reason = m->err;
	}
	sip_mem_fail_after(-1);
	sip_msg_free(m);
	if (err == ENOMEM && (!reason || same_reason(reason, want_reason)))
		return false;
	if (err != want || !same_reason(reason, want_reason)) {
		print_error("%s, allocations capped at %ld: %s, m->err %s\n", name,
			    n, strerror(err), reason ? reason : "(null)");
		fail();
	}
	return true;
}

/* Every file under every allocation cap 0, 1, 2, ... until it runs to
 * its end, leaking nothing. */
static void test_oom(void **state)
{
	long live = sip_mem_live(), n;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(valid); i++) {
		for (n = 0; !run_capped(valid[i].name, n, 0, NULL); n++)
			assert_int_equal(sip_mem_live(), live);
		assert_int_equal(sip_mem_live(), live);
	}
	for (size_t i = 0; i < ARRAY_SIZE(invalid); i++) {
		const struct invalid_case *c = &invalid[i];

		for (n = 0; !run_capped(c->name, n, c->err, c->reason); n++)
			assert_int_equal(sip_mem_live(), live);
		assert_int_equal(sip_mem_live(), live);
	}
}

enum {
	NVALID = ARRAY_SIZE(valid),
	NINVALID = ARRAY_SIZE(invalid),
};

int main(void)
{
	static char names[2 * NVALID + NINVALID][48];
	struct CMUnitTest tests[2 * NVALID + NINVALID + 3];
	size_t n = 0;

	for (size_t i = 0; i < NVALID; i++) {
		snprintf(names[n], sizeof(names[n]), "valid/%s", valid[i].name);
		tests[n] = (struct CMUnitTest){ names[n], test_valid, NULL, NULL,
						(void *)&valid[i] };
		n++;
	}
	for (size_t i = 0; i < NINVALID; i++) {
		snprintf(names[n], sizeof(names[n]), "invalid/%s", invalid[i].name);
		tests[n] = (struct CMUnitTest){ names[n], test_invalid, NULL, NULL,
						(void *)&invalid[i] };
		n++;
	}
	for (size_t i = 0; i < NVALID; i++) {
		snprintf(names[n], sizeof(names[n]), "roundtrip/%s", valid[i].name);
		tests[n] = (struct CMUnitTest){ names[n], test_roundtrip, NULL, NULL,
						(void *)&valid[i] };
		n++;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_frame);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_no_crash);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_oom);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
