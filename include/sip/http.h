/*
 * http.h - a small HTTP/1.1 server (libmicrohttpd) driven from a libuv
 * loop, for sipd's management API (docs/architecture.md, src/mgmt/).
 *
 * libmicrohttpd runs in its "external" mode with epoll: its one epoll
 * descriptor is watched by a uv_poll_t and its timeouts by a uv_timer_t,
 * so every request handler runs on the loop thread, next to the SIP
 * state it reads, without locks. A handler answers at once or later (after
 * an asynchronous store operation): the connection is suspended until
 * the answer is given (MHD_suspend_connection / MHD_resume_connection).
 *
 * Access (checked before the handler runs):
 *   - with a token configured, every request must carry
 *     "Authorization: Bearer <token>": missing or wrong gets 401 with
 *     "WWW-Authenticate: Bearer" (except GETs of conf.public_paths: a
 *     browser cannot add the header to a page load);
 *   - without a token, only peers in the allowed networks are served
 *     (default: loopback, 127.0.0.0/8 and ::1, IPv4-mapped included);
 *     others get 403.
 */
#ifndef SIP_HTTP_H
#define SIP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "sip/transport.h"

struct sip_http;
struct sip_http_req;

/** A network for http access rules: address and prefix length. */
struct sip_http_net {
	struct sip_tp_addr addr;   /* port ignored */
	unsigned prefix;           /* bits */
};

/** Request handler: answer @p rq with sip_http_reply*() now or later. */
typedef void (sip_http_h)(void *arg, struct sip_http_req *rq);

/** Log hook for server errors (bind failures are returned instead). */
typedef void (sip_http_log_h)(void *arg, const char *line);

struct sip_http_conf {
	const char *address;       /* IPv4 or IPv6 literal; "127.0.0.1" */
	uint16_t port;             /* 0: any free port (see sip_http_port) */
	const char *token;         /* NULL or "": no token, network rule */
	const struct sip_http_net *allow;  /* borrowed during start; NULL:
	                                      loopback only */
	const char *const *public_paths;   /* GET paths served without the
	                                      token (static files holding no
	                                      data); NULL-terminated, borrowed
	                                      for the server's life; NULL: none */
	size_t nallow;
	size_t max_body;           /* request body limit; 65536 */
	unsigned max_conns;        /* 64 */
	sip_http_h *handler;       /* required */
	void *arg;
	sip_http_log_h *log;       /* may be NULL */
	void *log_arg;
};

/**
 * Start serving on @p loop (borrowed). Returns 0 and sets @p *hp, EINVAL
 * (bad address, no handler), EADDRINUSE (cannot bind: in use or not a
 * local address), ENOMEM. Stop with sip_http_stop().
 */
int sip_http_start(struct sip_http **hp, uv_loop_t *loop,
		   const struct sip_http_conf *conf);

/**
 * Stop: close the listener and every connection; requests still pending
 * are dropped (a later reply to them is a no-op returning ECANCELED).
 * The handles finish closing on a later loop iteration. NULL is a no-op.
 */
void sip_http_stop(struct sip_http *h);

/** The port bound (useful with port 0). */
uint16_t sip_http_port(const struct sip_http *h);

/** Requests served, refused (401/403), answered per class. */
struct sip_http_stats {
	uint64_t requests;
	uint64_t unauthorized;     /* 401 */
	uint64_t forbidden;        /* 403 by the network rule */
};
const struct sip_http_stats *sip_http_stats(const struct sip_http *h);

/** True when @p a is a loopback address (127/8, ::1, ::ffff:127/104). */
bool sip_http_is_loopback(const struct sip_tp_addr *a);

/** True when @p a lies in one of @p nets (or is loopback when n == 0). */
bool sip_http_allowed(const struct sip_tp_addr *a,
		      const struct sip_http_net *nets, size_t n);

/**
 * Parse "ADDR/PREFIX" or a bare address (full-length prefix) into @p net.
 * Returns 0 or EINVAL.
 */
int sip_http_net_parse(struct sip_http_net *net, const char *text);

/**
 * The access decision alone: 0 (serve), 401 or 403, for the
 * Authorization header value @p authz (may be NULL) from @p peer.
 */
unsigned sip_http_access(const char *token, const char *authz,
			 const struct sip_tp_addr *peer,
			 const struct sip_http_net *nets, size_t n);

/* ---- one request (valid until answered; keep with sip_mem_ref) ---- */

/** "GET", "POST", ... */
const char *sip_http_method(const struct sip_http_req *rq);

/** The path, percent-decoded, without the query ("/api/status"). */
const char *sip_http_path(const struct sip_http_req *rq);

/** Query argument @p name (decoded), or NULL (absent, or answered). */
const char *sip_http_query(const struct sip_http_req *rq, const char *name);

/** The request body (NUL-terminated copy) and its length. */
const char *sip_http_body(const struct sip_http_req *rq, size_t *len);

/** The peer's address. */
const struct sip_tp_addr *sip_http_peer(const struct sip_http_req *rq);

/**
 * Answer with @p status and @p len bytes of @p body (copied) of type
 * @p ctype. Returns 0, EALREADY (answered before), ECANCELED (the
 * connection is gone: the answer is dropped), ENOMEM.
 */
int sip_http_reply(struct sip_http_req *rq, unsigned status, const char *ctype,
		   const void *body, size_t len);

/** Answer with @p j (its reference is taken) as JSON. NULL (a failed
 *  json_pack) or a failed dump answers 500 instead and returns ENOMEM. */
int sip_http_reply_json(struct sip_http_req *rq, unsigned status, json_t *j);

/** Answer {"error": @p text} with @p status. */
int sip_http_reply_error(struct sip_http_req *rq, unsigned status,
			 const char *text);

/** Add a response header to the answer about to be given. */
int sip_http_add_header(struct sip_http_req *rq, const char *name,
			const char *value);

#endif
