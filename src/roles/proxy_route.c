/*
 * proxy_route.c - the request-side rules of the proxy core that need no
 * state: loop detection (RFC 3261 §16.3 step 4, §16.6 step 8), Route
 * pre-processing (§16.4, strict-router compatibility §16.12), building a
 * forwarded request (§16.6 steps 1-8, a strict-router next hop of step
 * 6, RFC 5658 double Record-Route),
 * stateless forwarding of requests and responses (§16.11), and the
 * choice of the best final response (§16.7 step 6).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/uri.h"
#include "sip/via.h"

#include "proxy_priv.h"

/* ---- the loop-detection hash (§16.6 step 8) ---- */

struct fnv {
	uint64_t h;
};

static void fnv_add(struct fnv *f, const void *p, size_t len)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < len; i++)
		f->h = (f->h ^ s[i]) * 1099511628211ull;
	/* a separator, so that "ab"+"c" differs from "a"+"bc" */
	f->h = (f->h ^ 0xff) * 1099511628211ull;
}

static void fnv_pl(struct fnv *f, struct sip_pl pl)
{
	fnv_add(f, pl.p ? pl.p : "", pl.len);
}

static void fnv_hdrs(struct fnv *f, const struct sip_msg *m, enum sip_hdr_id id)
{
	for (const struct sip_hdr *h = sip_msg_hdr(m, id); h; h = h->next)
		fnv_pl(f, h->value);
}

uint64_t proxy_loop_hash(const struct sip_proxy *p, struct sip_msg *m,
			 struct sip_pl top_via)
{
	struct fnv f = { 1469598103934665603ull };
	const struct sip_addr *from, *to;
	const struct sip_cseq *cs;
	struct sip_pl callid;
	uint32_t num;

	if (sip_msg_from(m, &from) || sip_msg_to(m, &to) ||
	    sip_msg_callid(m, &callid) || sip_msg_cseq(m, &cs))
		return 0;
	num = cs->num;
	fnv_add(&f, p->conf.secret, sizeof(p->conf.secret));
	fnv_pl(&f, to->tag);
	fnv_pl(&f, from->tag);
	fnv_pl(&f, callid);
	fnv_pl(&f, m->ruri);
	fnv_pl(&f, top_via);
	fnv_add(&f, &num, sizeof(num));
	fnv_hdrs(&f, m, SIP_HDR_PROXY_REQUIRE);
	fnv_hdrs(&f, m, SIP_HDR_PROXY_AUTHORIZATION);
	return f.h ? f.h : 1;
}

/* The loop hash written in branch @p b, if it has our form. */
static bool branch_hash(struct sip_pl b, uint64_t *h)
{
	char hex[PROXY_HASH_HEX + 1];
	char *end;

	if (b.len < PROXY_BRANCH_PREFIX_LEN + PROXY_HASH_HEX ||
	    memcmp(b.p, PROXY_BRANCH_PREFIX, PROXY_BRANCH_PREFIX_LEN))
		return false;
	memcpy(hex, b.p + PROXY_BRANCH_PREFIX_LEN, PROXY_HASH_HEX);
	hex[PROXY_HASH_HEX] = '\0';
	*h = strtoull(hex, &end, 16);
	return *end == '\0';
}

bool sip_proxy_loop(const struct sip_proxy *p, struct sip_msg *m)
{
	const struct sip_via *v;
	uint64_t h;

	if (sip_msg_via(m, &v))
		return false;
	/* our Via at any depth: the Via under it is the topmost one we saw
	 * when we forwarded the request then */
	for (; v && v->next; v = v->next)
		if (branch_hash(v->branch, &h) &&
		    h == proxy_loop_hash(p, m, v->next->raw))
			return true;
	return false;
}

/* ---- §16.4 Route pre-processing ---- */

static size_t count_routes(const struct sip_addr *r)
{
	size_t n = 0;

	for (; r; r = r->next)
		n++;
	return n;
}

static const struct sip_addr *route_at(const struct sip_addr *r, size_t i)
{
	while (r && i--)
		r = r->next;
	return r;
}

int sip_proxy_route_pre(struct sip_msg *m, sip_proxy_self_h *self, void *arg,
			struct sip_proxy_route *r)
{
	const struct sip_addr *routes = NULL, *a;
	const struct sip_uri *ruri;
	size_t n, end;
	int err;

	memset(r, 0, sizeof(*r));
	if ((err = sip_msg_ruri(m, &ruri)))
		return EBADMSG;
	err = sip_msg_route(m, &routes);
	if (err && err != ENOENT)
		return EBADMSG;
	n = count_routes(routes);
	r->next_uri = m->ruri;
	/* §16.4: a Request-URI we put in a Record-Route (no user part) means
	 * the previous hop was a strict router: the last Route is the real
	 * Request-URI */
	if (n && !sip_pl_isset(&ruri->user) && self(arg, ruri)) {
		r->strict = true;
		r->next_uri = route_at(routes, n - 1)->uri_raw;
	}
	end = r->strict ? n - 1 : n;
	/* RFC 5658: our two Record-Route values come back as two Routes */
	for (a = routes; a && r->pop < end && r->pop < 2; a = a->next) {
		if (!self(arg, &a->uri))
			break;
		r->pop++;
	}
	if (r->pop < end) {
		r->has_route = true;
		r->next_uri = route_at(routes, r->pop)->uri_raw;
	}
	return 0;
}

