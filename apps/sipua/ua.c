/*
 * ua.c - the UA core (RFC 3261 §8): one libuv loop carrying the transport,
 * the transaction stack and the library's timers; client requests with
 * digest authentication on 401/407 (§22.2, §8.1.3.5: a new CSeq, same
 * Call-ID and From tag); incoming requests dispatched to their call by
 * dialog (§12.2.2) or handled outside any dialog (OPTIONS, MESSAGE,
 * CANCEL §9.2, a new INVITE), and the stateless 400 for a malformed one.
 * The commands typed or scheduled are in input.c.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/auth.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/uri.h"
#include "sip/via.h"

#include "sipua.h"

uint64_t ua_now(struct ua *ua)
{
	uv_update_time(&ua->loop);
	return uv_now(&ua->loop);
}

void ua_sync(struct ua *ua)
{
	if (ua->ts)
		sip_timers_run(ua->ts, ua_now(ua));
}

void ua_timer(struct ua *ua, struct sip_timer *t, uint64_t ms, sip_timer_h *h, void *arg)
{
	ua_sync(ua);
	sip_timer_start(ua->ts, t, ms, h, arg);
}

void ua_event(struct ua *ua, const char *fmt, ...)
{
	va_list ap;
	double t = (double)(ua_now(ua) - ua->t0) / 1000.0;

	printf("[%7.3f] ", t);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- clock ---- */

static void on_uv_timer(uv_timer_t *h)
{
	struct ua *ua = h->data;

	sip_timers_run(ua->ts, uv_now(h->loop));
}

static void on_prepare(uv_prepare_t *h)
{
	struct ua *ua = h->data;
	int64_t next = sip_timers_next(ua->ts, uv_now(h->loop));

	if (next < 0)
		uv_timer_stop(&ua->timer);
	else
		uv_timer_start(&ua->timer, on_uv_timer, (uint64_t)next, 0);
}

/* ---- addresses ---- */

static void dest_from_peer(const struct sip_tp_peer *p, struct sip_txn_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->transport = p->kind == SIP_TP_TCP ? SIP_TXN_TCP : SIP_TXN_UDP;
	memcpy(&d->addr, &p->remote.u.ss, p->remote.len);
	d->addrlen = p->remote.len;
	d->conn = p->conn;
}

/* host[:port] to an address (names through getaddrinfo, at start-up) */
static int resolve(const char *host, size_t hlen, uint16_t port, struct sip_tp_addr *a)
{
	char h[256];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res;

	if (hlen >= sizeof(h))
		return EINVAL;
	memcpy(h, host, hlen);
	h[hlen] = 0;
	if (!sip_tp_addr_ip(a, (struct sip_pl){ h, hlen }, port))
		return 0;
	if (getaddrinfo(h, NULL, &hints, &res))
		return EHOSTUNREACH;
	int err = sip_tp_addr_set(a, res->ai_addr);

	freeaddrinfo(res);
	if (!err)
		sip_tp_addr_set_port(a, port);
	return err;
}

int ua_dest(struct ua *ua, const char *uri, bool use_proxy, struct sip_txn_dest *d)
{
	struct sip_tp_addr a;
	enum sip_tp_kind kind = ua->o->transport;
	int err;

	memset(d, 0, sizeof(*d));
	if (use_proxy && ua->o->proxy) {
		const char *p = ua->o->proxy;

		if (!strncmp(p, "sip:", 4))
			p += 4;
		err = sip_tp_addr_decode(&a, sip_pl_str(p));
		if (err) {
			const char *colon = strrchr(p, ':');

			err = resolve(p, colon ? (size_t)(colon - p) : strlen(p),
				      colon ? (uint16_t)atoi(colon + 1) : SIP_TP_PORT, &a);
		}
		if (err)
			return err;
		if (!sip_tp_addr_port(&a))
			sip_tp_addr_set_port(&a, SIP_TP_PORT);
	} else {
		struct sip_uri u;
		struct sip_pl tp;

		if (sip_uri_decode(&u, sip_pl_str(uri)) || u.scheme != SIP_URI_SIP)
			return EINVAL;
		err = resolve(u.host.p, u.host.len, u.has_port ? u.port : SIP_TP_PORT, &a);
		if (err)
			return err;
		if (!sip_uri_param(&u, "transport", &tp))
			(void)sip_tp_kind_decode(tp, &kind);
	}
	d->transport = kind == SIP_TP_TCP ? SIP_TXN_TCP : SIP_TXN_UDP;
	memcpy(&d->addr, &a.u.ss, a.len);
	d->addrlen = a.len;
	return 0;
}

