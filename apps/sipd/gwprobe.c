/*
 * gwprobe.c - OPTIONS probes of the dial plan's gateways (RFC 3261 §11,
 * §17.1.2 non-INVITE client transactions) feeding their health (see
 * gwprobe.h).
 *
 * One sip_timer on the daemon's timer set is armed for the earliest due
 * probe among the gateways with none in flight; when it fires, every due
 * gateway is sent an OPTIONS (after a getaddrinfo lookup on libuv's
 * thread pool when its host is a name) and the timer is armed again. A
 * probe's end (final response, Timer F, transport error, failed lookup)
 * feeds the health of its gateway and re-arms the timer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uv.h>

#include "sip/buf.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/route.h"
#include "sip/timer.h"
#include "sip/transport.h"
#include "sip/txn.h"
#include "sip/uri.h"

#include "gwprobe.h"
#include "sipd.h"

struct probe {
	struct sipd_gwprobe *gp;  /* NULL: detached by sipd_gwprobe_free()
	                             while resolving; the callback frees */
	char *group;              /* the gateway, by name: plans are swapped */
	char *uri;
	enum sip_tp_kind kind;
	uint16_t port;
	struct sip_txn *ct;       /* borrowed until TERMINATED */
	bool fed;                 /* result given to the health */
	bool resolving;           /* gai in progress */
	uv_getaddrinfo_t gai;
	struct probe *prev, *next;
};

/* A gateway whose URI cannot be probed, logged once. */
struct skipped {
	char *uri;
	struct skipped *next;
};

struct sipd_gwprobe {
	struct sipd *sd;
	struct sip_timer timer;
	struct probe *probes;     /* in flight */
	struct skipped *skipped;
	uint32_t cseq;
};

static uint64_t now_ms(const struct sipd_gwprobe *gp)
{
	return sip_timers_now(gp->sd->clock.ts);
}

/* ---- probes in flight ---- */

static struct probe *in_flight(const struct sipd_gwprobe *gp,
			       const char *group, const char *uri)
{
	for (struct probe *p = gp->probes; p; p = p->next)
		if (!p->fed && !strcmp(p->group, group) && !strcmp(p->uri, uri))
			return p;
	return NULL;
}

static void probe_unlink(struct probe *p)
{
	struct sipd_gwprobe *gp = p->gp;

	if (p->prev)
		p->prev->next = p->next;
	else if (gp->probes == p)
		gp->probes = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
}

static void probe_free(struct probe *p)
{
	if (p->gp)
		probe_unlink(p);
	free(p->group);
	free(p->uri);
	free(p);
}

static struct probe *probe_new(struct sipd_gwprobe *gp, const char *group,
			       const char *uri)
{
	struct probe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->gp = gp;
	p->group = strdup(group);
	p->uri = strdup(uri);
	if (!p->group || !p->uri) {
		free(p->group);
		free(p->uri);
		free(p);
		return NULL;
	}
	p->next = gp->probes;
	if (gp->probes)
		gp->probes->prev = p;
	gp->probes = p;
	return p;
}

/* ---- results ---- */

static struct sip_route_gw *find_gw(struct sip_route_plan *plan,
				    const char *group, const char *uri)
{
	struct sip_route_group *g = sip_route_plan_group(plan, group);
	struct sip_route_gw *gw;

	for (size_t i = 0; g && (gw = sip_route_group_gw(g, i)); i++)
		if (!strcmp(sip_route_gw_uri(gw), uri))
			return gw;
	return NULL;
}

static void log_transition(struct sipd_gwprobe *gp, const struct probe *p,
			   const struct sip_route_health *h, const char *why)
{
	struct sipd *sd = gp->sd;
	char n[24];
	bool down = h->state == SIP_ROUTE_GW_DOWN;

	snprintf(n, sizeof(n), "%u", down ? h->conf.fail_down : h->conf.ok_up);
	if (down)
		sd->dialplan.stats.gw_down++;
	else
		sd->dialplan.stats.gw_up++;
	sipd_log(&sd->log, down ? SIPD_LOG_WARNING : SIPD_LOG_NOTICE,
		 down ? "gateway down" : "gateway up", "group", p->group,
		 "gateway", p->uri, down ? "failures" : "successes", n,
		 "last", why, NULL);
}

/* @p why: "200", "503", "timeout", "transport error". */
static void feed(struct probe *p, bool ok, const char *why)
{
	struct sipd_gwprobe *gp = p->gp;
	struct sipd *sd = gp->sd;
	struct sip_route_gw *gw;
	struct sip_route_health *h;

	if (p->fed)
		return;
	p->fed = true;
	if (!ok)
		sd->dialplan.stats.probe_failures++;
	sipd_log(&sd->log, SIPD_LOG_DEBUG, "gateway probe", "group", p->group,
		 "gateway", p->uri, "result", why, NULL);
	/* the gateway may have left the plan in a reload meanwhile */
	gw = find_gw(sd->dialplan.plan, p->group, p->uri);
	if (!gw)
		return;
	h = sip_route_gw_health(gw);
	if (sip_route_health_feed(h, ok, now_ms(gp)))
		log_transition(gp, p, h, why);
}

