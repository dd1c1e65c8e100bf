/*
 * test_harness.h - shared by the transaction unit tests (included by each
 * *_test.c; header only, so it is neither a library source nor a test of
 * its own): a virtual clock, an in-memory send hook recording every
 * message with its time, and a TU recording every event.
 */
#ifndef SRC_TXN_TEST_HARNESS_H
#define SRC_TXN_TEST_HARNESS_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdbool.h>
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
#include "sip/timer.h"
#include "sip/txn.h"
#include "testutil.h"

#define H_MAX 512

/* not every test uses every helper */
#define H_FN static __attribute__((unused))

struct h_sent {
	uint64_t at;
	struct sip_txn_dest dst;
	char *text;               /* malloc'd, NUL-terminated */
};

struct h_event {
	uint64_t at;
	struct sip_txn *t;
	enum sip_txn_event_kind kind;
	uint16_t scode;           /* RESPONSE */
	enum sip_method mid;      /* ACK / RESPONSE: the message's method */
	int err;
};

struct h_trans {
	uint64_t at;
	const struct sip_txn *t;
	enum sip_txn_state from, to;
};

struct harness {
	struct sip_timers *ts;
	struct sip_txn_stack *s;
	long live0;
	struct h_sent sent[H_MAX];
	int nsent;
	struct h_event ev[H_MAX];
	int nev;
	struct h_trans tr[H_MAX];
	int ntr;
	int fail_from;            /* once fail_from messages went out, every
	                             send fails (-1: never) */
	int fail_err;
	struct sip_txn *st[64];   /* server transactions, in creation order */
	int nst;                  /* how many were created (st keeps 64) */
	uint16_t auto_reply;      /* request_h answers at once with this, 0: not */
};

H_FN int h_send(void *arg, const struct sip_txn_dest *dst, const char *bytes, size_t len)
{
	struct harness *h = arg;
	struct h_sent *s;

	assert_true(h->nsent < H_MAX);
	s = &h->sent[h->nsent];
	if (h->fail_from >= 0 && h->nsent >= h->fail_from)
		return h->fail_err;
	s->at = sip_timers_now(h->ts);
	s->dst = *dst;
	s->text = malloc(len + 1);
	assert_non_null(s->text);
	memcpy(s->text, bytes, len);
	s->text[len] = '\0';
	h->nsent++;
	return 0;
}

H_FN void h_record(struct harness *h, struct sip_txn *t, struct sip_txn_event *ev)
{
	struct h_event *e;

	assert_true(h->nev < H_MAX);
	e = &h->ev[h->nev++];
	e->at = sip_timers_now(h->ts);
	e->t = t;
	e->kind = ev->kind;
	e->err = ev->err;
	if (ev->msg) {
		e->scode = ev->msg->scode;
		e->mid = ev->msg->mid;
	}
}

H_FN void h_event_h(struct sip_txn *t, struct sip_txn_event *ev, void *arg)
{
	h_record(arg, t, ev);
}

H_FN void h_request_h(struct sip_txn *st, struct sip_msg *req, void *arg)
{
	struct harness *h = arg;

	(void)req;
	if (h->nst < 64)
		h->st[h->nst] = st;
	h->nst++;
	if (h->auto_reply)
		assert_int_equal(sip_txn_reply_code(st, h->auto_reply, NULL), 0);
}

H_FN void h_trace(void *arg, const struct sip_txn *t, enum sip_txn_state from,
		    enum sip_txn_state to)
{
	struct harness *h = arg;

	if (h->ntr < H_MAX)  /* enough for every test that looks */
		h->tr[h->ntr++] = (struct h_trans){ sip_timers_now(h->ts), t, from, to };
}

/* A stack on a clock at 0 with T1/T2/T4 (0: defaults), and Completed
 * non-INVITE server transactions as compact records when @p compact. */
H_FN void h_init_opts(struct harness *h, uint32_t t1, uint32_t t2, uint32_t t4,
			bool compact)
{
	struct sip_txn_config cfg = { 0 };

	memset(h, 0, sizeof(*h));
	h->live0 = sip_mem_live();
	h->fail_from = -1;
	h->fail_err = ECONNRESET;
	assert_int_equal(sip_timers_alloc(&h->ts, 0), 0);
	cfg.timers = h->ts;
	cfg.t1 = t1;
	cfg.t2 = t2;
	cfg.t4 = t4;
	cfg.send = h_send;
	cfg.send_arg = h;
	cfg.request_h = h_request_h;
	cfg.server_h = h_event_h;
	cfg.arg = h;
	cfg.trace = h_trace;
	cfg.trace_arg = h;
	memcpy(cfg.secret, "0123456789abcdef", 16);
	cfg.compact_completed = compact;
	assert_int_equal(sip_txn_stack_alloc(&h->s, &cfg), 0);
}