/* Rewrite the Route header: values [pop, n - strict) of @p m. */
static int edit_routes(struct sip_out *o, struct sip_msg *m,
		       const struct sip_proxy_route *r)
{
	const struct sip_addr *routes = NULL, *a;
	size_t n, i = 0;
	int err;

	if (!r || (!r->pop && !r->strict))
		return 0;
	if (sip_msg_route(m, &routes))
		return EBADMSG;
	n = count_routes(routes);
	sip_out_remove(o, SIP_HDR_ROUTE);
	for (a = routes; a; a = a->next, i++) {
		if (i < r->pop || (r->strict && i == n - 1))
			continue;
		if ((err = sip_out_add(o, SIP_HDR_ROUTE, NULL, a->raw)))
			return err;
	}
	if (r->strict)
		return sip_out_set_ruri(o, route_at(routes, n - 1)->uri_raw);
	return 0;
}

/* ---- building a forwarded request (§16.6) ---- */

void sip_proxy_print_via_proto(struct sip_buf *b, enum sip_txn_transport t)
{
	static const char *const names[] = { "UDP", "TCP", "TLS", "WS", "WSS" };

	sip_buf_printf(b, "SIP/2.0/%s ", (unsigned)t < 5 ? names[t] : "UDP");
}

static const char *transport_param(enum sip_txn_transport t)
{
	switch (t) {
	case SIP_TXN_TCP:
		return ";transport=tcp";
	case SIP_TXN_TLS:
		return ";transport=tls";
	default:
		return "";
	}
}

/* "<sip:host:port;transport=x;lr>" for the interface facing @p d. */
static int rr_value(const struct sip_proxy *p, const struct sip_txn_dest *d,
		    bool r2, struct sip_buf *b)
{
	int err;

	sip_buf_puts(b, "<sip:");
	if ((err = p->conf.local(p->conf.arg, d, b)))
		return err;
	sip_buf_printf(b, "%s;lr%s>", transport_param(d->transport),
		       r2 ? ";r2=on" : "");
	return sip_buf_err(b);
}