/* 408 and 503 say the gateway cannot serve; any other final response
 * says its SIP stack is alive (gwprobe.h). */
static bool alive(uint16_t scode)
{
	return scode != 408 && scode != 503;
}

static void schedule(struct sipd_gwprobe *gp);

static void on_probe(struct sip_txn *t, struct sip_txn_event *ev, void *arg)
{
	struct probe *p = arg;
	struct sipd_gwprobe *gp = p->gp;
	char code[8];

	(void)t;
	switch (ev->kind) {
	case SIP_TXN_EV_RESPONSE:
		if (!ev->msg || ev->msg->scode < 200)
			return;
		snprintf(code, sizeof(code), "%u", ev->msg->scode);
		feed(p, alive(ev->msg->scode), code);
		break;
	case SIP_TXN_EV_TIMEOUT:
		feed(p, false, "timeout");
		break;
	case SIP_TXN_EV_TRANSPORT_ERROR:
		feed(p, false, "transport error");
		break;
	case SIP_TXN_EV_TERMINATED:
		feed(p, false, "terminated");
		probe_free(p);
		break;
	default:
		return;
	}
	/* the next probe of that gateway is due from now on, even though
	 * this transaction lingers (Timer K) */
	schedule(gp);
}

/* ---- sending ---- */

/* What @p uri says of where it goes: transport, port (5060 by default)
 * and host (an IPv6 literal without brackets) into @p host. ENOTSUP for
 * sips/tls, EINVAL for a bad URI or an over-long host. */
static int gw_target(const char *uri, enum sip_tp_kind *kind, uint16_t *port,
		     char *host, size_t size, bool *is_name)
{
	struct sip_uri u;
	struct sip_pl tp;

	if (sip_uri_decode(&u, sip_pl_str(uri)) ||
	    (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS) ||
	    u.host_type == SIP_HOST_NONE || u.host.len >= size)
		return EINVAL;
	*kind = SIP_TP_UDP;
	if (!sip_uri_param(&u, "transport", &tp) &&
	    sip_tp_kind_decode(tp, kind))
		return ENOTSUP;
	if (u.scheme == SIP_URI_SIPS || *kind == SIP_TP_TLS)
		return ENOTSUP;
	sip_pl_strcpy(u.host, host, size);
	*port = u.has_port ? u.port : SIP_TP_PORT;
	*is_name = u.host_type == SIP_HOST_NAME;
	return 0;
}

/* The source address the kernel picks towards @p to (a connected UDP
 * socket sends nothing), for a listener bound to 0.0.0.0 or ::. */
static int source_towards(const struct sip_tp_addr *to, struct sip_tp_addr *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = socket(sip_tp_addr_af(to), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int e = 0;

	if (fd < 0)
		return errno;
	if (connect(fd, &to->u.sa, to->len) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len))
		e = errno;
	close(fd);
	return e ? e : sip_tp_addr_set(out, (struct sockaddr *)&ss);
}

/* Our address for Via and From: the first listener of that transport and
 * family, as bound (a wildcard one: the address the kernel would send
 * from, with the listener's port). Sets *ifacep to the listener's index
 * + 1. ENOENT when no listener fits. */
static int local_addr(struct sipd *sd, enum sip_tp_kind kind,
		      const struct sip_tp_addr *to, struct sip_tp_addr *out,
		      unsigned *ifacep)
{
	for (size_t i = 0; i < sd->nlsn; i++) {
		const struct sip_tp_addr *a = &sd->lsn[i].addr;

		if (sd->lsn[i].kind != kind ||
		    sip_tp_addr_af(a) != sip_tp_addr_af(to))
			continue;
		*ifacep = (unsigned)i + 1;
		if (!sip_tp_addr_is_any(a)) {
			*out = *a;
			return 0;
		}
		if (source_towards(to, out))
			return ENOENT;
		sip_tp_addr_set_port(out, sip_tp_addr_port(a));
		return 0;
	}
	return ENOENT;
}

static int print_options(struct sipd_gwprobe *gp, const char *uri,
			 enum sip_tp_kind kind, const struct sip_tp_addr *local,
			 struct sip_buf *b)
{
	struct sipd *sd = gp->sd;
	char branch[SIP_TXN_BRANCH_SIZE], tag[SIP_TXN_TAG_SIZE];
	struct sip_buf lb;
	int e;

