/*
 * registrar_test.c - REGISTER text in, response text out (RFC 3261
 * §10.3, RFC 3327, RFC 5626 §6), over the "memory" store on a virtual
 * clock: register, refresh, unregister, wildcard unregister, 423 with
 * Min-Expires, several contacts, q and recency order in the location
 * service, instance/reg-id replacement, stale CSeq refused, Path echoed,
 * third-party registration refused or allowed by policy, the 200 listing
 * every binding with what it has left and a Date, expiry and sweeping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/registrar.h"
#include "sip/store.h"
#include "sip/transport.h"
#include "sip/uri.h"

#include <sqlite3.h>
#include <unistd.h>

#include "testutil.h"

/* 2023-11-14 22:13:20 UTC */
static const uint64_t T0 = 1700000000000ULL;
static uint64_t vclock;

static uint64_t virtual_now(void *arg)
{
	return vclock;
}

struct fixture {
	uv_loop_t loop;
	struct sip_store *st;
	struct sip_registrar *reg;
	struct sip_registrar_conf conf;
	bool allow_third_party;
};

static const char *const domains[] = { "example.com", "[2001:db8::1]", NULL };

static bool policy(void *arg, const char *to, const char *from,
		   const struct sip_user *user)
{
	struct fixture *f = arg;

	return f->allow_third_party;
}

static void make_registrar(struct fixture *f)
{
	sip_mem_deref(f->reg);
	assert_int_equal(sip_registrar_alloc(&f->reg, f->st, &f->conf), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sip_store_conf sc = { .backend = "memory", .clock = virtual_now };

	vclock = T0;
	assert_int_equal(uv_loop_init(&f->loop), 0);
	assert_int_equal(sip_store_open(&f->st, &f->loop, &sc), 0);
	f->conf = (struct sip_registrar_conf){
		.domains = domains, .min_expires = 60, .max_expires = 7200,
		.default_expires = 3600, .max_contacts = 4,
		.third_party = policy, .policy_arg = f,
	};
	make_registrar(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sip_mem_deref(f->reg);
	sip_mem_deref(f->st);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	free(f);
	return 0;
}

/* ---- driving ---- */

struct answer {
	int calls;
	bool inside;
	uint16_t scode;
	char *text;
};

static bool inside_handle;

static long rows_at_answer = -1;
static const char *db_path;

static long count_rows(void)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long n = -1;

	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM bindings",
					    -1, &s, NULL), 0);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void on_reply(void *arg, struct sip_out *o, uint16_t scode)
{
	struct answer *a = arg;
	struct sip_buf b;

	a->calls++;
	a->inside |= inside_handle;
	a->scode = scode;
	/* with the SQLite store: what the file holds as the answer leaves */
	if (db_path)
		rows_at_answer = count_rows();
	if (!o)
		return;  /* out of memory: the caller answers bare */
	sip_buf_init(&b);
	assert_int_equal(sip_out_print(o, &b), 0);
	sip_buf_putc(&b, '\0');
	a->text = strdup(b.p);
	sip_buf_reset(&b);
	if (getenv("REGISTRAR_TEST_PRINT"))  /* see what goes on the wire */
		fprintf(stderr, "%s---\n", a->text);
	sip_out_free(o);
}

/* REGISTER with the given header lines (CSeq, Call-ID, From, ...
 * defaults filled in for the ones not given). */
static char *build(const char *ruri, const char *hdrs)
{
	static char buf[4096];
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "REGISTER %s SIP/2.0\n"
			     "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-r1\n"
			     "Max-Forwards: 70\n", ruri);
	if (!strstr(hdrs, "From:"))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "From: <sip:alice@example.com>;tag=a1\n");
	if (!strstr(hdrs, "To:"))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "To: <sip:alice@example.com>\n");
	if (!strstr(hdrs, "Call-ID:"))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Call-ID: cid-1\n");
	snprintf(buf + n, sizeof(buf) - n, "%sContent-Length: 0\n\n", hdrs);
	return buf;
}

static struct answer send_req(struct fixture *f, const char *ruri,
			      const char *hdrs, const struct sip_user *user,
			      const struct sip_tp_peer *src)
{
	struct answer a = { 0 };
	struct sip_msg *m;
	size_t len;
	char *wire = tu_crlf(build(ruri, hdrs), &len);
	struct sip_reg_req rq = { .user = user, .src = src };

	assert_int_equal(sip_msg_decode(&m, wire, len, NULL, 0, NULL), 0);
	rq.m = m;
	inside_handle = true;
	assert_int_equal(sip_registrar_handle(f->reg, &rq, on_reply, &a), 0);
	inside_handle = false;
	assert_int_equal(a.calls, 0);
	for (int i = 0; i < 100 && !a.calls; i++)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(a.calls, 1);
	assert_false(a.inside);
	sip_msg_free(m);
	free(wire);
	return a;
}