static int add_rr(const struct sip_proxy *p, struct sip_out *o,
		  const struct sip_txn_dest *in, const struct sip_txn_dest *out)
{
	bool two = in && (in->transport != out->transport || in->iface != out->iface);
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	/* RFC 5658 §4: the upstream-facing value under the downstream one */
	if (two) {
		err = rr_value(p, in, true, &b);
		if (!err)
			err = sip_out_rr_add(o, sip_buf_pl_get(&b));
		sip_buf_reset(&b);
		if (err)
			return err;
	}
	err = rr_value(p, out, two, &b);
	if (!err)
		err = sip_out_rr_add(o, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

static int push_via(const struct sip_proxy *p, struct sip_out *o,
		    const struct sip_txn_dest *d, const char *branch)
{
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	sip_proxy_print_via_proto(&b, d->transport);
	err = p->conf.local(p->conf.arg, d, &b);
	sip_buf_printf(&b, ";branch=%s", branch);
	if (!err)
		err = sip_buf_err(&b);
	if (!err)
		err = sip_out_via_push(o, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

/* Route values of a registered Path (comma separated), on top. */
static int push_path(struct sip_out *o, const char *route)
{
	if (!route || !*route)
		return 0;
	return sip_out_prepend(o, SIP_HDR_ROUTE, sip_pl_str(route));
}

/* The first Route value the forwarded copy will carry: the Path's, else
 * the first received one left after §16.4. Unset when none. */
static struct sip_pl first_route(struct sip_msg *m, const struct sip_proxy_target *t,
				 const struct sip_proxy_route *r)
{
	struct sip_addr a;
	const struct sip_addr *routes;
	const char *path = t->route;

	if (path && *path) {
		const char *end = path + strcspn(path, ">");

		if (*end && !sip_addr_decode(&a, (struct sip_pl){ path,
			(size_t)(end - path) + 1 }, false, NULL))
			return a.uri_raw;
		return (struct sip_pl){ NULL, 0 };
	}
	if (!r || !r->has_route || sip_msg_route(m, &routes))
		return (struct sip_pl){ NULL, 0 };
	return route_at(routes, r->pop)->uri_raw;
}

/* §16.6 step 6: a next hop without "lr" is a strict router (RFC 2543):
 * its URI becomes the Request-URI and the Request-URI the last Route. */
static int strict_next_hop(struct sip_out *o, struct sip_msg *m,
			   const struct sip_proxy_target *t,
			   const struct sip_proxy_route *r)
{
	struct sip_pl hop = first_route(m, t, r), ruri;
	struct sip_uri u;
	struct sip_buf b;
	int err;

	if (!hop.p || sip_uri_decode(&u, hop) || !sip_uri_param(&u, "lr", NULL))
		return 0;
	ruri = t->uri ? sip_pl_str(t->uri) :
		r && r->strict ? r->next_uri : m->ruri;
	sip_buf_init(&b);
	sip_buf_putc(&b, '<');
	sip_buf_pl(&b, ruri);
	sip_buf_putc(&b, '>');
	err = sip_buf_err(&b);
	if (!err)
		err = sip_out_add(o, SIP_HDR_ROUTE, NULL, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	if (!err)
		err = sip_out_set_ruri(o, hop);
	if (!err)
		err = sip_out_route_pop(o);
	return err;
}

int proxy_build_request(const struct sip_proxy *p, struct sip_msg *m,
			const struct sip_proxy_target *t,
			const struct proxy_fwd *f, struct sip_out **op)
{
	struct sip_out *o;
	int err = sip_out_from_msg(&o, m, 0);

	if (err)
		return err;
	if ((err = edit_routes(o, m, f->route)))
		goto out;
	if (t->uri && (err = sip_out_set_ruri(o, sip_pl_str(t->uri))))
		goto out;
	if ((err = sip_out_maxfwd_dec(o)))
		goto out;
	if (f->record_route && (err = add_rr(p, o, f->in, &t->dst)))
		goto out;
	if ((err = push_path(o, t->route)))
		goto out;
	if ((err = strict_next_hop(o, m, t, f->route)))
		goto out;
	/* §18.2.1: the received/rport the transport noted on arrival */
	if (f->via.len && ((err = sip_out_via_pop(o)) ||
			   (err = sip_out_via_push(o, f->via))))
		goto out;
	err = push_via(p, o, &t->dst, f->branch);
out:
	if (err)
		sip_out_free(o);
	else
		*op = o;
	return err;
}

/* ---- stateless forwarding (§16.11) ---- */

int sip_proxy_stateless(struct sip_proxy *p, struct sip_msg *m,
			const struct sip_proxy_target *t,
			const struct sip_proxy_route *route, struct sip_pl via)
{
	char branch[64];
	const struct sip_via *v;
	struct proxy_fwd f = { .route = route, .branch = branch, .via = via };
	struct sip_out *o;
	struct sip_buf b;
	struct fnv h = { 1469598103934665603ull };
	uint64_t lh;
	int err;

	if (sip_msg_via(m, &v))
		return EBADMSG;
	lh = proxy_loop_hash(p, m, via.len ? via : v->raw);
	/* §16.11: the same request (a retransmission) gets the same branch;
	 * the incoming branch and the target name it */
	fnv_add(&h, p->conf.secret, sizeof(p->conf.secret));
	fnv_pl(&h, v->branch);
	fnv_pl(&h, v->raw);
	fnv_pl(&h, m->method);
	if (t->uri)
		fnv_add(&h, t->uri, strlen(t->uri));
	snprintf(branch, sizeof(branch), PROXY_BRANCH_PREFIX "%016llx.%016llx",
		 (unsigned long long)lh, (unsigned long long)h.h);
	if ((err = proxy_build_request(p, m, t, &f, &o)))
		return err;
	sip_buf_init(&b);
	err = sip_out_print(o, &b);
	if (!err)
		err = sip_txn_stack_send(p->conf.stack, &t->dst, b.p, b.len);
	sip_buf_reset(&b);
	sip_out_free(o);
	return err;
}

int sip_proxy_response_out(const struct sip_proxy *p, struct sip_msg *m,
			   struct sip_buf *b)
{
	const struct sip_via *v;
	struct sip_out *o;
	uint64_t h;
	int err;

	(void)p;
	if (sip_msg_via(m, &v))
		return EBADMSG;
	if (!branch_hash(v->branch, &h) || !v->next)
		return ENOENT;
	if ((err = sip_out_from_msg(&o, m, 0)))
		return err;
	err = sip_out_via_pop(o);
	if (!err)
		err = sip_out_print(o, b);
	sip_out_free(o);
	return err;
}

/* ---- §16.7 step 6 ---- */

static int rank_4xx(uint16_t c)
{
	switch (c) {
	case 401: case 407: case 415: case 420: case 484:
		return 0;
	default:
		return 1;
	}
}

/* True when @p a is a better final response than @p b. */
static bool better(uint16_t a, uint16_t b)
{
	if (!a)
		a = 408;
	if (!b)
		b = 408;
	if ((a >= 600) != (b >= 600))
		return a >= 600;
	if (a / 100 != b / 100)
		return a / 100 < b / 100;
	if (a / 100 == 4 && rank_4xx(a) != rank_4xx(b))
		return rank_4xx(a) < rank_4xx(b);
	return a < b;
}

int sip_proxy_best(const uint16_t *codes, size_t n)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (best < 0 || better(codes[i], codes[best]))
			best = (int)i;
	return best;
}