void ua_callid(struct ua *ua, char *buf, size_t n)
{
	char t[SIP_TXN_TAG_SIZE];

	sip_txn_tag_new(ua->txn, t, sizeof(t));
	snprintf(buf, n, "%s@%s", t, ua->lhost);
}

void ua_tag(struct ua *ua, char *buf, size_t n)
{
	sip_txn_tag_new(ua->txn, buf, n);
}

int ua_add_common(struct ua *ua, struct sip_out *o, bool contact)
{
	int err = 0;

	if (contact)
		err = sip_out_addf(o, SIP_HDR_CONTACT, "<%s>", ua->contact);
	if (!err)
		err = sip_out_addf(o, SIP_HDR_ALLOW, "INVITE, ACK, CANCEL, BYE, OPTIONS, "
				   "PRACK, UPDATE, INFO, REFER, NOTIFY, MESSAGE");
	if (!err)
		err = sip_out_addf(o, SIP_HDR_SUPPORTED, "%stimer",
				   ua->o->rel100 ? "100rel, " : "");
	if (!err)
		err = sip_out_addf(o, SIP_HDR_USER_AGENT, "sipua/0.1");
	return err;
}

void ua_copy_rr(struct sip_out *o, const struct sip_msg *req)
{
	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_RECORD_ROUTE); h; h = h->next)
		(void)sip_out_add(o, SIP_HDR_RECORD_ROUTE, NULL, h->value);
}

void ua_reply(struct ua *ua, struct sip_txn *st, uint16_t code, const char *reason)
{
	struct sip_out *o;
	struct sip_msg *req = sip_txn_msg(st);

	if (!req || sip_out_reply(&o, req, code, reason, sip_txn_totag(st)))
		return;
	/* §8.2.1: a 405 lists what we do allow */
	if ((code >= 200 && code < 300) || code == 405)
		ua_add_common(ua, o, false);
	(void)sip_txn_reply(st, o);
	sip_out_free(o);
}

/* ---- client requests ---- */

static int creq_send(struct ua_creq *cr, struct sip_msg *challenge);

static void creq_event(struct sip_txn *t, struct sip_txn_event *ev, void *arg)
{
	struct ua_creq *cr = arg;
	struct ua *ua = cr->ua;
	struct sip_msg *m = ev->msg;

	if (t != cr->t) {
		return;     /* an earlier attempt, superseded after a challenge */
	}
	switch (ev->kind) {
	case SIP_TXN_EV_RESPONSE:
		if ((m->scode == 401 || m->scode == 407) && cr->auth_tries < 2 &&
		    ua->authc) {
			cr->auth_tries++;
			if (!creq_send(cr, m))
				return;
		}
		if (m->scode >= 200)
			cr->final = true;
		if (cr->resph)
			cr->resph(cr, m, 0, cr->arg);
		break;
	case SIP_TXN_EV_TIMEOUT:
	case SIP_TXN_EV_TRANSPORT_ERROR:
		if (!cr->final) {
			cr->final = true;
			if (cr->resph)
				cr->resph(cr, NULL, ev->kind == SIP_TXN_EV_TIMEOUT ?
					  ETIMEDOUT : (ev->err ? ev->err : EIO), cr->arg);
		}
		break;
	case SIP_TXN_EV_TERMINATED:
		cr->t = NULL;
		break;
	default:
		break;
	}
}

static int creq_send(struct ua_creq *cr, struct sip_msg *challenge)
{
	struct ua *ua = cr->ua;
	struct sip_out *o = NULL;
	char branch[SIP_TXN_BRANCH_SIZE];
	struct sip_auth_request ar;
	int err = cr->build(cr, &o, cr->arg);

	if (err)
		return err;
	ar = (struct sip_auth_request){
		.method = sip_pl_str(sip_method_name(cr->method)),
		.uri = sip_pl_str(cr->ruri), .body = cr->body,
	};
	if (ua->authc) {
		if (challenge)
			err = sip_auth_client_respond(ua->authc, challenge, &ar, o);
		else
			err = sip_auth_client_authorize(ua->authc, &ar, o);
	}
	if (!err)
		err = sip_txn_branch_new(ua->txn, branch, sizeof(branch));
	if (!err) {
		char via[256];

		snprintf(via, sizeof(via), "SIP/2.0/%s %s:%u;branch=%s;rport",
			 cr->dst.transport == SIP_TXN_TCP ? "TCP" : "UDP",
			 ua->lhost, ua->lport, branch);
		err = sip_out_via_push(o, sip_pl_str(via));
	}
	if (!err)
		err = sip_txn_request(&cr->t, ua->txn, o, &cr->dst, creq_event, cr);
	sip_out_free(o);
	return err;
}

