/*
 * proxy.c - the proxy and redirect roles of sipd (RFC 3261 §16, §8.3,
 * §22.3): the steps listed in proxy.h, each request held in a struct
 * pctx while its credentials are fetched, its contacts looked up and its
 * next hops resolved, then handed to the proxy core (sip/proxy.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "sip/addr.h"
#include "sip/auth.h"
#include "sip/authhdr.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/proxy.h"
#include "sip/registrar.h"
#include "sip/route.h"
#include "sip/store.h"
#include "sip/txn.h"
#include "sip/uri.h"
#include "sip/via.h"

#include "calltab.h"
#include "dialplan.h"
#include "net.h"
#include "proxy.h"
#include "proxy_priv.h"
#include "proxy_plan.h"
#include "register.h"
#include "reply.h"
#include "sipd.h"

static void resolve_next(struct pctx *c);

/* ---- the context ---- */

static void ctx_destroy(void *arg)
{
	struct pctx *c = arg;

	for (size_t i = 0; i < c->n; i++) {
		free(c->t[i].uri);
		free(c->t[i].hop);
		free(c->t[i].route);
	}
	free(c->pr);
	sip_mem_deref(c->plan);
	sipd_held_release(&c->h);
}

static struct pctx *ctx_new(struct sipd *sd, const struct sipd_req *rq)
{
	struct pctx *c = sip_mem_zalloc(sizeof(*c), ctx_destroy);

	if (!c)
		return NULL;
	c->sd = sd;
	sipd_held_init(&c->h, rq);
	return c;
}

/* Answer and release the caller's reference. */
void px_finish(struct pctx *c, uint16_t scode, const char *reason)
{
	/* a CANCEL (or a transport error) may have ended the request while
	 * we were looking things up */
	if (sip_txn_state(c->h.st) == SIP_TXN_PROCEEDING ||
	    sip_txn_state(c->h.st) == SIP_TXN_TRYING)
		sipd_reply(c->sd, &c->h.rq, scode, reason);
	sip_mem_deref(c);
}

static bool px_still_wanted(struct pctx *c)
{
	enum sip_txn_state s = sip_txn_state(c->h.st);

	return c->sd->proxy && (s == SIP_TXN_PROCEEDING || s == SIP_TXN_TRYING);
}

/* §18.2.1, RFC 3581: the top Via of @p m (from @p src) with received
 * and rport, printed into @p b; unset when it cannot be (left as is). */
static struct sip_pl via_received(struct sip_msg *m, const struct sip_tp_addr *src,
				  struct sip_buf *b)
{
	const struct sip_via *v;

	if (sip_msg_via(m, &v) || sip_tp_via_received(b, v, src) || sip_buf_err(b))
		return (struct sip_pl){ NULL, 0 };
	return sip_buf_pl_get(b);
}

/* ---- answers ---- */

static void call_h(void *arg, struct sip_proxy_call *call,
		   enum sip_proxy_event ev, uint16_t scode)
{
	struct sipd *sd = arg;

	sipd_calltab_event(sd->calls, sip_proxy_call_msg(call), ev, scode);
	if (scode)
		sd->stats.replies[scode / 100 < 7 ? scode / 100 : 0]++;
}

static bool next_h(void *arg, uint16_t scode)
{
	struct pctx *c = arg;

	return c->pr && sipd_plan_next(c->pr, scode);
}

/* Hand the resolved targets to the proxy core. Consumes the caller's
 * reference on @p c. */