	if ((e = sip_txn_branch_new(sd->txn, branch, sizeof(branch))) ||
	    (e = sip_txn_tag_new(sd->txn, tag, sizeof(tag))))
		return e;
	sip_buf_init(&lb);
	sip_tp_addr_print(&lb, local, true);
	e = sip_buf_err(&lb) ? ENOMEM : 0;
	if (!e)
		sip_buf_printf(b, "OPTIONS %s SIP/2.0\r\n"
			       "Via: SIP/2.0/%s %.*s;branch=%s;rport\r\n"
			       "Max-Forwards: 70\r\n"
			       "From: <sip:%s@%.*s>;tag=%s\r\n"
			       "To: <%s>\r\n"
			       "Call-ID: %s@%.*s\r\n"
			       "CSeq: %u OPTIONS\r\n"
			       "Accept: application/sdp\r\n"
			       "User-Agent: %s\r\n"
			       "Content-Length: 0\r\n\r\n",
			       uri, kind == SIP_TP_TCP ? "TCP" : "UDP",
			       (int)lb.len, lb.p, branch, "sipd",
			       (int)lb.len, lb.p, tag, uri, branch + 7,
			       (int)lb.len, lb.p,
			       ++gp->cseq, sd->cfg->server.name);
	sip_buf_reset(&lb);
	if (!e && sip_buf_err(b))
		e = ENOMEM;
	return e;
}

static void skip_once(struct sipd_gwprobe *gp, const char *group,
		      const char *uri, int why)
{
	struct skipped *s;

	for (s = gp->skipped; s; s = s->next)
		if (!strcmp(s->uri, uri))
			return;
	s = calloc(1, sizeof(*s));
	if (s && !(s->uri = strdup(uri))) {
		free(s);
		s = NULL;
	}
	if (s) {
		s->next = gp->skipped;
		gp->skipped = s;
	}
	sipd_log(&gp->sd->log, SIPD_LOG_WARNING,
		 "gateway not probed, kept up", "group", group, "gateway", uri,
		 "reason", why == ENOTSUP ? "transport not supported" :
		 why == ENOENT ? "no listener of its transport and address "
		 "family" : "bad URI", NULL);
}

static bool is_skipped(const struct sipd_gwprobe *gp, const char *uri)
{
	for (const struct skipped *s = gp->skipped; s; s = s->next)
		if (!strcmp(s->uri, uri))
			return true;
	return false;
}

/* Send the OPTIONS of @p p to @p to. ENOENT: no listener of its transport
 * and family; otherwise the probe is under way or has failed (fed). */
static int send_to(struct probe *p, const struct sip_tp_addr *to)
{
	struct sipd_gwprobe *gp = p->gp;
	struct sipd *sd = gp->sd;
	struct sip_txn_dest d = { 0 };
	struct sip_tp_addr local;
	struct sip_buf b;
	int e;

	d.transport = p->kind == SIP_TP_TCP ? SIP_TXN_TCP : SIP_TXN_UDP;
	memcpy(&d.addr, &to->u.ss, to->len);
	d.addrlen = to->len;
	if (local_addr(sd, p->kind, to, &local, &d.iface))
		return ENOENT;
	sip_buf_init(&b);
	e = print_options(gp, p->uri, p->kind, &local, &b);
	if (!e)
		e = sip_txn_request_bytes(&p->ct, sd->txn, sip_buf_pl_get(&b),
					  &d, on_probe, p);
	sip_buf_reset(&b);
	if (e) {
		/* no transaction: count it as a failed probe now */
		feed(p, false, strerror(e));
		probe_free(p);
		return 0;
	}
	sd->dialplan.stats.probes++;
	return 0;
}

/* The first address of @p res we have a listener for, port set. */
static int pick_addr(struct probe *p, const struct addrinfo *res,
		     struct sip_tp_addr *to)
{
	struct sip_tp_addr local;
	unsigned iface;

	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (sip_tp_addr_set(to, ai->ai_addr))
			continue;
		sip_tp_addr_set_port(to, p->port);
		if (!local_addr(p->gp->sd, p->kind, to, &local, &iface))
			return 0;
	}
	return ENOENT;
}

static void on_resolved(uv_getaddrinfo_t *req, int status,
			struct addrinfo *res)
{
	struct probe *p = req->data;
	struct sipd_gwprobe *gp = p->gp;
	struct sip_tp_addr to;

	p->resolving = false;
	if (!gp) {
		uv_freeaddrinfo(res);
		probe_free(p);
		return;
	}
	sipd_clock_sync(&gp->sd->clock, &gp->sd->loop);
	if (gp->sd->stopping) {
		probe_free(p);
	} else if (status) {
		feed(p, false, status == UV_EAI_NONAME ? "unknown host" :
		     "host name lookup failed");
		probe_free(p);
	} else if (pick_addr(p, res, &to)) {
		feed(p, false, "no address of a family we listen on");
		probe_free(p);
	} else {
		send_to(p, &to);
	}
	uv_freeaddrinfo(res);
	schedule(gp);
}