H_FN void h_init_timers(struct harness *h, uint32_t t1, uint32_t t2, uint32_t t4)
{
	h_init_opts(h, t1, t2, t4, false);
}

H_FN void h_init(struct harness *h)
{
	h_init_timers(h, 0, 0, 0);
}

H_FN void h_free(struct harness *h)
{
	h->s = sip_mem_deref(h->s);
	h->ts = sip_mem_deref(h->ts);
	for (int i = 0; i < h->nsent; i++)
		free(h->sent[i].text);
	assert_int_equal(sip_mem_live(), h->live0);
}

H_FN struct sip_txn_dest h_dest(enum sip_txn_transport tp)
{
	struct sip_txn_dest d = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&d.addr;

	d.transport = tp;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5060);
	sin->sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
	d.addrlen = sizeof(*sin);
	if (tp != SIP_TXN_UDP)
		d.conn = (void *)(uintptr_t)0x1000; /* a fake connection */
	return d;
}

H_FN void h_run(struct harness *h, uint64_t now)
{
	sip_timers_run(h->ts, now);
}

H_FN struct sip_msg *h_decode(const char *text)
{
	struct sip_msg *m;
	size_t len;
	char *w = tu_crlf(text, &len);

	assert_int_equal(sip_msg_decode(&m, w, len, NULL, 0, NULL), 0);
	free(w);
	return m;
}

/* Feed a message at the current time; returns sip_txn_stack_recv()'s. */
H_FN int h_recv(struct harness *h, const char *text, enum sip_txn_transport tp)
{
	struct sip_txn_dest src = h_dest(tp);
	struct sip_msg *m = h_decode(text);
	int rc = sip_txn_stack_recv(h->s, m, &src);

	if (rc)
		sip_msg_free(m);
	return rc;
}

/* Times at which messages starting with @p prefix were sent. */
H_FN int h_times(const struct harness *h, const char *prefix, uint64_t *out, int max)
{
	int n = 0;

	for (int i = 0; i < h->nsent; i++)
		if (!strncmp(h->sent[i].text, prefix, strlen(prefix))) {
			if (n < max)
				out[n] = h->sent[i].at;
			n++;
		}
	return n;
}

H_FN int h_count_sent(const struct harness *h, const char *prefix)
{
	return h_times(h, prefix, NULL, 0);
}

H_FN const char *h_last_sent(const struct harness *h)
{
	assert_true(h->nsent > 0);
	return h->sent[h->nsent - 1].text;
}

H_FN int h_count_ev(const struct harness *h, enum sip_txn_event_kind kind)
{
	int n = 0;

	for (int i = 0; i < h->nev; i++)
		n += h->ev[i].kind == kind;
	return n;
}

/* Time of @p t's entering @p to, or UINT64_MAX. */
H_FN uint64_t h_entered(const struct harness *h, const struct sip_txn *t,
			  enum sip_txn_state to)
{
	for (int i = 0; i < h->ntr; i++)
		if (h->tr[i].t == t && h->tr[i].to == to)
			return h->tr[i].at;
	return UINT64_MAX;
}

H_FN void h_assert_times(const uint64_t *got, int n, const uint64_t *want, int nwant)
{
	for (int i = 0; i < n && i < nwant; i++) {
		if (got[i] != want[i])
			fprintf(stderr, "send %d at %llu, want %llu\n", i,
				(unsigned long long)got[i], (unsigned long long)want[i]);
		assert_int_equal(got[i], want[i]);
	}
	assert_int_equal(n, nwant);
}

/* Start a client transaction from text with CRLFs added. */
H_FN int h_request(struct harness *h, struct sip_txn **ctp, const char *text,
		     enum sip_txn_transport tp)
{
	struct sip_txn_dest dst = h_dest(tp);
	size_t len;
	char *w = tu_crlf(text, &len);
	int err = sip_txn_request_bytes(ctp, h->s, (struct sip_pl){ w, len }, &dst,
					h_event_h, h);

	free(w);
	return err;
}

#endif