static struct answer reg(struct fixture *f, const char *hdrs)
{
	return send_req(f, "sip:example.com", hdrs, NULL, NULL);
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void expect(struct answer *a, uint16_t scode, const char *const *has)
{
	if (a->scode != scode)
		fail_msg("status %u, not %u:\n%s", a->scode, scode, a->text);
	for (size_t i = 0; has && has[i]; i++) {
		if (!strstr(a->text, has[i]))
			fail_msg("no \"%s\" in:\n%s", has[i], a->text);
	}
}

static void done(struct answer *a)
{
	free(a->text);
	a->text = NULL;
}

struct found {
	int calls;
	int err;
	size_t n;
	char contact[8][96];
	int q[8];
	char path[96];
	char received[64];
	char transport[8];
	uint32_t left[8];
};

static void on_found(void *arg, int err, struct sip_bindings *bs)
{
	struct found *fd = arg;

	fd->calls++;
	fd->err = err;
	fd->n = bs ? bs->n : 0;
	for (size_t i = 0; bs && i < bs->n && i < 8; i++) {
		snprintf(fd->contact[i], sizeof(fd->contact[i]), "%s", bs->v[i].contact);
		fd->q[i] = bs->v[i].q;
		fd->left[i] = sip_binding_remaining(&bs->v[i], vclock);
		if (i == 0) {
			snprintf(fd->path, sizeof(fd->path), "%s",
				 bs->v[i].path ? bs->v[i].path : "");
			snprintf(fd->received, sizeof(fd->received), "%s",
				 bs->v[i].received ? bs->v[i].received : "");
			snprintf(fd->transport, sizeof(fd->transport), "%s",
				 bs->v[i].transport ? bs->v[i].transport : "");
		}
	}
}

static struct found locate(struct fixture *f, const char *aor)
{
	struct found fd = { 0 };