int ua_creq_resend(struct ua_creq *cr)
{
	cr->final = false;
	cr->auth_tries = 0;
	return creq_send(cr, NULL);
}

int ua_request(struct ua *ua, enum sip_method m, const struct sip_txn_dest *dst,
	       ua_build_h *build, ua_resp_h *resph, void *arg, struct ua_creq **crp)
{
	struct ua_creq *cr = calloc(1, sizeof(*cr));
	int err;

	if (!cr)
		return ENOMEM;
	cr->ua = ua;
	cr->method = m;
	cr->build = build;
	cr->resph = resph;
	cr->arg = arg;
	cr->dst = *dst;
	cr->next = ua->creqs;
	ua->creqs = cr;
	ua_sync(ua);
	err = creq_send(cr, NULL);
	if (err) {
		cr->final = true;
		cr->resph = NULL;
		return err;
	}
	if (crp)
		*crp = cr;
	return 0;
}

/* ---- requests received ---- */

static struct call *call_of_req(struct ua *ua, struct sip_msg *m)
{
	for (struct call *c = ua->calls; c; c = c->next)
		if (c->dlg && sip_dialog_match_req(c->dlg, m))
			return c;
	return NULL;
}

static void reply_options(struct ua *ua, struct sip_txn *st)
{
	struct sip_out *o;
	struct sip_msg *req = sip_txn_msg(st);

	if (sip_out_reply(&o, req, 200, NULL, sip_txn_totag(st)))
		return;
	ua_add_common(ua, o, true);
	sip_out_addf(o, SIP_HDR_ACCEPT, "application/sdp, message/sipfrag, "
		     "application/dtmf-relay, text/plain");
	(void)sip_txn_reply(st, o);
	sip_out_free(o);
}

static void on_cancel(struct ua *ua, struct sip_txn *st, struct sip_msg *req)
{
	struct sip_txn *ist;

	if (sip_txn_stack_match_cancel(ua->txn, req, &ist)) {
		ua_reply(ua, st, 481, NULL);
		return;
	}
	ua_reply(ua, st, 200, NULL);
	for (struct call *c = ua->calls; c; c = c->next)
		if (c->ist == ist) {
			call_cancelled(c);
			return;
		}
}

static void on_request(struct sip_txn *st, struct sip_msg *req, void *arg)
{
	struct ua *ua = arg;
	const struct sip_addr *to = NULL;
	struct call *c;

	if (req->mid == SIP_CANCEL) {
		on_cancel(ua, st, req);
		return;
	}
	if (!sip_msg_to(req, &to) && sip_pl_isset(&to->tag)) {
		c = call_of_req(ua, req);
		if (!c) {
			ua_reply(ua, st, 481, NULL);
			return;
		}
		call_request(c, st, req);
		return;
	}
	switch (req->mid) {
	case SIP_INVITE:
		call_incoming(ua, st, req);
		break;
	case SIP_OPTIONS:
		reply_options(ua, st);
		break;
	case SIP_MESSAGE: {
		const struct sip_addr *from = NULL;

		(void)sip_msg_from(req, &from);
		ua_event(ua, "MESSAGE from %.*s: %.*s", from ? (int)from->uri_raw.len : 0,
			 from ? from->uri_raw.p : "", (int)req->body.len, req->body.p);
		ua_reply(ua, st, 200, NULL);
		break;
	}
	case SIP_BYE:
	case SIP_PRACK:
	case SIP_UPDATE:
	case SIP_INFO:
	case SIP_NOTIFY:
		ua_reply(ua, st, 481, NULL);
		break;
	default:
		ua_reply(ua, st, 405, NULL);
		break;
	}
}

static void recv_ack(struct ua *ua, struct sip_msg *m)
{
	struct call *c = call_of_req(ua, m);

	if (c)
		call_ack(c, m);
	sip_msg_free(m);
}

static void trace_msg(struct ua *ua, const char *dir, const char *p, size_t n)
{
	if (ua->o->trace)
		fprintf(stderr, "---- %s %zu bytes\n%.*s\n", dir, n, (int)n, p);
}

/* §8.2 / §21.4.1: a malformed request gets a stateless 400 whose reason
 * phrase names the problem, when a response can be addressed at all. */
