/*
 * mgmt.c - start and stop the management side, route HTTP requests to
 * their handlers, measure the loop's latency, send traced messages to a
 * HEPv3 collector (see mgmt.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/hep.h"
#include "sip/mem.h"
#include "sip/msg.h"

#include "mgmt.h"
#include "sipd.h"
#include "trace.h"

/* Loop latency sampling period. */
enum { LAG_MS = 250 };

#define API_PREFIX "/api/"

const char *sipd_mgmt_tp_name(enum sip_tp_kind k)
{
	switch (k) {
	case SIP_TP_UDP:
		return "udp";
	case SIP_TP_TCP:
		return "tcp";
	default:
		return "tls";
	}
}

const char *sipd_mgmt_domain(const struct sipd *sd)
{
	const struct sipd_config *c = sd->cfg;

	if (c->registrar.domain_count)
		return c->registrar.domains[0];
	return c->server.domain_count ? c->server.domains[0] : NULL;
}

/* ---- routing ---- */

static void not_allowed(struct sip_http_req *rq, const char *allow)
{
	sip_http_add_header(rq, "Allow", allow);
	sip_http_reply_error(rq, 405, "method not allowed");
}

static bool is(const struct sip_http_req *rq, const char *m)
{
	return !strcmp(sip_http_method(rq), m);
}

/* "/api/registrations/{aor}" and the like: the part after @p prefix, or
 * NULL when @p path is not under it; "" for the collection itself. */
static const char *under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n))
		return NULL;
	if (!path[n])
		return "";
	return path[n] == '/' ? path + n + 1 : NULL;
}

/* One endpoint: its path, the methods it takes (as for Allow), and
 * whether it names an item below the path ("/api/users/{user}"). */
enum ep {
	EP_NONE, EP_STATUS, EP_TXNS, EP_CALLS, EP_RELOAD, EP_TRACE, EP_PCAP,
	EP_REGS, EP_REG, EP_USERS, EP_USER,
};

static enum ep endpoint(const char *path, const char **item, const char **allow)
{
	static const struct { const char *path; enum ep ep; const char *allow; } t[] = {
		{ "/api/status", EP_STATUS, "GET" },
		{ "/api/transactions", EP_TXNS, "GET" },
		{ "/api/calls", EP_CALLS, "GET" },
		{ "/api/reload", EP_RELOAD, "POST" },
		{ "/api/trace", EP_TRACE, "GET, POST" },
		{ "/api/trace.pcap", EP_PCAP, "GET" },
		{ "/api/registrations", EP_REGS, "GET" },
		{ "/api/users", EP_USERS, "GET, POST" },
	};
	const char *rest;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(path, t[i].path)) {
			*allow = t[i].allow;
			return t[i].ep;
		}
	if ((rest = under(path, "/api/registrations")) && *rest) {
		*item = rest;
		*allow = "GET, DELETE";
		return EP_REG;
	}
	if ((rest = under(path, "/api/users")) && *rest) {
		*item = rest;
		*allow = "DELETE";
		return EP_USER;
	}
	return EP_NONE;
}

/* Is @p m one of the methods of @p allow ("GET, POST")? */
static bool method_in(const char *allow, const char *m)
{
	size_t n = strlen(m);

	for (const char *p = allow; *p; p += strspn(p, ", ")) {
		size_t len = strcspn(p, ", ");

		if (len == n && !strncmp(p, m, n))
			return true;
		p += len;
	}
	return false;
}

static void route_api(struct sipd *sd, struct sip_http_req *rq,
		      const char *path)
{
	const char *item = NULL, *allow = "";
	enum ep ep = endpoint(path, &item, &allow);
	const char *m = sip_http_method(rq);

	if (ep == EP_NONE) {
		sip_http_reply_error(rq, 404, "no such API endpoint");
		return;
	}
	if (!method_in(allow, m)) {
		not_allowed(rq, allow);
		return;
	}
	switch (ep) {
	case EP_STATUS:
		sipd_api_status(sd, rq);
		break;
	case EP_TXNS:
		sipd_api_transactions(sd, rq);
		break;
	case EP_CALLS:
		sipd_api_calls(sd, rq);
		break;
	case EP_RELOAD:
		sipd_api_reload(sd, rq);
		break;
	case EP_TRACE:
		if (is(rq, "POST"))
			sipd_api_trace_set(sd, rq);
		else
			sipd_api_trace(sd, rq, false);
		break;
	case EP_PCAP:
		sipd_api_trace(sd, rq, true);
		break;
	case EP_REGS:
	case EP_REG:
		sipd_api_registrations(sd, rq, item);
		break;
	default:
		sipd_api_users(sd, rq, item);
		break;
	}
}