	assert_int_equal(sip_location_lookup(f->st, aor, on_found, &fd), 0);
	assert_int_equal(fd.calls, 0);
	for (int i = 0; i < 100 && !fd.calls; i++)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(fd.calls, 1);
	assert_int_equal(fd.err, 0);
	return fd;
}

/* ---- tests ---- */

static void test_register_exact_text(void **state)
{
	struct fixture *f = *state;
	struct answer a = reg(f, "CSeq: 1 REGISTER\n"
			      "Contact: <sip:alice@192.0.2.10:5060>\n"
			      "Expires: 3600\n");
	const char *want =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-r1\r\n"
		"From: <sip:alice@example.com>;tag=a1\r\n"
		"To: <sip:alice@example.com>;tag=";

	assert_int_equal(a.scode, 200);
	assert_memory_equal(a.text, want, strlen(want));
	expect(&a, 200, (const char *[]){
		"\r\nCall-ID: cid-1\r\n",
		"\r\nCSeq: 1 REGISTER\r\n",
		"\r\nContact: <sip:alice@192.0.2.10:5060>;expires=3600\r\n",
		"\r\nDate: Tue, 14 Nov 2023 22:13:20 GMT\r\n",
		"\r\nContent-Length: 0\r\n\r\n", NULL });
	assert_int_equal(count(a.text, "Contact:"), 1);
	done(&a);
	assert_int_equal(sip_registrar_stats(f->reg)->added, 1);
}

static void test_refresh_and_unregister(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	struct found fd;

	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:alice@192.0.2.10>\n");
	expect(&a, 200, (const char *[]){ "<sip:alice@192.0.2.10>;expires=3600", NULL });
	done(&a);

	/* refresh 10 minutes later, same Call-ID, higher CSeq, new expiry;
	 * written differently but equivalent (§19.1.4: the scheme ignores
	 * case; a parameter other than user, ttl, method, maddr, transport
	 * present in only one URI is ignored) */
	vclock += 600000;
	a = reg(f, "CSeq: 2 REGISTER\n"
		"Contact: <SIP:alice@192.0.2.10;newparam=5>;expires=1800\n");
	expect(&a, 200, (const char *[]){
		"Contact: <SIP:alice@192.0.2.10;newparam=5>;expires=1800\r\n", NULL });
	assert_int_equal(count(a.text, "Contact:"), 1);
	done(&a);
	assert_int_equal(sip_registrar_stats(f->reg)->refreshed, 1);

	/* not equivalent: the user part is case-sensitive, and an explicit
	 * port differs from none ("can resolve to different ports") */
	a = reg(f, "CSeq: 3 REGISTER\nContact: <sip:ALICE@192.0.2.10>\n");
	assert_int_equal(count(a.text, "Contact:"), 2);
	done(&a);
	a = reg(f, "CSeq: 4 REGISTER\nContact: <sip:alice@192.0.2.10:5060>\n");
	assert_int_equal(count(a.text, "Contact:"), 3);
	done(&a);
	a = reg(f, "CSeq: 5 REGISTER\nContact: <sip:alice@192.0.2.10>;expires=1200\n");
	expect(&a, 200, (const char *[]){ "<sip:alice@192.0.2.10>;expires=1200\r\n",
		"<sip:ALICE@192.0.2.10>;expires=3600\r\n",
		"<sip:alice@192.0.2.10:5060>;expires=3600\r\n", NULL });
	assert_int_equal(count(a.text, "Contact:"), 3);
	done(&a);
	assert_int_equal(sip_registrar_stats(f->reg)->refreshed, 2);

	/* unregister one: expires=0 */
	a = reg(f, "CSeq: 6 REGISTER\nContact: <sip:alice@192.0.2.10>;expires=0\n");
	assert_int_equal(a.scode, 200);
	assert_int_equal(count(a.text, "Contact:"), 2);
	assert_null(strstr(a.text, "<sip:alice@192.0.2.10>;"));
	done(&a);
	/* Expires: 0 applies to contacts without their own; removing one
	 * that is not there is no error */
	a = reg(f, "CSeq: 7 REGISTER\nExpires: 0\n"
		"Contact: <sip:gone@192.0.2.10>\n"
		"Contact: <sip:ALICE@192.0.2.10>, <sip:alice@192.0.2.10:5060>\n");
	assert_int_equal(a.scode, 200);
	assert_int_equal(count(a.text, "Contact:"), 0);
	done(&a);
	fd = locate(f, "sip:alice@example.com");
	assert_int_equal(fd.n, 0);
	assert_int_equal(sip_store_stats(f->st)->bindings, 0);
	assert_int_equal(sip_registrar_stats(f->reg)->removed, 3);
}

static void test_wildcard(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>, <sip:a@192.0.2.2>\n");
	assert_int_equal(count(a.text, "Contact:"), 2);
	done(&a);
	a = reg(f, "Call-ID: other\nCSeq: 1 REGISTER\nContact: <sip:a@192.0.2.3>\n");
	assert_int_equal(count(a.text, "Contact:"), 3);
	done(&a);

	/* "*" must come alone and with Expires: 0 */
	a = reg(f, "CSeq: 2 REGISTER\nContact: *\n");
	expect(&a, 400, (const char *[]){ "SIP/2.0 400 Bad Contact header", NULL });
	done(&a);
	a = reg(f, "CSeq: 2 REGISTER\nContact: *\nExpires: 3600\n");
	expect(&a, 400, NULL);
	done(&a);
	a = reg(f, "CSeq: 2 REGISTER\nContact: *, <sip:a@192.0.2.9>\nExpires: 0\n");
	expect(&a, 400, NULL);
	done(&a);
	/* §10.3 step 6: an older CSeq of a binding's own Call-ID fails it all */
	a = reg(f, "Call-ID: other\nCSeq: 1 REGISTER\nContact: *\nExpires: 0\n");
	expect(&a, 500, (const char *[]){ "SIP/2.0 500 CSeq out of order", NULL });
	done(&a);
	assert_int_equal(locate(f, "sip:alice@example.com").n, 3);

	a = reg(f, "CSeq: 2 REGISTER\nContact: *\nExpires: 0\n");
	expect(&a, 200, NULL);
	assert_int_equal(count(a.text, "Contact:"), 0);
	done(&a);
	assert_int_equal(locate(f, "sip:alice@example.com").n, 0);
	assert_int_equal(sip_registrar_stats(f->reg)->removed, 3);
}

static void test_interval_too_brief(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>\nExpires: 30\n");
	expect(&a, 423, (const char *[]){ "SIP/2.0 423 Interval Too Brief\r\n",
		"\r\nMin-Expires: 60\r\n", NULL });
	done(&a);
	/* the contact parameter wins over the header, either way */
	a = reg(f, "CSeq: 2 REGISTER\nContact: <sip:a@192.0.2.1>;expires=59\nExpires: 3600\n");
	expect(&a, 423, NULL);
	done(&a);
	a = reg(f, "CSeq: 3 REGISTER\nContact: <sip:a@192.0.2.1>;expires=60\nExpires: 30\n");
	expect(&a, 200, (const char *[]){ ";expires=60\r\n", NULL });
	done(&a);
	/* above the maximum: cut down, not refused */
	a = reg(f, "CSeq: 4 REGISTER\nContact: <sip:a@192.0.2.1>;expires=99999\n");
	expect(&a, 200, (const char *[]){ ";expires=7200\r\n", NULL });
	done(&a);
	/* 0 is always allowed */
	a = reg(f, "CSeq: 5 REGISTER\nContact: <sip:a@192.0.2.1>\nExpires: 0\n");
	expect(&a, 200, NULL);
	done(&a);
	/* malformed expiry values are a 400 naming the problem */
	a = reg(f, "CSeq: 6 REGISTER\nContact: <sip:a@192.0.2.1>;expires=soon\n");
	expect(&a, 400, (const char *[]){ "400 Bad Contact header: expires", NULL });
	done(&a);
	a = reg(f, "CSeq: 7 REGISTER\nContact: <sip:a@192.0.2.1>\nExpires: 4294967296\n");
	expect(&a, 400, (const char *[]){ "Expires", NULL });
	done(&a);
	a = reg(f, "CSeq: 8 REGISTER\nContact: <sip:a@192.0.2.1>;q=2\n");
	expect(&a, 400, (const char *[]){ "400 Bad Contact header: q", NULL });
	done(&a);
}

static void test_several_contacts_and_order(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	struct found fd;

	a = reg(f, "CSeq: 1 REGISTER\n"
		"Contact: <sip:a@192.0.2.1>;q=0.5, <sip:a@192.0.2.2>;q=1.0\n"
		"Contact: \"Desk\" <sip:a@192.0.2.3>;q=0.75\n"
		"Contact: <sip:a@192.0.2.4>\n");
	assert_int_equal(a.scode, 200);
	assert_int_equal(count(a.text, "Contact:"), 4);
	/* listed in location order, q printed as registered */
	assert_true(strstr(a.text, "<sip:a@192.0.2.3>;expires=3600;q=0.75") <
		    strstr(a.text, "<sip:a@192.0.2.1>;expires=3600;q=0.5"));
	assert_non_null(strstr(a.text, "<sip:a@192.0.2.2>;expires=3600;q=1\r\n"));
	done(&a);

	fd = locate(f, "sip:alice@example.com");
	assert_int_equal(fd.n, 4);
	/* q=1 and no q (counted as 1) first, same age: key order */
	assert_int_equal(fd.q[0] < 0 ? 1000 : fd.q[0], 1000);
	assert_int_equal(fd.q[1] < 0 ? 1000 : fd.q[1], 1000);
	assert_string_equal(fd.contact[2], "sip:a@192.0.2.3");
	assert_string_equal(fd.contact[3], "sip:a@192.0.2.1");

	/* among equal q, the most recently refreshed first */
	vclock += 1000;
	a = reg(f, "CSeq: 2 REGISTER\nContact: <sip:a@192.0.2.1>;q=0.75\n");
	done(&a);
	fd = locate(f, "sip:alice@example.com");
	assert_string_equal(fd.contact[2], "sip:a@192.0.2.1");
	assert_string_equal(fd.contact[3], "sip:a@192.0.2.3");
	vclock += 1000;
	a = reg(f, "CSeq: 3 REGISTER\nContact: <sip:a@192.0.2.4>\n");
	done(&a);
	fd = locate(f, "sip:alice@example.com");
	assert_string_equal(fd.contact[0], "sip:a@192.0.2.4");
	assert_string_equal(fd.contact[1], "sip:a@192.0.2.2");

	/* the fifth binding is one too many (max_contacts 4) */
	a = reg(f, "CSeq: 4 REGISTER\nContact: <sip:a@192.0.2.5>\n");
	expect(&a, 403, (const char *[]){ "403 Too many contacts", NULL });
	done(&a);
	/* replacing one while adding one stays within the limit */
	a = reg(f, "CSeq: 5 REGISTER\nContact: <sip:a@192.0.2.5>, <sip:a@192.0.2.4>;expires=0\n");
	expect(&a, 200, NULL);
	assert_int_equal(count(a.text, "Contact:"), 4);
	done(&a);
}

static void test_instance_reg_id(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	struct found fd;
	const char *inst = "+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"";
	char hdrs[512];

	snprintf(hdrs, sizeof(hdrs), "CSeq: 1 REGISTER\nSupported: path, outbound\n"
		 "Contact: <sip:a@192.0.2.1;transport=tcp;ob>;%s;reg-id=1\n", inst);
	a = reg(f, hdrs);
	expect(&a, 200, (const char *[]){
		"Contact: <sip:a@192.0.2.1;transport=tcp;ob>;expires=3600;"
		"+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1\r\n",
		"\r\nRequire: outbound\r\n", NULL });
	done(&a);

	/* the device rebooted: new Call-ID, new address, same instance and
	 * reg-id: it replaces the binding */
	snprintf(hdrs, sizeof(hdrs), "Call-ID: reboot\nCSeq: 1 REGISTER\n"
		 "Supported: outbound\n"
		 "Contact: <sip:a@198.51.100.7:40000;transport=tcp;ob>;%s;reg-id=1\n",
		 inst);
	a = reg(f, hdrs);
	assert_int_equal(a.scode, 200);
	assert_int_equal(count(a.text, "Contact:"), 1);
	assert_non_null(strstr(a.text, "<sip:a@198.51.100.7:40000;transport=tcp;ob>"));
	done(&a);

	/* a second flow of the same device (reg-id 2): a second binding */
	snprintf(hdrs, sizeof(hdrs), "Call-ID: reboot\nCSeq: 2 REGISTER\n"
		 "Contact: <sip:a@198.51.100.7:40001;transport=tcp;ob>;%s;reg-id=2\n",
		 inst);
	a = reg(f, hdrs);
	assert_int_equal(count(a.text, "Contact:"), 2);
	/* no Supported: outbound this time: no Require either */
	assert_null(strstr(a.text, "Require:"));
	done(&a);

	/* instance without reg-id (RFC 5627 style): one more, then replaced
	 * by the same instance at another URI */
	snprintf(hdrs, sizeof(hdrs), "Call-ID: x\nCSeq: 1 REGISTER\n"
		 "Contact: <sip:a@203.0.113.1>;%s\n", inst);
	a = reg(f, hdrs);
	assert_int_equal(count(a.text, "Contact:"), 3);
	done(&a);
	snprintf(hdrs, sizeof(hdrs), "Call-ID: y\nCSeq: 1 REGISTER\n"
		 "Contact: <sip:a@203.0.113.2>;%s\n", inst);
	a = reg(f, hdrs);
	assert_int_equal(count(a.text, "Contact:"), 3);
	assert_null(strstr(a.text, "203.0.113.1"));
	done(&a);
	fd = locate(f, "sip:alice@example.com");
	assert_int_equal(fd.n, 3);

	a = reg(f, "CSeq: 9 REGISTER\nContact: <sip:a@192.0.2.1>;+sip.instance=\"<x>\";reg-id=0\n");
	expect(&a, 400, (const char *[]){ "reg-id", NULL });
	done(&a);
}

static void test_stale_cseq(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = reg(f, "CSeq: 5 REGISTER\nContact: <sip:a@192.0.2.1>\n");
	done(&a);
	a = reg(f, "CSeq: 4 REGISTER\nContact: <sip:a@192.0.2.1>;expires=0\n");
	expect(&a, 500, (const char *[]){ "SIP/2.0 500 CSeq out of order\r\n", NULL });
	done(&a);
	a = reg(f, "CSeq: 5 REGISTER\nContact: <sip:a@192.0.2.1>;expires=0\n");
	expect(&a, 500, NULL);
	done(&a);
	/* the whole request fails: a new contact next to it is not added */
	a = reg(f, "CSeq: 3 REGISTER\nContact: <sip:a@192.0.2.2>, <sip:a@192.0.2.1>\n");
	expect(&a, 500, NULL);
	done(&a);
	assert_int_equal(locate(f, "sip:alice@example.com").n, 1);
	/* another Call-ID (another UA, or a restarted one) may update it */
	a = reg(f, "Call-ID: restarted\nCSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>;expires=120\n");
	expect(&a, 200, (const char *[]){ ";expires=120\r\n", NULL });
	done(&a);
	/* and from then on its Call-ID is the one that counts */
	a = reg(f, "CSeq: 6 REGISTER\nContact: <sip:a@192.0.2.1>;expires=0\n");
	expect(&a, 200, NULL);
	assert_int_equal(count(a.text, "Contact:"), 0);
	done(&a);
}

static void test_path(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	struct found fd;
	struct sip_tp_peer src = { .kind = SIP_TP_TCP };

	assert_int_equal(sip_tp_addr_decode(&src.remote, SIP_PL("203.0.113.9:61000")), 0);
	assert_int_equal(sip_tp_addr_decode(&src.local, SIP_PL("198.51.100.1:5060")), 0);
	a = send_req(f, "sip:example.com",
		     "CSeq: 1 REGISTER\nSupported: path\n"
		     "Path: <sip:edge1.example.com;lr>\nPath: <sip:edge2.example.com;lr>\n"
		     "Contact: <sip:a@10.0.0.5:5060>\n", NULL, &src);
	expect(&a, 200, (const char *[]){
		"\r\nPath: <sip:edge1.example.com;lr>, <sip:edge2.example.com;lr>\r\n",
		NULL });
	done(&a);
	fd = locate(f, "sip:alice@example.com");
	assert_string_equal(fd.path, "<sip:edge1.example.com;lr>, <sip:edge2.example.com;lr>");
	assert_string_equal(fd.received, "203.0.113.9:61000");
	assert_string_equal(fd.transport, "TCP");

	/* stored, but not echoed, when the UA does not support it */
	a = reg(f, "CSeq: 2 REGISTER\nPath: <sip:edge1.example.com;lr>\n"
		"Contact: <sip:a@10.0.0.5:5060>\n");
	assert_int_equal(a.scode, 200);
	assert_null(strstr(a.text, "Path:"));
	done(&a);
	fd = locate(f, "sip:alice@example.com");
	assert_string_equal(fd.path, "<sip:edge1.example.com;lr>");
}

static void test_third_party(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	struct sip_user alice = { .username = "alice", .domain = "example.com" };
	struct sip_user bob = { .username = "bob", .domain = "example.com" };

	a = reg(f, "From: <sip:bob@example.com>;tag=b\nCSeq: 1 REGISTER\n"
		"Contact: <sip:bob@192.0.2.7>\n");
	expect(&a, 403, (const char *[]){
		"SIP/2.0 403 Third-party registration not allowed", NULL });
	done(&a);
	/* the same user, spelt differently, is not a third party */
	a = send_req(f, "sip:example.com",
		     "From: \"Alice\" <sips:alice@EXAMPLE.com;user=phone>;tag=x\n"
		     "To: <sip:%61lice@example.com>\nCSeq: 1 REGISTER\n"
		     "Contact: <sip:alice@192.0.2.7>\n", &alice, NULL);
	expect(&a, 200, NULL);
	done(&a);
	/* authenticated as bob, registering alice: third party */
	a = send_req(f, "sip:example.com", "CSeq: 2 REGISTER\n"
		     "Contact: <sip:alice@192.0.2.7>\n", &bob, NULL);
	expect(&a, 403, NULL);
	done(&a);
	f->allow_third_party = true;
	a = send_req(f, "sip:example.com", "CSeq: 3 REGISTER\n"
		     "Contact: <sip:alice@192.0.2.8>\n", &bob, NULL);
	expect(&a, 200, NULL);
	done(&a);
	assert_int_equal(locate(f, "sip:alice@example.com").n, 2);
}

static void test_domains(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = send_req(f, "sip:example.org", "CSeq: 1 REGISTER\n"
		     "Contact: <sip:a@192.0.2.1>\n", NULL, NULL);
	expect(&a, 404, (const char *[]){ "404 Domain not served here", NULL });
	done(&a);
	a = reg(f, "To: <sip:alice@example.org>\nFrom: <sip:alice@example.org>;tag=1\n"
		"CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>\n");
	expect(&a, 404, NULL);
	done(&a);
	a = reg(f, "To: <tel:+15551234567>\nCSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>\n");
	expect(&a, 404, NULL);
	done(&a);
	/* case-insensitive, IPv6 literal configured with brackets */
	a = send_req(f, "sip:EXAMPLE.COM", "CSeq: 1 REGISTER\n"
		     "Contact: <sip:a@192.0.2.1>\n", NULL, NULL);
	expect(&a, 200, NULL);
	done(&a);
	a = send_req(f, "sip:[2001:db8::1]", "To: <sip:v6@[2001:DB8::1]>\n"
		     "From: <sip:v6@[2001:db8::1]>;tag=6\nCSeq: 1 REGISTER\n"
		     "Contact: <sip:v6@192.0.2.1>\n", NULL, NULL);
	expect(&a, 200, NULL);
	done(&a);
	assert_int_equal(locate(f, "sip:v6@[2001:db8::1]").n, 1);
}

static void test_200_lists_all_with_remaining(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>;expires=3600\n");
	done(&a);
	vclock += 100000;  /* 100 s later, another device */
	a = reg(f, "Call-ID: dev2\nCSeq: 1 REGISTER\nContact: <sip:a@192.0.2.2>;expires=600\n");
	expect(&a, 200, (const char *[]){
		"Contact: <sip:a@192.0.2.1>;expires=3500\r\n",
		"Contact: <sip:a@192.0.2.2>;expires=600\r\n",
		"Date: Tue, 14 Nov 2023 22:15:00 GMT\r\n", NULL });
	done(&a);
	/* a query (no Contact) lists without changing anything */
	vclock += 500;
	a = reg(f, "Call-ID: q\nCSeq: 1 REGISTER\n");
	expect(&a, 200, (const char *[]){
		"<sip:a@192.0.2.1>;expires=3500\r\n",  /* 3499.5 s: rounded up */
		"<sip:a@192.0.2.2>;expires=600\r\n", NULL });
	assert_int_equal(count(a.text, "Contact:"), 2);
	done(&a);
}

static void test_expiry_and_sweep(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	struct found fd;

	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>;expires=60\n"
		"Contact: <sip:a@192.0.2.2>;expires=120\n");
	done(&a);
	vclock += 59999;
	fd = locate(f, "sip:alice@example.com");
	assert_int_equal(fd.n, 2);
	assert_int_equal(fd.left[0] + fd.left[1], 1 + 61);
	vclock += 1;
	fd = locate(f, "sip:alice@example.com");
	assert_int_equal(fd.n, 1);
	assert_string_equal(fd.contact[0], "sip:a@192.0.2.2");
	/* an expired binding is not in the 200 either */
	a = reg(f, "Call-ID: q\nCSeq: 1 REGISTER\n");
	assert_int_equal(count(a.text, "Contact:"), 1);
	done(&a);
	assert_int_equal(sip_store_sweep(f->st), 1);
	vclock += 60000;
	assert_int_equal(sip_store_sweep(f->st), 1);
	assert_int_equal(sip_store_stats(f->st)->bindings, 0);
	/* an expired binding re-registered with the old Call-ID and an old
	 * CSeq is a new binding: nothing stale is left to compare with */
	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>\n");
	expect(&a, 200, NULL);
	done(&a);
}

