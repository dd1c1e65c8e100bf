/*
 * http.c - libmicrohttpd in external epoll mode on a libuv loop, with
 * suspended connections for answers given later (see sip/http.h).
 *
 * The loop watches MHD's epoll descriptor (uv_poll_t, readable) and
 * arms a uv_timer_t with MHD_get_timeout() after every MHD_run(), so MHD
 * never waits longer than it asked. A request's life:
 *
 *   1st access call      allocate the request (held by the connection)
 *   body calls           append to the body, bounded by max_body
 *   last call            access check, then the handler; if it did not
 *                        answer, suspend the connection
 *   sip_http_reply()     build the response; if suspended, resume and
 *                        run MHD at once (timer 0)
 *   next access call     queue the response
 *   completed callback   the connection lets go of the request
 *
 * Requests are sip_mem objects, so a handler waiting on the store keeps
 * its request with sip_mem_ref(); a reply after the connection has gone
 * is dropped (ECANCELED).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "sip/buf.h"
#include "sip/http.h"
#include "sip/mem.h"

enum {
	DEF_MAX_BODY = 65536,
	DEF_MAX_CONNS = 64,
	CONN_TIMEOUT_S = 30,
	MAX_ALLOW = 32,
};

struct sip_http {
	struct sip_http_conf conf;     /* token copied into token[] */
	char *token;                   /* owned; NULL: none */
	struct sip_http_net allow[MAX_ALLOW];
	size_t nallow;
	struct MHD_Daemon *d;
	uv_loop_t *loop;
	uv_poll_t poll;                /* data: this */
	uv_timer_t timer;              /* data: this */
	bool handles_open;
	bool stopping;
	struct sip_http_req *reqs;     /* every request a connection holds */
	struct sip_http_stats stats;
	uint16_t port;
};

struct sip_http_req {
	struct sip_http *h;            /* borrowed; NULL once the connection
	                                  has gone */
	struct MHD_Connection *conn;   /* NULL once gone */
	struct sip_http_req *next, **pprev;
	char method[16];
	char *path;                    /* malloc'd */
	struct sip_buf body;
	bool too_big;
	struct sip_tp_addr peer;
	bool dispatched;
	bool suspended;
	bool answered;
	struct MHD_Response *resp;     /* built, not queued yet */
	unsigned status;
	struct sip_buf hdrs;           /* "name\0value\0" pairs */
};

/* ---- access rules ---- */

bool sip_http_is_loopback(const struct sip_tp_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0xff, 0xff };
	const uint8_t *b;

	if (a->u.sa.sa_family == AF_INET)
		return (ntohl(a->u.in.sin_addr.s_addr) >> 24) == 127;
	if (a->u.sa.sa_family != AF_INET6)
		return false;
	b = a->u.in6.sin6_addr.s6_addr;
	if (IN6_IS_ADDR_LOOPBACK(&a->u.in6.sin6_addr))
		return true;
	return !memcmp(b, mapped, sizeof(mapped)) && b[12] == 127;
}

/* The 16 bytes of @p a as IPv6 (IPv4 mapped), for prefix matching. */
static void as_v6(const struct sip_tp_addr *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (a->u.sa.sa_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a->u.in.sin_addr, 4);
	} else if (a->u.sa.sa_family == AF_INET6) {
		memcpy(out, a->u.in6.sin6_addr.s6_addr, 16);
	}
}

static bool in_net(const struct sip_tp_addr *a, const struct sip_http_net *n)
{
	uint8_t x[16], y[16];
	unsigned bits = n->prefix + (n->addr.u.sa.sa_family == AF_INET ? 96 : 0);

	as_v6(a, x);
	as_v6(&n->addr, y);
	for (unsigned i = 0; i < 16 && bits; i++) {
		unsigned take = bits >= 8 ? 8 : bits;
		uint8_t mask = (uint8_t)(0xff << (8 - take));

		if ((x[i] & mask) != (y[i] & mask))
			return false;
		bits -= take;
	}
	return true;
}

bool sip_http_allowed(const struct sip_tp_addr *a,
		      const struct sip_http_net *nets, size_t n)
{
	if (!n)
		return sip_http_is_loopback(a);
	for (size_t i = 0; i < n; i++)
		if (in_net(a, &nets[i]))
			return true;
	return false;
}

