/*
 * httpc.h - the small HTTP/1.1 client sipctl talks to sipd's API with
 * (RFC 9112 message syntax, RFC 9110 semantics; RFC 6750 bearer token).
 *
 * One request per connection ("Connection: close"), plain http:// only:
 * the API listens on loopback by default (API.md), so TLS, redirects,
 * proxies, cookies and keep-alive are out of scope. A response body is
 * read with Content-Length, chunked transfer coding, or up to the close.
 * Written over a socket instead of adding libcurl: these few hundred
 * lines are all the API needs, and sipd's package list stays as it is.
 */
#ifndef SIPCTL_HTTP_H
#define SIPCTL_HTTP_H

#include <stddef.h>

enum {
	SIPCTL_HTTP_MAX_BODY = 64 * 1024 * 1024, /* larger answers refused */
	SIPCTL_HTTP_TIMEOUT_MS = 10000,          /* connect, and each read */
};

/** Where the API is: "http://HOST[:PORT][/PREFIX]". */
struct sipctl_url {
	char host[256];     /* name or address, IPv6 without brackets */
	char port[8];       /* "80" when not given */
	char prefix[256];   /* path before /api/..., without trailing '/' */
	char hosthdr[280];  /* the Host header value */
};

/**
 * Parse @p s into @p u. Returns 0, or EINVAL with @p *why saying what is
 * wrong (not http://, bad port, too long).
 */
int sipctl_url_parse(const char *s, struct sipctl_url *u, const char **why);

struct sipctl_http_resp {
	int status;          /* e.g. 200 */
	char reason[64];
	char ctype[128];     /* Content-Type, "" when absent */
	char *body;          /* malloc'd, NUL-terminated (may hold NULs) */
	size_t len;
};

/** A request: method, path (with query, already encoded), optional body. */
struct sipctl_http_req {
	const char *method;
	const char *path;
	const char *token;   /* bearer token, or NULL */
	const char *ctype;   /* of the body; NULL when no body */
	const char *body;
	size_t len;
};

/**
 * Send @p q to @p u and read the whole response into @p r (free with
 * sipctl_http_resp_free()). Returns 0 for any HTTP status; ECONNREFUSED,
 * ETIMEDOUT, EHOSTUNREACH, ... when no connection could be made or the
 * peer stopped answering; EPROTO when the answer is not HTTP; E2BIG over
 * SIPCTL_HTTP_MAX_BODY; ENOMEM. @p err (size @p errsize) gets a
 * sentence on failure.
 */
int sipctl_http(const struct sipctl_url *u, const struct sipctl_http_req *q,
		struct sipctl_http_resp *r, char *err, size_t errsize);

/**
 * Parse a whole response @p buf / @p len, as read until the server
 * closed (status line, headers, then the body by Content-Length, chunked
 * coding, or the rest). Returns 0 and fills @p r, EPROTO, or ENOMEM.
 */
int sipctl_http_parse(const char *buf, size_t len, struct sipctl_http_resp *r);

/** Free the body of @p r (NULL body allowed). */
void sipctl_http_resp_free(struct sipctl_http_resp *r);

/**
 * Append @p s to @p out (size @p size, NUL-terminated) percent-encoded
 * for a path segment or a query value (RFC 3986 §2.1: everything but
 * unreserved characters). Returns 0 or E2BIG (out is then cut).
 */
int sipctl_url_encode(char *out, size_t size, const char *s);

#endif