static void test_bad_requests(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	a = reg(f, "CSeq: 1 INVITE\nContact: <sip:a@192.0.2.1>\n");
	expect(&a, 400, (const char *[]){ "CSeq method does not match", NULL });
	done(&a);
	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1\n");
	expect(&a, 400, (const char *[]){ "Contact", NULL });
	done(&a);
	assert_int_equal(sip_registrar_stats(f->reg)->rejected, 2);
}

static void test_limits_conf(void **state)
{
	struct fixture *f = *state;
	struct sip_registrar *r;
	struct sip_registrar_conf c = { .min_expires = 100, .max_expires = 50 };

	assert_int_equal(sip_registrar_alloc(&r, f->st, &c), EINVAL);
	c = (struct sip_registrar_conf){ .min_expires = 10, .max_expires = 50 };
	assert_int_equal(sip_registrar_alloc(&r, f->st, &c), EINVAL); /* default 3600 */
	c.default_expires = 30;
	assert_int_equal(sip_registrar_alloc(&r, f->st, &c), 0);
	sip_mem_deref(r);
}

static void test_given_totag(void **state)
{
	struct fixture *f = *state;
	struct answer a = { 0 };
	struct sip_msg *m;
	size_t len;
	char *wire = tu_crlf(build("sip:example.com", "CSeq: 1 REGISTER\n"), &len);
	struct sip_reg_req rq = { .totag = "txn-tag-1" };

	assert_int_equal(sip_msg_decode(&m, wire, len, NULL, 0, NULL), 0);
	rq.m = m;
	assert_int_equal(sip_registrar_handle(f->reg, &rq, on_reply, &a), 0);
	for (int i = 0; i < 100 && !a.calls; i++)
		uv_run(&f->loop, UV_RUN_ONCE);
	expect(&a, 200, (const char *[]){ "To: <sip:alice@example.com>;tag=txn-tag-1\r\n",
		NULL });
	done(&a);
	sip_msg_free(m);
	free(wire);
}