static void go(struct pctx *c)
{
	struct sipd *sd = c->sd;
	const struct sipd_config_proxy *pc = &sd->cfg->proxy;
	struct sip_proxy_target t[SIP_PROXY_TARGETS_MAX];
	struct sip_proxy_opts o = {
		.fork = pc->fork == SIPD_FORK_SEQUENTIAL ? SIP_PROXY_SEQUENTIAL :
			SIP_PROXY_PARALLEL,
		.branch_timeout = pc->branch_timeout_ms,
		.record_route = pc->record_route && !c->in_dialog &&
			(c->h.m->mid == SIP_INVITE || c->h.m->mid == SIP_SUBSCRIBE ||
			 c->h.m->mid == SIP_REFER),
		.route = c->route,
	};
	struct sip_buf via;
	size_t n = 0;
	int err;

	if (!px_still_wanted(c)) {
		sip_mem_deref(c);
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (!c->t[i].ok)
			continue;
		t[n++] = (struct sip_proxy_target){
			.uri = c->t[i].uri, .dst = c->t[i].dst, .q = c->t[i].q,
			.route = c->t[i].route,
		};
	}
	if (!n) {
		px_finish(c, c->pr || !c->in_dialog ? 503 : 404, "No route to the target");
		return;
	}
	if (c->pr) {
		/* a gateway group: one at a time, in the failover order */
		o.fork = SIP_PROXY_SEQUENTIAL;
		o.branch_timeout = 0;
		o.next = next_h;
		o.next_arg = c;
		for (size_t i = 0; i < n; i++)
			t[i].q = (int)(1000 - i);
	}
	sip_buf_init(&via);
	o.via = via_received(c->h.m, &c->h.src.remote, &via);
	err = sip_proxy_forward(sd->proxy, c->h.st, t, n, &o, NULL);
	sip_buf_reset(&via);
	if (err) {
		px_finish(c, err == ENETUNREACH ? 503 : 500, NULL);
		return;
	}
	sd->stats.proxied++;
	sip_mem_deref(c);
}

/* "0.5" from thousandths. */
static void print_q(struct sip_buf *b, int q)
{
	char s[8];
	size_t n;

	if (q >= 1000) {
		sip_buf_puts(b, "1");
		return;
	}
	snprintf(s, sizeof(s), "0.%03d", q < 0 ? 0 : q);
	for (n = strlen(s); n > 3 && s[n - 1] == '0'; n--)
		s[n - 1] = '\0';
	sip_buf_puts(b, s);
}

/* §8.3, §21.3: 301/302 with every target as a Contact, q-values kept. */
static void redirect(struct pctx *c)
{
	struct sipd *sd = c->sd;
	struct sip_out *o = NULL;
	int err = sipd_reply_build(sd, &c->h.rq, c->redirect_code, NULL, &o);

	for (size_t i = 0; !err && i < c->n; i++) {
		struct sip_buf b;

		sip_buf_init(&b);
		sip_buf_printf(&b, "<%s>", c->t[i].uri ? c->t[i].uri : c->t[i].hop);
		if (c->t[i].q >= 0) {
			sip_buf_puts(&b, ";q=");
			print_q(&b, c->t[i].q);
		}
		err = sip_buf_err(&b);
		if (!err)
			err = sip_out_add(o, SIP_HDR_CONTACT, NULL, sip_buf_pl_get(&b));
		sip_buf_reset(&b);
	}
	if (!err) {
		sd->stats.redirected++;
		if (sipd_reply_send(sd, &c->h.rq, o, c->redirect_code))
			sd->stats.dropped++;
	}
	if (o)
		sip_out_free(o);
	if (err)
		px_finish(c, 500, NULL);
	else
		sip_mem_deref(c);
}

/* ---- resolution (names off the loop) ---- */

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct pctx *c = req->data;
	struct ptarget *t = &c->t[c->resolving];
	struct sipd *sd = c->sd;

	if (!status && sd->proxy && !t->ok)
		t->ok = px_dest_from_ai(sd, res, &t->dst);
	uv_freeaddrinfo(res);
	if (!c->sd->proxy) {
		sip_mem_deref(c);
		return;
	}
	sipd_clock_sync(&sd->clock, &sd->loop);
	c->resolving++;
	resolve_next(c);
}

/* Resolve targets from c->resolving on; then redirect or go. Consumes
 * the caller's reference on @p c. */