int sip_http_net_parse(struct sip_http_net *net, const char *text)
{
	char ip[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long prefix;
	char *end;

	if (!len || len >= sizeof(ip))
		return EINVAL;
	memcpy(ip, text, len);
	ip[len] = '\0';
	if (sip_tp_addr_ip(&net->addr, sip_pl_str(ip), 0))
		return EINVAL;
	net->prefix = net->addr.u.sa.sa_family == AF_INET ? 32 : 128;
	if (!slash)
		return 0;
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || errno || prefix > net->prefix)
		return EINVAL;
	net->prefix = (unsigned)prefix;
	return 0;
}

unsigned sip_http_access(const char *token, const char *authz,
			 const struct sip_tp_addr *peer,
			 const struct sip_http_net *nets, size_t n)
{
	static const char bearer[] = "Bearer ";
	size_t tl, al;

	if (!token || !*token)
		return sip_http_allowed(peer, nets, n) ? 0 : 403;
	if (!authz || strncasecmp(authz, bearer, sizeof(bearer) - 1))
		return 401;
	authz += sizeof(bearer) - 1;
	tl = strlen(token);
	al = strlen(authz);
	/* equal lengths first, then a comparison that takes the same time
	 * wherever the first difference is */
	if (al != tl || CRYPTO_memcmp(authz, token, tl))
		return 401;
	return 0;
}

/* ---- requests ---- */

static void req_destroy(void *arg)
{
	struct sip_http_req *rq = arg;

	if (rq->resp)
		MHD_destroy_response(rq->resp);
	free(rq->path);
	sip_buf_reset(&rq->body);
	sip_buf_reset(&rq->hdrs);
}

static struct sip_http_req *req_new(struct sip_http *h,
				    struct MHD_Connection *c,
				    const char *url, const char *method)
{
	struct sip_http_req *rq = sip_mem_zalloc(sizeof(*rq), req_destroy);
	const union MHD_ConnectionInfo *ci;

	if (!rq)
		return NULL;
	sip_buf_init(&rq->body);
	sip_buf_init(&rq->hdrs);
	rq->path = strdup(url);
	if (!rq->path)
		return sip_mem_deref(rq);
	snprintf(rq->method, sizeof(rq->method), "%s", method);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr)
		(void)sip_tp_addr_set(&rq->peer, ci->client_addr);
	rq->h = h;
	rq->conn = c;
	rq->next = h->reqs;
	if (h->reqs)
		h->reqs->pprev = &rq->next;
	rq->pprev = &h->reqs;
	h->reqs = rq;
	return rq;
}

static void req_detach(struct sip_http_req *rq)
{
	if (!rq->pprev)
		return;
	*rq->pprev = rq->next;
	if (rq->next)
		rq->next->pprev = rq->pprev;
	rq->pprev = NULL;
	rq->next = NULL;
	rq->h = NULL;
	rq->conn = NULL;
}

const char *sip_http_method(const struct sip_http_req *rq)
{
	return rq->method;
}

const char *sip_http_path(const struct sip_http_req *rq)
{
	return rq->path;
}