/* With SQLite, the 200 leaves only once the binding is in the file. */
static void test_sqlite_committed_before_200(void **state)
{
	char dir[] = "/tmp/sipd-reg-XXXXXX", path[64], p2[80];
	struct fixture *f = calloc(1, sizeof(*f));
	struct sip_store_conf sc = { .backend = "sqlite", .clock = virtual_now };
	struct answer a;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sipd.db", dir);
	sc.sqlite_path = path;
	vclock = T0;
	assert_int_equal(uv_loop_init(&f->loop), 0);
	assert_int_equal(sip_store_open(&f->st, &f->loop, &sc), 0);
	f->conf = (struct sip_registrar_conf){ .domains = domains };
	make_registrar(f);
	db_path = path;
	a = reg(f, "CSeq: 1 REGISTER\nContact: <sip:a@192.0.2.1>, <sip:a@192.0.2.2>\n");
	expect(&a, 200, NULL);
	done(&a);
	assert_int_equal(rows_at_answer, 2);
	a = reg(f, "CSeq: 2 REGISTER\nContact: *\nExpires: 0\n");
	expect(&a, 200, NULL);
	done(&a);
	assert_int_equal(rows_at_answer, 0);
	db_path = NULL;
	*state = f;
	teardown(state);
	*state = NULL;
	for (size_t i = 0; i < 3; i++) {
		snprintf(p2, sizeof(p2), "%s%s", path, (const char *[]){ "", "-wal", "-shm" }[i]);
		unlink(p2);
	}
	rmdir(dir);
}