/* Look the host name up (A/AAAA, libuv's thread pool); the probe goes
 * on in on_resolved(). */
static void resolve(struct probe *p, const char *host)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_DGRAM };
	int r;

	p->gai.data = p;
	p->resolving = true;
	r = uv_getaddrinfo(&p->gp->sd->loop, &p->gai, on_resolved, host, NULL,
			   &hints);
	if (r) {
		p->resolving = false;
		feed(p, false, "host name lookup failed");
		probe_free(p);
	}
}

/* Send one OPTIONS to @p gw of @p group: at once to an IP literal, after
 * a lookup to a host name. */
static void send_probe(struct sipd_gwprobe *gp, const char *group,
		       struct sip_route_gw *gw)
{
	const char *uri = sip_route_gw_uri(gw);
	char host[256];
	struct sip_tp_addr to;
	enum sip_tp_kind kind;
	uint16_t port;
	bool is_name;
	struct probe *p;
	int e;

	e = gw_target(uri, &kind, &port, host, sizeof(host), &is_name);
	if (!e && !is_name)
		e = sip_tp_addr_ip(&to, sip_pl_str(host), port);
	if (e) {
		skip_once(gp, group, uri, e);
		return;
	}
	p = probe_new(gp, group, uri);
	if (!p)
		return;
	p->kind = kind;
	p->port = port;
	if (is_name) {
		resolve(p, host);
	} else if (send_to(p, &to) == ENOENT) {
		/* an address of a family or transport we do not listen on */
		probe_free(p);
		skip_once(gp, group, uri, ENOENT);
	}
}

static void on_timer(void *arg)
{
	struct sipd_gwprobe *gp = arg;
	struct sip_route_plan *plan = gp->sd->dialplan.plan;
	uint64_t now = now_ms(gp);
	struct sip_route_group *g;
	struct sip_route_gw *gw;

	for (size_t i = 0; !gp->sd->stopping &&
	     (g = sip_route_plan_group_at(plan, i)); i++) {
		const char *name = sip_route_group_name(g);

		for (size_t j = 0; (gw = sip_route_group_gw(g, j)); j++) {
			const char *uri = sip_route_gw_uri(gw);

			if (sip_route_health_next_probe(
				    sip_route_gw_health(gw)) > now ||
			    in_flight(gp, name, uri) || is_skipped(gp, uri))
				continue;
			send_probe(gp, name, gw);
		}
	}
	schedule(gp);
}

/* Arm the timer for the earliest gateway due with no probe in flight. */
static void schedule(struct sipd_gwprobe *gp)
{
	struct sip_route_plan *plan = gp->sd->dialplan.plan;
	uint64_t now = now_ms(gp), due = UINT64_MAX;
	struct sip_route_group *g;
	struct sip_route_gw *gw;

	sip_timer_cancel(&gp->timer);
	if (gp->sd->stopping)
		return;
	for (size_t i = 0; (g = sip_route_plan_group_at(plan, i)); i++) {
		for (size_t j = 0; (gw = sip_route_group_gw(g, j)); j++) {
			uint64_t t = sip_route_health_next_probe(
				sip_route_gw_health(gw));

			if (t < due && !is_skipped(gp, sip_route_gw_uri(gw)) &&
			    !in_flight(gp, sip_route_group_name(g),
				       sip_route_gw_uri(gw)))
				due = t;
		}
	}
	if (due != UINT64_MAX)
		sip_timer_start(gp->sd->clock.ts, &gp->timer,
				due > now ? due - now : 0, on_timer, gp);
}

int sipd_gwprobe_start(struct sipd_gwprobe **pp, struct sipd *sd)
{
	struct sipd_gwprobe *gp = calloc(1, sizeof(*gp));

	if (!gp)
		return ENOMEM;
	gp->sd = sd;
	*pp = gp;
	schedule(gp);
	return 0;
}

void sipd_gwprobe_kick(struct sipd_gwprobe *gp)
{
	if (gp)
		schedule(gp);
}

void sipd_gwprobe_free(struct sipd_gwprobe *gp)
{
	if (!gp)
		return;
	sip_timer_cancel(&gp->timer);
	/* their transactions run on (or end with the stack) without us; a
	 * lookup cannot be stopped once started, its callback frees */
	while (gp->probes) {
		struct probe *p = gp->probes;

		if (p->ct)
			sip_txn_set_handler(p->ct, NULL, NULL);
		if (!p->resolving) {
			probe_free(p);
			continue;
		}
		uv_cancel((uv_req_t *)&p->gai);
		probe_unlink(p);
		p->gp = NULL;
	}
	while (gp->skipped) {
		struct skipped *s = gp->skipped;

		gp->skipped = s->next;
		free(s->uri);
		free(s);
	}
	free(gp);
}