static void resolve_next(struct pctx *c)
{
	char host[NAME_MAX_LEN];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };

	for (; c->resolving < c->n; c->resolving++) {
		struct ptarget *t = &c->t[c->resolving];
		int err;

		if (c->redirect)
			break;   /* a 3xx carries the URIs, not addresses */
		err = px_dest_of_uri(c->sd, t->hop, &t->dst, host, sizeof(host));
		if (!err) {
			t->ok = true;
			continue;
		}
		if (err != ENOENT)
			continue;
		c->gai.data = c;
		if (!uv_getaddrinfo(&c->sd->loop, &c->gai, on_resolved, host, NULL,
				    &hints))
			return;   /* on_resolved goes on */
	}
	if (c->redirect)
		redirect(c);
	else
		go(c);
}

static int add_target(struct pctx *c, const char *uri, const char *hop,
		      const char *route, int q)
{
	struct ptarget *t;

	if (c->n >= SIP_PROXY_TARGETS_MAX)
		return ENOSPC;
	t = &c->t[c->n];
	t->uri = uri ? strdup(uri) : NULL;
	t->hop = strdup(hop);
	t->route = route && *route ? strdup(route) : NULL;
	t->q = q;
	if ((uri && !t->uri) || !t->hop || (route && *route && !t->route)) {
		free(t->uri);
		free(t->hop);
		free(t->route);
		memset(t, 0, sizeof(*t));
		return ENOMEM;
	}
	c->n++;
	return 0;
}

/* ---- the location service (§16.5) ---- */

/* The first URI of a Path value list ("<sip:p1;lr>, <sip:p2;lr>"). */
static char *first_path_uri(const char *path)
{
	const char *b = strchr(path, '<'), *e = b ? strchr(b, '>') : NULL;

	if (!b || !e)
		return NULL;
	return strndup(b + 1, (size_t)(e - b - 1));
}

static void on_location(void *arg, int err, struct sip_bindings *bs)
{
	struct pctx *c = arg;

	if (err == ECANCELED || !c->sd->proxy) {
		sip_mem_deref(c);
		return;
	}
	sipd_clock_sync(&c->sd->clock, &c->sd->loop);
	if (err) {
		px_finish(c, 500, NULL);
		return;
	}
	for (size_t i = 0; i < bs->n; i++) {
		const struct sip_binding *b = &bs->v[i];
		char *hop = b->path && *b->path ? first_path_uri(b->path) : NULL;
		char flow[SIP_TP_ADDRSTRLEN + 32];

		/* RFC 5626 §5.3: an outbound registration (instance and
		 * reg-id) is reached over its flow: the address it registered
		 * from, on its transport (a TCP connection is reused) */
		if (!hop && b->instance && b->reg_id && b->received && b->transport &&
		    (!strcmp(b->transport, "TCP") || !strcmp(b->transport, "UDP")) &&
		    snprintf(flow, sizeof(flow), "sip:%s;transport=%s", b->received,
			     !strcmp(b->transport, "TCP") ? "tcp" : "udp") <
		    (int)sizeof(flow))
			hop = strdup(flow);
		(void)add_target(c, b->contact, hop ? hop : b->contact, b->path, b->q);
		free(hop);
	}
	if (!c->n) {
		/* §16.5: nobody registered there now */
		px_finish(c, 480, NULL);
		return;
	}
	resolve_next(c);
}

/* Look up user @p user (NULL: the Request-URI's AOR) in domain @p host. */
static void locate(struct pctx *c, const char *user)
{
	struct sipd *sd = c->sd;
	const struct sip_uri *ruri;
	struct sip_buf aor;
	int err;

	if (!sd->store) {
		px_finish(c, 404, NULL);
		return;
	}
	if (sip_msg_ruri(c->h.m, &ruri)) {
		px_finish(c, 400, NULL);
		return;
	}
	if (!user) {
		err = sip_location_lookup_uri(sd->store, ruri, on_location, c);
	} else {
		struct sip_pl host = ruri->host;

		/* a tel: URI has no host: the first domain we serve */
		if (!host.len && sd->cfg->registrar.domain_count)
			host = sip_pl_str(sd->cfg->registrar.domains[0]);
		else if (!host.len && sd->cfg->server.domain_count)
			host = sip_pl_str(sd->cfg->server.domains[0]);
		sip_buf_init(&aor);
		sip_aor_from_parts(&aor, sip_pl_str(user), host);
		sip_buf_putc(&aor, '\0');
		err = sip_buf_err(&aor);
		if (!err)
			err = sip_location_lookup(sd->store, aor.p, on_location, c);
		sip_buf_reset(&aor);
	}
	if (err)
		px_finish(c, err == EINVAL ? 404 : 500, NULL);
}