/* Every allocation may fail: one answer (maybe bare) or an error, no leak. */
static void test_oom(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *wire = tu_crlf(build("sip:example.com", "CSeq: 1 REGISTER\n"
				   "Supported: path\nPath: <sip:e;lr>\n"
				   "Contact: <sip:a@192.0.2.1>;q=0.5, <sip:a@192.0.2.2>\n"), &len);
	bool complete = false;

	for (long n = 0; !complete && n < 10000; n++) {
		struct answer a = { 0 };
		struct sip_msg *m;
		struct sip_reg_req rq = { 0 };
		long live;
		int err;

		live = sip_mem_live();
		assert_int_equal(sip_msg_decode(&m, wire, len, NULL, 0, NULL), 0);
		rq.m = m;
		sip_mem_fail_after(n);
		err = sip_registrar_handle(f->reg, &rq, on_reply, &a);
		for (int i = 0; !err && i < 100 && !a.calls; i++)
			uv_run(&f->loop, UV_RUN_ONCE);
		sip_mem_fail_after(-1);
		assert_int_equal(a.calls, err ? 0 : 1);
		complete = a.scode == 200 && a.text;
		done(&a);
		/* start again from nothing */
		a = reg(f, "CSeq: 100 REGISTER\nContact: *\nExpires: 0\n");
		done(&a);
		sip_msg_free(m);
		assert_int_equal(sip_mem_live(), live);
	}
	assert_true(complete);
	free(wire);
}