static void on_request(void *arg, struct sip_http_req *rq)
{
	struct sipd *sd = arg;
	const char *path = sip_http_path(rq);

	sipd_clock_sync(&sd->clock, &sd->loop);
	sipd_log(&sd->log, SIPD_LOG_DEBUG, "http request",
		 "method", sip_http_method(rq), "path", path, NULL);
	if (!strncmp(path, API_PREFIX, strlen(API_PREFIX)))
		route_api(sd, rq, path);
	else if (strcmp(path, "/metrics") && is(rq, "GET") && sipd_www(rq, path))
		return;
	else if (strcmp(path, "/metrics"))
		sip_http_reply_error(rq, 404, "not found");
	else if (is(rq, "GET"))
		sipd_metrics(sd, rq);
	else
		not_allowed(rq, "GET");
}

static void on_http_log(void *arg, const char *line)
{
	struct sipd *sd = arg;

	sipd_log(&sd->log, SIPD_LOG_WARNING, "http", "detail", line, NULL);
}

/* ---- loop latency ---- */

/* The timer was due LAG_MS after the previous run: any delay past that
 * is time the loop spent elsewhere (callbacks, blocking). */
static void on_lag(uv_timer_t *t)
{
	struct sipd_mgmt *m = t->data;
	uint64_t now = uv_hrtime();

	if (m->lag_due_ns) {
		m->lag_s = now > m->lag_due_ns ? (double)(now - m->lag_due_ns) / 1e9 : 0;
		if (m->lag_s > m->lag_max_s)
			m->lag_max_s = m->lag_s;
	}
	m->lag_due_ns = now + (uint64_t)LAG_MS * 1000000;
}

/* ---- HEP export ---- */

static void on_trace(void *arg, const struct sipd_trace_entry *e)
{
	struct sipd_mgmt *m = arg;
	struct sip_hep_msg h = {
		.time = e->time, .tcp = e->kind != SIP_TP_UDP,
		.agent_id = m->hep_id, .payload = e->bytes, .len = e->len,
	};
	struct sip_tp_addr local = e->local;
	struct sip_msg_keys k;
	struct sip_msg *msg = NULL;
	struct sip_buf b;
	uv_buf_t ub;

	if (!local.len) {   /* unknown: the unspecified address, same family */
		memset(&local, 0, sizeof(local));
		local.u.sa.sa_family = (sa_family_t)sip_tp_addr_af(&e->peer);
		local.len = e->peer.len;
	}
	h.src = e->dir == SIPD_TRACE_RECV ? &e->peer : &local;
	h.dst = e->dir == SIPD_TRACE_RECV ? &local : &e->peer;
	if (!sip_msg_decode(&msg, e->bytes, e->len, NULL, 0, NULL) &&
	    !sip_msg_keys(msg, &k)) {
		h.correlation = k.callid.p;
		h.correlation_len = k.callid.len;
	}
	sip_buf_init(&b);
	if (!sip_hep_encode(&b, &h)) {
		ub = uv_buf_init(b.p, (unsigned)b.len);
		if (uv_udp_try_send(&m->hep, &ub, 1, &m->hep_dst.u.sa) >= 0)
			m->hep_sent++;
		else
			m->hep_errors++;
	} else {
		m->hep_errors++;
	}
	sip_buf_reset(&b);
	sip_msg_free(msg);
}