/* ---- the dial plan ---- */

static const char *pl_tmp(struct sip_pl pl, char *buf, size_t n)
{
	if (!pl.p || pl.len >= n)
		return NULL;
	sip_pl_strcpy(pl, buf, n);
	return buf;
}

/* Returns true when the plan decided (the request is answered or on its
 * way), false for "no rule": default routing. */
static bool by_plan(struct pctx *c, struct sip_route_plan *plan)
{
	struct sipd *sd = c->sd;
	const struct sip_uri *ruri;
	const struct sip_addr *from;
	char ruser[SIP_ROUTE_NUMBER_MAX], fuser[NAME_MAX_LEN];
	char src[SIP_TP_ADDRSTRLEN];
	struct sip_route_req req = { 0 };
	struct sipd_plan_route *pr = malloc(sizeof(*pr));
	int err;

	if (!pr || sip_msg_ruri(c->h.m, &ruri)) {
		free(pr);
		return false;
	}
	req.ruri_user = pl_tmp(ruri->user, ruser, sizeof(ruser));
	if (!req.ruri_user)
		req.ruri_user = "";
	if (!sip_msg_from(c->h.m, &from))
		req.from_user = pl_tmp(from->uri.user, fuser, sizeof(fuser));
	sip_tp_addr_fmt(&c->h.src.remote, src);
	if (strrchr(src, ':'))
		*strrchr(src, ':') = '\0';
	if (src[0] == '[') {
		memmove(src, src + 1, strlen(src));
		if (strchr(src, ']'))
			*strchr(src, ']') = '\0';
	}
	req.source = src;
	req.caller_class = sipd_dialplan_caller_class(sd,
		c->authed ? c->an.username : req.from_user);
	err = sipd_plan_route(plan, &req, NULL, NULL, pr);
	if (err || pr->action == SIPD_PLAN_DEFAULT) {
		free(pr);
		if (err)
			px_finish(c, 500, NULL);
		return err != 0;
	}
	switch (pr->action) {
	case SIPD_PLAN_REFUSE:
		px_finish(c, 403, "Call not allowed by the dial plan");
		break;
	case SIPD_PLAN_DOWN:
		px_finish(c, 503, "No gateway available");
		break;
	case SIPD_PLAN_USER:
		locate(c, pr->target);
		break;
	case SIPD_PLAN_URI:
		if (add_target(c, pr->target, pr->target, NULL, -1))
			px_finish(c, 500, NULL);
		else
			resolve_next(c);
		break;
	case SIPD_PLAN_REDIRECT:
		c->redirect = true;
		c->redirect_code = pr->code;
		if (pr->target_is_user)
			locate(c, pr->target);
		else if (add_target(c, pr->target, pr->target, NULL, -1))
			px_finish(c, 500, NULL);
		else
			redirect(c);
		break;
	case SIPD_PLAN_GROUP:
		c->plan = sip_mem_ref(plan);
		for (size_t i = 0; i < pr->nuris; i++)
			(void)add_target(c, pr->uris[i], pr->uris[i], NULL, -1);
		c->pr = pr;
		pr = NULL;
		resolve_next(c);
		break;
	default:
		px_finish(c, 500, NULL);
		break;
	}
	free(pr);
	return true;
}

/* Forward to the next hop of §16.4 (a Route left, or the Request-URI),
 * the Request-URI unchanged. Consumes the caller's reference on @p c. */