struct skeleton {
	struct sip_msg *m;
	int calls;
};

static int build_skeleton(void *arg, uint16_t scode, const char *reason,
			  struct sip_out **op)
{
	struct skeleton *sk = arg;
	int err = sip_out_reply(op, sk->m, scode, reason, "daemon-tag");

	sk->calls++;
	if (!err)
		err = sip_out_add(*op, SIP_HDR_SERVER, NULL, SIP_PL("sipd-test"));
	return err;
}

/* The caller's response skeleton (received/rport, Server, its tag). */
static void test_build_hook(void **state)
{
	struct fixture *f = *state;
	struct answer a = { 0 };
	struct skeleton sk = { 0 };
	size_t len;
	char *wire = tu_crlf(build("sip:example.com", "CSeq: 1 REGISTER\nExpires: 10\n"
				   "Contact: <sip:a@192.0.2.1>\n"), &len);
	struct sip_reg_req rq = { .build = build_skeleton, .build_arg = &sk };

	assert_int_equal(sip_msg_decode(&sk.m, wire, len, NULL, 0, NULL), 0);
	rq.m = sk.m;
	assert_int_equal(sip_registrar_handle(f->reg, &rq, on_reply, &a), 0);
	for (int i = 0; i < 100 && !a.calls; i++)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(sk.calls, 1);
	expect(&a, 423, (const char *[]){ "To: <sip:alice@example.com>;tag=daemon-tag\r\n",
		"\r\nServer: sipd-test\r\nMin-Expires: 60\r\n", NULL });
	done(&a);
	sip_msg_free(sk.m);
	free(wire);
}