const char *sip_http_query(const struct sip_http_req *rq, const char *name)
{
	if (!rq->conn)
		return NULL;
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *sip_http_body(const struct sip_http_req *rq, size_t *len)
{
	*len = rq->body.len;
	return rq->body.len ? (const char *)rq->body.p : "";
}

const struct sip_tp_addr *sip_http_peer(const struct sip_http_req *rq)
{
	return &rq->peer;
}

int sip_http_add_header(struct sip_http_req *rq, const char *name,
			const char *value)
{
	sip_buf_append(&rq->hdrs, name, strlen(name) + 1);
	sip_buf_append(&rq->hdrs, value, strlen(value) + 1);
	return sip_buf_err(&rq->hdrs) ? ENOMEM : 0;
}

static void on_timer(uv_timer_t *t);

/* Run MHD on the next loop iteration (a resumed connection waits). */
static void kick(struct sip_http *h)
{
	if (h && h->handles_open)
		uv_timer_start(&h->timer, on_timer, 0, 0);
}

int sip_http_reply(struct sip_http_req *rq, unsigned status, const char *ctype,
		   const void *body, size_t len)
{
	struct MHD_Response *r;
	const char *p, *end;

	if (rq->answered)
		return EALREADY;
	if (!rq->conn)
		return ECANCELED;
	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return ENOMEM;
	if (ctype)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	p = (const char *)rq->hdrs.p;
	end = p + rq->hdrs.len;
	while (p && p < end) {
		const char *v = p + strlen(p) + 1;

		MHD_add_response_header(r, p, v);
		p = v + strlen(v) + 1;
	}
	rq->resp = r;
	rq->status = status;
	rq->answered = true;
	if (rq->suspended) {
		rq->suspended = false;
		MHD_resume_connection(rq->conn);
		kick(rq->h);
	}
	return 0;
}

/* What a handler gets when its JSON could not be built: an answer all
 * the same, so that no connection waits for one forever. */
static const char oom_json[] = "{\"error\":\"out of memory\"}";

int sip_http_reply_json(struct sip_http_req *rq, unsigned status, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	int err;

	json_decref(j);
	if (!text) {
		(void)sip_http_reply(rq, 500, "application/json", oom_json,
				     sizeof(oom_json) - 1);
		return ENOMEM;
	}
	err = sip_http_reply(rq, status, "application/json", text, strlen(text));
	free(text);
	return err;
}

int sip_http_reply_error(struct sip_http_req *rq, unsigned status,
			 const char *text)
{
	return sip_http_reply_json(rq, status, json_pack("{s:s}", "error", text));
}

/* ---- MHD callbacks ---- */

static bool is_public(const struct sip_http *h, const struct sip_http_req *rq)
{
	if (!h->conf.public_paths || strcmp(rq->method, "GET"))
		return false;
	for (const char *const *p = h->conf.public_paths; *p; p++)
		if (!strcmp(*p, rq->path))
			return true;
	return false;
}

static void dispatch(struct sip_http *h, struct sip_http_req *rq)
{
	const char *authz = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
							MHD_HTTP_HEADER_AUTHORIZATION);
	unsigned code = sip_http_access(h->token, authz, &rq->peer, h->allow,
					h->nallow);

	if (code == 401 && is_public(h, rq))
		code = 0;

	h->stats.requests++;
	if (code == 401) {
		h->stats.unauthorized++;
		sip_http_add_header(rq, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
				    "Bearer realm=\"sipd\"");
		sip_http_reply_error(rq, 401, authz ? "wrong bearer token" :
				     "bearer token required");
		return;
	}
	if (code == 403) {
		h->stats.forbidden++;
		sip_http_reply_error(rq, 403, "only loopback clients are served "
				     "when no token is configured");
		return;
	}
	if (rq->too_big) {
		sip_http_reply_error(rq, 413, "request body too large");
		return;
	}
	h->conf.handler(h->conf.arg, rq);
}

static enum MHD_Result queue(struct sip_http_req *rq)
{
	enum MHD_Result r = MHD_queue_response(rq->conn, rq->status, rq->resp);

	MHD_destroy_response(rq->resp);
	rq->resp = NULL;
	return r;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c,
				 const char *url, const char *method,
				 const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	struct sip_http *h = cls;
	struct sip_http_req *rq = *con_cls;

	if (h->stopping)
		return MHD_NO;
	if (!rq) {
		rq = req_new(h, c, url, method);
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->body.len + *upload_size > h->conf.max_body)
			rq->too_big = true;
		else
			sip_buf_append(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->resp)
		return queue(rq);
	if (rq->dispatched)
		return MHD_YES;
	rq->dispatched = true;
	sip_buf_putc(&rq->body, '\0');   /* a C string for JSON parsers */
	if (!sip_buf_err(&rq->body))
		rq->body.len--;
	dispatch(h, rq);
	if (rq->resp)
		return queue(rq);
	if (rq->answered)   /* an answer that could not be built */
		return MHD_NO;
	rq->suspended = true;
	MHD_suspend_connection(c);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct sip_http_req *rq = *con_cls;

	if (!rq)
		return;
	*con_cls = NULL;
	req_detach(rq);
	sip_mem_deref(rq);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct sip_http *h = cls;
	char line[256];

	if (!h->conf.log)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	h->conf.log(h->conf.log_arg, line);
}

/* ---- the loop side ---- */

static void rearm(struct sip_http *h)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (!h->handles_open)
		return;
	if (MHD_get_timeout(h->d, &t) == MHD_YES)
		uv_timer_start(&h->timer, on_timer, t, 0);
	else
		uv_timer_stop(&h->timer);
}