static void reply_bad(struct ua *ua, struct sip_msg *m, const struct sip_tp_peer *src)
{
	struct sip_out *o;
	struct sip_tp_peer p;
	const struct sip_via *v;
	struct sip_buf b;
	const char *why = m->err ? m->err : "Bad Request";

	fprintf(stderr, "sipua: malformed request answered 400: %s\n", why);
	if (sip_msg_via(m, &v) || sip_tp_response_dest(&p, v, src) ||
	    sip_out_reply(&o, m, 400, why, NULL))
		return;
	sip_buf_init(&b);
	if (!sip_out_print(o, &b)) {
		trace_msg(ua, "send", b.p, b.len);
		(void)sip_tp_send(ua->tp, &p, b.p, b.len);
	}
	sip_buf_reset(&b);
	sip_out_free(o);
}

static void on_recv(void *arg, struct sip_msg *m, const struct sip_tp_peer *src)
{
	struct ua *ua = arg;
	struct sip_txn_dest d;
	struct sip_tp_peer p;
	const struct sip_via *v;
	int err;

	ua_sync(ua);
	trace_msg(ua, "recv", m->raw.p, m->raw.len);
	if (sip_msg_check(m)) {
		ua->bad_msgs++;
		if (m->req && m->mid != SIP_ACK)
			reply_bad(ua, m, src);
		else
			fprintf(stderr, "sipua: malformed response dropped: %s\n",
				m->err ? m->err : "?");
		sip_msg_free(m);
		return;
	}
	if (!m->req) {
		dest_from_peer(src, &d);
		if (sip_txn_stack_recv(ua->txn, m, &d))
			sip_msg_free(m);
		return;
	}
	/* §18.2.2 / RFC 3581: responses to where the Via says */
	if (sip_msg_via(m, &v) || sip_tp_response_dest(&p, v, src))
		p = *src;
	dest_from_peer(&p, &d);
	err = sip_txn_stack_recv(ua->txn, m, &d);
	if (err == SIP_TXN_DECLINED && m->mid == SIP_ACK) {
		recv_ack(ua, m);
		return;
	}
	if (err)
		sip_msg_free(m);
}

static int send_hook(void *arg, const struct sip_txn_dest *d, const char *b, size_t n)
{
	struct ua *ua = arg;
	struct sip_tp_peer p = { 0 };

	p.kind = d->transport == SIP_TXN_TCP ? SIP_TP_TCP : SIP_TP_UDP;
	memcpy(&p.remote.u, &d->addr, d->addrlen);
	p.remote.len = d->addrlen;
	p.conn = d->conn;
	trace_msg(ua, "send", b, n);
	return sip_tp_send(ua->tp, &p, b, n);
}

static void on_tp_error(void *arg, int err, const struct sip_tp_peer *dst)
{
	struct ua *ua = arg;
	struct sip_txn_dest d;

	ua_sync(ua);
	dest_from_peer(dst, &d);
	d.conn = NULL;
	sip_txn_stack_transport_error(ua->txn, &d, err);
}

/* ---- start and stop ---- */

static void on_signal_timeout(void *arg)
{
	struct ua *ua = arg;

	ua_finish(ua, ua->exit_code);
}

/* SIGINT/SIGTERM: hang up every call and finish once they ended (their
 * BYE answered), or after 3 s; a second signal stops at once. */
static void on_signal(uv_signal_t *h, int signum)
{
	struct ua *ua = h->data;
	bool live = false;

	ua_sync(ua);
	if (ua->stopping || ua->signalled) {
		/* a second signal stops at once; one within 300 ms is the
		 * same signal delivered twice (timeout(1) sends it to the
		 * child and to its process group) */
		if (ua_now(ua) - ua->signal_ms >= 300)
			uv_stop(&ua->loop);
		return;
	}
	ua->signalled = true;
	ua->signal_ms = ua_now(ua);
	for (struct call *c = ua->calls; c; c = c->next) {
		if (c->state == CALL_ENDED)
			continue;
		live = true;
		call_hangup(c);
	}
	if (!live) {
		ua_finish(ua, ua->exit_code);
		return;
	}
	ua_timer(ua, &ua->t_sig, 3000, on_signal_timeout, ua);
}