static void test_aor_canon(void **state)
{
	static const struct {
		const char *uri, *aor;
	} cases[] = {
		{ "sip:alice@example.com", "sip:alice@example.com" },
		{ "sips:alice@EXAMPLE.COM:5061;transport=tls?subject=x",
		  "sip:alice@example.com" },
		{ "sip:%61lice:secret@example.com;user=phone", "sip:alice@example.com" },
		{ "sip:a%40b@example.com", "sip:a%40b@example.com" },
		{ "sip:+1-555;phone-context=x@example.com", "sip:+1-555;phone-context=x@example.com" },
		{ "sip:example.com", "sip:example.com" },
		{ "sip:u@[2001:DB8::1]:5060", "sip:u@[2001:db8::1]" },
	};
	struct sip_uri u;
	struct sip_buf b;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sip_uri_decode(&u, sip_pl_str(cases[i].uri)), 0);
		sip_buf_init(&b);
		assert_int_equal(sip_aor_canon(&b, &u), 0);
		sip_buf_putc(&b, '\0');
		assert_string_equal(b.p, cases[i].aor);
		sip_buf_reset(&b);
	}
	assert_int_equal(sip_uri_decode(&u, SIP_PL("tel:+15551234567")), 0);
	sip_buf_init(&b);
	assert_int_equal(sip_aor_canon(&b, &u), EINVAL);
	sip_buf_reset(&b);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_register_exact_text),
		T(test_refresh_and_unregister),
		T(test_wildcard),
		T(test_interval_too_brief),
		T(test_several_contacts_and_order),
		T(test_instance_reg_id),
		T(test_stale_cseq),
		T(test_path),
		T(test_third_party),
		T(test_domains),
		T(test_200_lists_all_with_remaining),
		T(test_expiry_and_sweep),
		T(test_bad_requests),
		T(test_limits_conf),
		T(test_given_totag),
		T(test_oom),
		T(test_build_hook),
		cmocka_unit_test(test_sqlite_committed_before_200),
		cmocka_unit_test(test_aor_canon),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