static void forward_next(struct pctx *c)
{
	char hop[SIP_ROUTE_URI_MAX];

	if (c->route.next_uri.len >= sizeof(hop)) {
		px_finish(c, 414, NULL);
		return;
	}
	sip_pl_strcpy(c->route.next_uri, hop, sizeof(hop));
	if (add_target(c, NULL, hop, NULL, -1)) {
		px_finish(c, 500, NULL);
		return;
	}
	resolve_next(c);
}

/* Steps 5-7 of proxy.h. Consumes the caller's reference on @p c. */
void px_route_request(struct pctx *c)
{
	struct sipd *sd = c->sd;
	struct sip_route_plan *plan = sipd_dialplan_get(sd);
	const struct sip_uri *ruri;
	const struct sipd_config_proxy *pc = &sd->cfg->proxy;

	if (sip_msg_ruri(c->h.m, &ruri)) {
		px_finish(c, 400, NULL);
		return;
	}
	/* a tel: URI names no host: it is ours to route (§19.1.6) */
	if (ruri->scheme == SIP_URI_TEL || px_our_uri(sd, ruri)) {
		if (plan && by_plan(c, plan))
			return;
		if (pc->redirect_domain_count &&
		    sipd_host_in_list(pc->redirect_domains, pc->redirect_domain_count,
			    ruri->host)) {
			c->redirect = true;
			c->redirect_code = (uint16_t)pc->redirect_code;
		}
		locate(c, NULL);
		return;
	}
	/* another domain: its host is the next hop (no NAPTR/SRV yet) */
	forward_next(c);
}

/* ---- entry points ---- */

bool sipd_proxy_request(struct sipd *sd, const struct sipd_req *rq)
{
	struct sip_proxy_route r;
	struct sip_uri u;
	bool self;
	struct pctx *c;

	if (!sd->proxy || !rq->st || rq->m->mid == SIP_REGISTER)
		return false;
	if (sip_proxy_route_pre(rq->m, px_self_h, sd, &r)) {
		sipd_reply(sd, rq, 400, rq->m->err ? rq->m->err : "Bad Route header");
		return true;
	}
	if (sip_proxy_loop(sd->proxy, rq->m)) {
		sd->stats.loops++;
		sipd_reply(sd, rq, 482, NULL);
		return true;
	}
	if (sip_uri_decode(&u, r.next_uri)) {
		sipd_reply(sd, rq, 400, "Bad Route header");
		return true;
	}
	self = !r.has_route && px_self_h(sd, &u);
	/* to sipd itself: the core's rules (OPTIONS 200, 405, 481) */
	if (self && (!sip_pl_isset(&u.user) || sip_msg_to_tagged(rq->m) ||
		     rq->m->mid == SIP_OPTIONS))
		return false;
	c = ctx_new(sd, rq);
	if (!c) {
		sipd_reply(sd, rq, 500, NULL);
		return true;
	}
	c->route = r;
	c->in_dialog = sip_msg_to_tagged(rq->m);
	if (r.has_route || c->in_dialog) {
		forward_next(c);
		return true;
	}
	if (px_needs_auth(c))
		px_authenticate(c);
	else
		px_route_request(c);
	return true;
}

bool sipd_proxy_cancel(struct sipd *sd, struct sip_txn *ist)
{
	return sd->proxy && !sip_proxy_cancel(sd->proxy, ist);
}

/* sip_proxy_stateless() with the received/rport of @p src. */
static bool stateless_send(struct sipd *sd, struct sip_msg *m,
			   const struct sip_tp_peer *src,
			   const struct sip_proxy_target *t,
			   const struct sip_proxy_route *r)
{
	struct sip_buf via;
	int err;

	sip_buf_init(&via);
	err = sip_proxy_stateless(sd->proxy, m, t, r,
				  via_received(m, &src->remote, &via));
	sip_buf_reset(&via);
	if (err)
		return false;
	sd->stats.proxied_stateless++;
	return true;
}

/* The next hop of ACK @p m (not for sipd itself) into @p t, the §16.4
 * result into @p r. 0, ENOENT (a name: @p host to resolve), or an error. */