static int start_hep(struct sipd *sd, struct sipd_mgmt *m)
{
	const struct sipd_config_hep *c = &sd->cfg->trace.hep;
	int err;

	if (!c->address)
		return 0;
	err = sip_tp_addr_ip(&m->hep_dst, sip_pl_str(c->address),
			     (uint16_t)c->port);
	if (!err)
		err = -uv_udp_init(&sd->loop, &m->hep);
	if (err) {
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot start HEP export",
			 "collector", c->address, "error", strerror(err), NULL);
		return err;
	}
	m->hep.data = m;
	m->hep_open = true;
	m->hep_id = c->id;
	sipd_trace_set_sink(sd->trace, on_trace, m);
	sipd_log(&sd->log, SIPD_LOG_INFO, "HEP export", "collector", c->address,
		 NULL);
	return 0;
}

/* ---- start, stop ---- */

/* The page's files hold no data: a browser loads them without the
 * token (it cannot send the header on navigation), the page's script
 * then sends it with every API call. */
static const char *const page_paths[] = {
	"/", "/index.html", "/app.js", "/style.css", NULL,
};

static int start_http(struct sipd *sd, struct sipd_mgmt *m)
{
	const struct sipd_config_http *c = &sd->cfg->http;
	struct sip_http_net nets[32];
	struct sip_http_conf hc = {
		.address = c->address, .port = (uint16_t)c->port,
		.token = c->token, .allow = nets, .nallow = c->allow_count,
		.public_paths = page_paths,
		.handler = on_request, .arg = sd, .log = on_http_log, .log_arg = sd,
	};
	char where[SIP_TP_ADDRSTRLEN + 16];
	int err;

	if (!c->enabled)
		return 0;
	for (size_t i = 0; i < c->allow_count && i < 32; i++)
		if (sip_http_net_parse(&nets[i], c->allow[i]))
			return EINVAL;   /* the schema checked them */
	snprintf(where, sizeof(where), "%s%s%s:%u", strchr(c->address, ':') ? "[" : "",
		 c->address, strchr(c->address, ':') ? "]" : "", c->port);
	err = sip_http_start(&m->http, &sd->loop, &hc);
	if (err) {
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot start HTTP API",
			 "address", where, "error", err == EADDRINUSE ?
			 "address in use or not local" : strerror(err), NULL);
		return err;
	}
	sipd_log(&sd->log, SIPD_LOG_INFO, "HTTP API", "address", where,
		 "access", c->token ? "bearer token" :
		 c->allow_count ? "http.allow networks" : "loopback only", NULL);
	return 0;
}

static void mgmt_destroy(void *arg)
{
	(void)arg;
}

static void on_closed(uv_handle_t *h)
{
	sip_mem_deref(h->data);
}

int sipd_mgmt_start(struct sipd *sd)
{
	struct sipd_mgmt *m = sip_mem_zalloc(sizeof(*m), mgmt_destroy);
	int err;

	if (!m)
		return ENOMEM;
	m->sd = sd;
	m->started_ns = uv_hrtime();
	sd->mgmt = m;
	uv_timer_init(&sd->loop, &m->lag);
	m->lag.data = m;
	m->handles_open = true;
	uv_timer_start(&m->lag, on_lag, LAG_MS, LAG_MS);
	/* the probe must not keep a stopping loop alive */
	uv_unref((uv_handle_t *)&m->lag);
	if ((err = start_hep(sd, m)) || (err = start_http(sd, m)))
		return err;
	return 0;
}

void sipd_mgmt_stop(struct sipd *sd)
{
	struct sipd_mgmt *m = sd->mgmt;

	if (!m)
		return;
	sd->mgmt = NULL;
	sip_http_stop(m->http);
	m->http = NULL;
	if (sd->trace)
		sipd_trace_set_sink(sd->trace, NULL, NULL);
	if (m->handles_open) {
		m->handles_open = false;
		uv_close((uv_handle_t *)&m->lag, on_closed);
		sip_mem_ref(m);
	}
	if (m->hep_open) {
		m->hep_open = false;
		uv_close((uv_handle_t *)&m->hep, on_closed);
		sip_mem_ref(m);
	}
	sip_mem_deref(m);
}