int ua_open(struct ua *ua, struct ua_opts *o)
{
	struct sip_tp_addr a;
	struct sip_txn_config tc = { 0 };
	int err;

	ua->o = o;
	if ((err = uv_loop_init(&ua->loop)))
		return -err;
	ua->loop_ok = true;
	if (sip_timers_alloc(&ua->ts, uv_now(&ua->loop)))
		return ENOMEM;
	ua->t0 = uv_now(&ua->loop);
	uv_timer_init(&ua->loop, &ua->timer);
	uv_prepare_init(&ua->loop, &ua->prepare);
	ua->timer.data = ua->prepare.data = ua;
	uv_prepare_start(&ua->prepare, on_prepare);
	uv_unref((uv_handle_t *)&ua->prepare);
	uv_signal_init(&ua->loop, &ua->sigint);
	uv_signal_init(&ua->loop, &ua->sigterm);
	ua->sigint.data = ua->sigterm.data = ua;
	uv_signal_start(&ua->sigint, on_signal, SIGINT);
	uv_signal_start(&ua->sigterm, on_signal, SIGTERM);
	uv_unref((uv_handle_t *)&ua->sigint);
	uv_unref((uv_handle_t *)&ua->sigterm);
	ua->handles = true;

	if ((err = sip_tp_alloc(&ua->tp, &ua->loop, NULL, on_recv, ua)))
		return err;
	sip_tp_set_err_handler(ua->tp, on_tp_error, ua);
	if ((err = sip_tp_addr_ip(&a, sip_pl_str(o->local_ip), o->local_port))) {
		fprintf(stderr, "sipua: --local-ip %s: not an IP address\n", o->local_ip);
		return err;
	}
	if ((err = sip_tp_listen(ua->tp, SIP_TP_UDP, &a.u.sa, &a))) {
		fprintf(stderr, "sipua: cannot listen on UDP %s:%u: %s\n", o->local_ip,
			o->local_port, strerror(err));
		return err;
	}
	if ((err = sip_tp_listen(ua->tp, SIP_TP_TCP, &a.u.sa, NULL))) {
		fprintf(stderr, "sipua: cannot listen on TCP %s:%u: %s\n", o->local_ip,
			sip_tp_addr_port(&a), strerror(err));
		return err;
	}
	ua->lport = sip_tp_addr_port(&a);
	sip_buf_init(&(struct sip_buf){ 0 });
	{
		struct sip_buf b;

		sip_buf_init(&b);
		sip_tp_addr_print(&b, &a, false);
		snprintf(ua->lhost, sizeof(ua->lhost), sip_tp_addr_af(&a) == AF_INET6 ?
			 "[%.*s]" : "%.*s", (int)b.len, b.p);
		sip_buf_reset(&b);
	}
	snprintf(ua->contact, sizeof(ua->contact), "sip:%s%s%s:%u%s",
		 o->user ? o->user : "", o->user ? "@" : "", ua->lhost, ua->lport,
		 o->transport == SIP_TP_TCP ? ";transport=tcp" : "");
	snprintf(ua->aor, sizeof(ua->aor), "sip:%s%s%s", o->user ? o->user : "sipua",
		 "@", o->domain ? o->domain : ua->lhost);

	tc.timers = ua->ts;
	tc.t1 = o->t1;
	tc.send = send_hook;
	tc.send_arg = ua;
	tc.request_h = on_request;
	tc.arg = ua;
	if ((err = sip_txn_stack_alloc(&ua->txn, &tc)))
		return err;
	if (o->user && o->password) {
		struct sip_auth_cred cr = { .user = o->user, .password = o->password };

		if ((err = sip_auth_client_alloc(&ua->authc, NULL)) ||
		    (err = sip_auth_client_cred_add(ua->authc, &cr)))
			return err;
	}
	ua_event(ua, "LISTEN %s:%u %s", ua->lhost, ua->lport,
		 o->transport == SIP_TP_TCP ? "tcp" : "udp");
	return 0;
}

void ua_close(struct ua *ua)
{
	if (!ua->handles) {
		/* ua_open() failed before the loop had handles */
		ua->ts = sip_mem_deref(ua->ts);
		if (ua->loop_ok)
			uv_loop_close(&ua->loop);
		return;
	}
	for (struct call *c = ua->calls; c; c = c->next)
		media_close(&c->media);
	if (ua->in_open)
		uv_close(&ua->in.handle, NULL);
	ua->txn = sip_mem_deref(ua->txn);
	ua->tp = sip_mem_deref(ua->tp);
	ua->authc = sip_mem_deref(ua->authc);
	while (ua->creqs) {
		struct ua_creq *cr = ua->creqs;

		ua->creqs = cr->next;
		free(cr->own);
		free(cr);
	}
	uv_close((uv_handle_t *)&ua->timer, NULL);
	uv_close((uv_handle_t *)&ua->prepare, NULL);
	uv_close((uv_handle_t *)&ua->sigint, NULL);
	uv_close((uv_handle_t *)&ua->sigterm, NULL);
	uv_run(&ua->loop, UV_RUN_DEFAULT);
	while (ua->calls) {
		struct call *c = ua->calls;

		ua->calls = c->next;
		call_free(c);
	}
	ua->ts = sip_mem_deref(ua->ts);
	free(ua->reg_state);
	ua->reg_state = NULL;
	uv_loop_close(&ua->loop);
}