static int ack_target(struct sipd *sd, struct sip_msg *m, struct sip_proxy_route *r,
		      struct sip_proxy_target *t, char *host, size_t hostsz)
{
	char hop[SIP_ROUTE_URI_MAX];
	struct sip_uri u;

	if (!sd->proxy || sip_msg_check(m) ||
	    sip_proxy_route_pre(m, px_self_h, sd, r) || sip_proxy_loop(sd->proxy, m) ||
	    sip_uri_decode(&u, r->next_uri) || r->next_uri.len >= sizeof(hop))
		return EINVAL;
	if (!r->has_route && px_self_h(sd, &u))
		return EINVAL;   /* for us: nothing acknowledges anything here */
	sip_pl_strcpy(r->next_uri, hop, sizeof(hop));
	return px_dest_of_uri(sd, hop, &t->dst, host, hostsz);
}

/* An ACK whose next hop is a name, while the resolver works: its own
 * copy of the message, and its source. */
struct ack_ctx {
	struct sipd *sd;
	struct sip_msg *m;
	struct sip_tp_peer src;      /* src.conn unused (cleared) */
	uv_getaddrinfo_t gai;
};

static void on_ack_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct ack_ctx *a = req->data;
	struct sipd *sd = a->sd;
	struct sip_proxy_route r;
	struct sip_proxy_target t = { .q = -1 };
	char host[NAME_MAX_LEN];

	if (sd->proxy && !status &&
	    ack_target(sd, a->m, &r, &t, host, sizeof(host)) == ENOENT) {
		sipd_clock_sync(&sd->clock, &sd->loop);
		if (px_dest_from_ai(sd, res, &t.dst))
			(void)stateless_send(sd, a->m, &a->src, &t, &r);
	}
	uv_freeaddrinfo(res);
	sip_msg_free(a->m);
	free(a);
}

/* Resolve @p host for ACK @p m, then send it. */
static bool ack_resolve(struct sipd *sd, struct sip_msg *m,
			const struct sip_tp_peer *src, const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };
	struct ack_ctx *a = calloc(1, sizeof(*a));

	if (!a)
		return false;
	if (sip_msg_decode(&a->m, m->raw.p, m->raw.len, NULL, 0, NULL)) {
		free(a);
		return false;
	}
	a->sd = sd;
	a->src = *src;
	a->src.conn = NULL;
	a->gai.data = a;
	if (uv_getaddrinfo(&sd->loop, &a->gai, on_ack_resolved, host, NULL, &hints)) {
		sip_msg_free(a->m);
		free(a);
		return false;
	}
	return true;
}

bool sipd_proxy_ack(struct sipd *sd, struct sip_msg *m,
		    const struct sip_tp_peer *src)
{
	struct sip_proxy_route r;
	struct sip_proxy_target t = { .q = -1 };
	char host[NAME_MAX_LEN];
	int err = ack_target(sd, m, &r, &t, host, sizeof(host));

	if (err == ENOENT)
		return ack_resolve(sd, m, src, host);
	return !err && stateless_send(sd, m, src, &t, &r);
}

bool sipd_proxy_response(struct sipd *sd, struct sip_msg *m,
			 const struct sip_tp_peer *src)
{
	const struct sip_via *v;
	struct sip_tp_peer dst;
	struct sip_buf b;
	bool sent = false;

	(void)src;
	if (!sd->proxy || sip_msg_via(m, &v) || !v->next ||
	    sip_tp_response_dest(&dst, v->next, NULL))
		return false;
	sip_buf_init(&b);
	if (!sip_proxy_response_out(sd->proxy, m, &b) &&
	    !sipd_net_send(sd, &dst, b.p, b.len)) {
		sd->stats.proxied_stateless++;
		sent = true;
	}
	sip_buf_reset(&b);
	return sent;
}

/* A request we may forward without state (§16.11): well formed, hops
 * left, no Proxy-Require (the core answers those), not a loop, bound
 * for another domain or a Route that is not ours, not from one of our
 * users who must authenticate, to an IP literal (no resolver round trip
 * for a stateless forward). */