static void run(struct sip_http *h)
{
	sip_mem_ref(h);   /* a handler may stop the server */
	if (!h->stopping) {
		MHD_run(h->d);
		rearm(h);
	}
	sip_mem_deref(h);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	run(p->data);
}

static void on_timer(uv_timer_t *t)
{
	run(t->data);
}

static void on_closed(uv_handle_t *hd)
{
	sip_mem_deref(hd->data);
}

static void http_destroy(void *arg)
{
	struct sip_http *h = arg;

	free(h->token);
}

static int make_daemon(struct sip_http *h)
{
	struct sip_tp_addr a;
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *di;

	if (sip_tp_addr_ip(&a, sip_pl_str(h->conf.address), h->conf.port))
		return EINVAL;
	if (a.u.sa.sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the logger first, so that MHD reports everything through it */
	h->d = MHD_start_daemon(flags, h->conf.port, NULL, NULL, on_access, h,
				MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
				MHD_OPTION_SOCK_ADDR, &a.u.sa,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
				MHD_OPTION_CONNECTION_LIMIT, h->conf.max_conns,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)CONN_TIMEOUT_S,
				MHD_OPTION_END);
	if (!h->d)
		return EADDRINUSE;
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? di->port : h->conf.port;
	return 0;
}

int sip_http_start(struct sip_http **hp, uv_loop_t *loop,
		   const struct sip_http_conf *conf)
{
	const union MHD_DaemonInfo *di;
	struct sip_http *h;
	int err;

	if (!conf->handler || conf->nallow > MAX_ALLOW)
		return EINVAL;
	h = sip_mem_zalloc(sizeof(*h), http_destroy);
	if (!h)
		return ENOMEM;
	h->conf = *conf;
	if (!h->conf.address)
		h->conf.address = "127.0.0.1";
	if (!h->conf.max_body)
		h->conf.max_body = DEF_MAX_BODY;
	if (!h->conf.max_conns)
		h->conf.max_conns = DEF_MAX_CONNS;
	h->conf.allow = NULL;
	h->nallow = conf->nallow;
	if (conf->nallow)
		memcpy(h->allow, conf->allow, conf->nallow * sizeof(*h->allow));
	if (conf->token && *conf->token && !(h->token = strdup(conf->token))) {
		sip_mem_deref(h);
		return ENOMEM;
	}
	h->loop = loop;
	err = make_daemon(h);
	if (err) {
		h->conf.address = NULL;
		sip_mem_deref(h);
		return err;
	}
	h->conf.address = NULL;   /* borrowed from the caller: not kept */
	h->conf.token = NULL;
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	err = di ? -uv_poll_init(loop, &h->poll, di->epoll_fd) : EBADF;
	if (err) {
		uv_close((uv_handle_t *)&h->timer, on_closed);
		sip_mem_ref(h);
		MHD_stop_daemon(h->d);
		sip_mem_deref(h);
		return err;
	}
	h->poll.data = h;
	h->handles_open = true;
	uv_poll_start(&h->poll, UV_READABLE, on_poll);
	uv_timer_start(&h->timer, on_timer, 0, 0);
	*hp = h;
	return 0;
}

void sip_http_stop(struct sip_http *h)
{
	struct sip_http_req *rq, *next;

	if (!h)
		return;
	h->stopping = true;
	/* MHD may not stop with suspended connections: resume them; the
	 * access handler refuses to go on (stopping) */
	for (rq = h->reqs; rq; rq = next) {
		next = rq->next;
		if (rq->suspended) {
			rq->suspended = false;
			MHD_resume_connection(rq->conn);
		}
	}
	MHD_stop_daemon(h->d);
	h->d = NULL;
	/* what the completed callback did not detach */
	while (h->reqs)
		req_detach(h->reqs);
	if (h->handles_open) {
		h->handles_open = false;
		uv_close((uv_handle_t *)&h->poll, on_closed);
		uv_close((uv_handle_t *)&h->timer, on_closed);
		sip_mem_ref(h);
		sip_mem_ref(h);
	}
	sip_mem_deref(h);
}

uint16_t sip_http_port(const struct sip_http *h)
{
	return h->port;
}

const struct sip_http_stats *sip_http_stats(const struct sip_http *h)
{
	return &h->stats;
}