static bool stateless_target(struct sipd *sd, struct sip_msg *m,
			     struct sip_proxy_route *r, struct sip_proxy_target *t)
{
	const struct sip_addr *from;
	char hop[SIP_ROUTE_URI_MAX], host[NAME_MAX_LEN];
	struct sip_uri u;
	uint32_t mf;

	if (sip_msg_check(m) || sip_msg_hdr(m, SIP_HDR_PROXY_REQUIRE) ||
	    sip_msg_hdr(m, SIP_HDR_REQUIRE) ||
	    (!sip_msg_max_forwards(m, &mf) && mf == 0) ||
	    sip_proxy_route_pre(m, px_self_h, sd, r) || sip_proxy_loop(sd->proxy, m) ||
	    sip_uri_decode(&u, r->next_uri) || r->next_uri.len >= sizeof(hop))
		return false;
	if (!r->has_route && px_our_uri(sd, &u))
		return false;
	if (sd->proxy_auth && !sip_msg_to_tagged(m) && !sip_msg_from(m, &from) &&
	    px_our_domain(sd, from->uri.host))
		return false;
	sip_pl_strcpy(r->next_uri, hop, sizeof(hop));
	return !px_dest_of_uri(sd, hop, &t->dst, host, sizeof(host));
}

bool sipd_proxy_stateless_request(struct sipd *sd, struct sip_msg *m,
				  const struct sip_tp_peer *src)
{
	struct sip_proxy_route r;
	struct sip_proxy_target t = { .q = -1 };

	if (!sd->proxy || !sd->cfg->proxy.stateless || sd->stopping ||
	    m->mid == SIP_ACK || m->mid == SIP_REGISTER ||
	    !stateless_target(sd, m, &r, &t))
		return false;
	return stateless_send(sd, m, src, &t, &r);
}

/* ---- start and stop ---- */

int sipd_proxy_start(struct sipd *sd)
{
	const struct sipd_config_proxy *pc = &sd->cfg->proxy;
	struct sip_proxy_conf c = {
		.stack = sd->txn, .timers = sd->clock.ts, .timer_c = pc->timer_c_ms,
		.local = px_local_h, .call_h = call_h, .arg = sd,
	};
	const char *what = NULL;
	int err = 0;

	if (!pc->enabled)
		return 0;
	sd->proxy_auth = pc->auth == SIPD_PROXY_AUTH_ON ||
		(pc->auth == SIPD_PROXY_AUTH_AUTO && sd->cfg->user_count);
	if (sd->proxy_auth && !sd->store) {
		sipd_log(&sd->log, SIPD_LOG_WARNING, "proxy authentication off",
			 "reason", "needs registrar.enabled (the user store)", NULL);
		sd->proxy_auth = false;
	}
	if (getrandom(c.secret, sizeof(c.secret), 0) != sizeof(c.secret))
		err = EIO, what = "secret";
	else if ((err = sipd_calltab_alloc(&sd->calls, sd->clock.ts,
					   pc->call_timeout_s)))
		what = "call table";
	else if (sd->proxy_auth && (err = sipd_register_auth_start(sd)))
		what = "authentication";
	else if ((err = sip_proxy_alloc(&sd->proxy, &c)))
		what = "proxy";
	if (err) {
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot start", "step", what,
			 "error", strerror(err), NULL);
		return err;
	}
	sipd_log(&sd->log, SIPD_LOG_INFO, "proxy on",
		 "fork", pc->fork == SIPD_FORK_SEQUENTIAL ? "sequential" : "parallel",
		 "record_route", pc->record_route ? "on" : "off",
		 "auth", sd->proxy_auth ? "on" : "off", NULL);
	return 0;
}

void sipd_proxy_stop(struct sipd *sd)
{
	sd->proxy = sip_mem_deref(sd->proxy);
	sipd_calltab_free(sd->calls);
	sd->calls = NULL;
}
