/*
 * httpc.c - a minimal HTTP/1.1 client for sipd's API (see httpc.h):
 * RFC 9112 §3-§7 (request line, header fields, Content-Length, chunked
 * transfer coding), RFC 3986 (http URLs, percent-encoding).
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "httpc.h"

/* ---- URL ---------------------------------------------------------------- */

static int url_port(const char *p, size_t n, struct sipctl_url *u)
{
	unsigned long v = 0;

	if (!n || n > 5)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return EINVAL;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (!v || v > 65535)
		return EINVAL;
	snprintf(u->port, sizeof(u->port), "%lu", v);
	return 0;
}

static int url_host(const char *p, size_t n, struct sipctl_url *u)
{
	if (!n || n >= sizeof(u->host))
		return EINVAL;
	memcpy(u->host, p, n);
	u->host[n] = '\0';
	return 0;
}

/* authority = host [":" port], host an IPv6 literal in brackets. */
static int url_authority(const char *a, size_t n, struct sipctl_url *u,
			 const char **why)
{
	const char *colon;

	strcpy(u->port, "80");
	if (n && a[0] == '[') {
		const char *rb = memchr(a, ']', n);

		if (!rb || url_host(a + 1, (size_t)(rb - a - 1), u)) {
			*why = "bad IPv6 address (write it as [::1])";
			return EINVAL;
		}
		colon = rb + 1 < a + n ? rb + 1 : NULL;
		if (colon && *colon != ':') {
			*why = "junk after the IPv6 address";
			return EINVAL;
		}
	} else {
		colon = memchr(a, ':', n);
		if (url_host(a, colon ? (size_t)(colon - a) : n, u)) {
			*why = "no host, or a host name too long";
			return EINVAL;
		}
	}
	if (colon && url_port(colon + 1, (size_t)(a + n - colon - 1), u)) {
		*why = "bad port (1-65535)";
		return EINVAL;
	}
	if (n >= sizeof(u->hosthdr)) {
		*why = "host too long";
		return EINVAL;
	}
	memcpy(u->hosthdr, a, n);
	u->hosthdr[n] = '\0';
	return 0;
}

int sipctl_url_parse(const char *s, struct sipctl_url *u, const char **why)
{
	const char *a, *slash;
	size_t plen;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(s, "http://", 7)) {
		*why = strncasecmp(s, "https://", 8) ?
		       "the URL must start with http://" :
		       "https is not supported (the API is plain HTTP on loopback)";
		return EINVAL;
	}
	a = s + 7;
	slash = strchr(a, '/');
	if (url_authority(a, slash ? (size_t)(slash - a) : strlen(a), u, why))
		return EINVAL;
	if (!slash)
		return 0;
	plen = strlen(slash);
	while (plen && slash[plen - 1] == '/')
		plen--;
	if (plen >= sizeof(u->prefix) || memchr(slash, '?', plen) ||
	    memchr(slash, '#', plen)) {
		*why = "the URL path must be a plain prefix (no query)";
		return EINVAL;
	}
	memcpy(u->prefix, slash, plen);
	u->prefix[plen] = '\0';
	return 0;
}

int sipctl_url_encode(char *out, size_t size, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t at = strlen(out);

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = isalnum(c) || c == '-' || c == '.' || c == '_' ||
			     c == '~';

		if (at + (plain ? 1 : 3) >= size)
			return E2BIG;
		if (plain) {
			out[at++] = (char)c;
		} else {
			out[at++] = '%';
			out[at++] = hex[c >> 4];
			out[at++] = hex[c & 15];
		}
	}
	out[at] = '\0';
	return 0;
}

/* ---- response parsing -------------------------------------------------- */

/* The header field @p name in the header block [p, end), trimmed. */
static bool header(const char *p, const char *end, const char *name,
		   const char **v, size_t *vlen)
{
	size_t n = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > n && p[n] == ':' &&
		    !strncasecmp(p, name, n)) {
			const char *a = p + n + 1, *b = eol;

			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == '\r' || b[-1] == ' ' || b[-1] == '\t'))
				b--;
			*v = a;
			*vlen = (size_t)(b - a);
			return true;
		}
		p = eol + 1;
	}
	return false;
}

/* Decode a chunked body [p, end) into r->body (RFC 9112 §7.1). */
static int dechunk(const char *p, const char *end, struct sipctl_http_resp *r)
{
	char *out = malloc((size_t)(end - p) + 1);
	size_t len = 0;

	if (!out)
		return ENOMEM;
	for (;;) {
		char *stop;
		unsigned long n = strtoul(p, &stop, 16);
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (stop == p || !eol || n > (unsigned long)(end - eol - 1)) {
			free(out);
			return EPROTO;
		}
		p = eol + 1;
		if (!n)
			break;       /* trailer fields, if any, are ignored */
		memcpy(out + len, p, n);
		len += n;
		p += n;
		if (p < end && *p == '\r')
			p++;
		if (p >= end || *p != '\n') {
			free(out);
			return EPROTO;
		}
		p++;
	}
	out[len] = '\0';
	r->body = out;
	r->len = len;
	return 0;
}

static int parse_status(const char *buf, const char *eol,
			struct sipctl_http_resp *r)
{
	const char *p = buf + 9, *e = eol;

	if (eol - buf < 12 || strncmp(buf, "HTTP/1.", 7) || buf[8] != ' ' ||
	    !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]))
		return EPROTO;
	r->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	p += 3;
	while (p < e && *p == ' ')
		p++;
	while (e > p && e[-1] == '\r')
		e--;
	snprintf(r->reason, sizeof(r->reason), "%.*s", (int)(e - p), p);
	return 0;
}

int sipctl_http_parse(const char *buf, size_t len, struct sipctl_http_resp *r)
{
	const char *end = buf + len, *eol, *hend, *body, *v;
	size_t vlen, blen;
	int err;

	memset(r, 0, sizeof(*r));
	eol = memchr(buf, '\n', len);
	hend = memmem(buf, len, "\r\n\r\n", 4);
	if (!eol || !hend)
		return EPROTO;
	err = parse_status(buf, eol, r);
	if (err)
		return err;
	body = hend + 4;
	if (header(eol + 1, hend + 2, "Content-Type", &v, &vlen))
		snprintf(r->ctype, sizeof(r->ctype), "%.*s", (int)vlen, v);
	if (header(eol + 1, hend + 2, "Transfer-Encoding", &v, &vlen) &&
	    vlen >= 7 && !strncasecmp(v + vlen - 7, "chunked", 7))
		return dechunk(body, end, r);
	blen = (size_t)(end - body);
	if (header(eol + 1, hend + 2, "Content-Length", &v, &vlen)) {
		char num[24];
		char *stop;
		unsigned long long cl;

		snprintf(num, sizeof(num), "%.*s", (int)vlen, v);
		cl = strtoull(num, &stop, 10);
		if (!vlen || *stop || cl > blen)
			return EPROTO;  /* cut short: the server closed early */
		blen = (size_t)cl;
	}
	r->body = malloc(blen + 1);
	if (!r->body)
		return ENOMEM;
	memcpy(r->body, body, blen);
	r->body[blen] = '\0';
	r->len = blen;
	return 0;
}

void sipctl_http_resp_free(struct sipctl_http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

/* ---- the connection ------------------------------------------------------ */

/* Wait for @p events on @p fd; 0, or ETIMEDOUT. */
static int wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, SIPCTL_HTTP_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	return n > 0 ? 0 : n == 0 ? ETIMEDOUT : errno;
}

static int connect_one(const struct addrinfo *ai, int *fdp)
{
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return errno;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
		err = errno;
	} else {
		err = wait_fd(fd, POLLOUT);
		if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen))
			err = errno;
	}
	if (err) {
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

static int dial(const struct sipctl_url *u, int *fdp, char *err, size_t errsize)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int rc, e = ECONNREFUSED;

	rc = getaddrinfo(u->host, u->port, &hints, &res);
	if (rc) {
		snprintf(err, errsize, "cannot resolve %s: %s", u->host,
			 gai_strerror(rc));
		return EHOSTUNREACH;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		e = connect_one(ai, fdp);
		if (!e)
			break;
	}
	freeaddrinfo(res);
	if (e)
		snprintf(err, errsize, "cannot connect to http://%s: %s",
			 u->hosthdr, strerror(e));
	return e;
}

static int send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			int e = wait_fd(fd, POLLOUT);

			if (e)
				return e;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* True when @p buf / @p len already holds a whole response (headers and
 * a Content-Length body, or a chunked body up to its last chunk), so a
 * server that keeps the connection open despite "Connection: close" does
 * not make us wait for the timeout. */
static bool complete(const char *buf, size_t len)
{
	const char *hend = memmem(buf, len, "\r\n\r\n", 4), *v;
	size_t vlen, head;
	char num[24];

	if (!hend)
		return false;
	head = (size_t)(hend - buf) + 4;
	if (header(buf, hend + 2, "Transfer-Encoding", &v, &vlen))
		return len >= head + 5 && !memcmp(buf + len - 5, "0\r\n\r\n", 5);
	if (!header(buf, hend + 2, "Content-Length", &v, &vlen))
		return false;
	snprintf(num, sizeof(num), "%.*s", (int)vlen, v);
	return len >= head + strtoull(num, NULL, 10);
}

/* Read until the server closes or the response is whole, into a
 * malloc'd *bufp / *lenp. */
static int recv_all(int fd, char **bufp, size_t *lenp)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap), *nb;
	int e;

	if (!buf)
		return ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			/* the body plus room for the status line and headers */
			size_t max = (size_t)SIPCTL_HTTP_MAX_BODY + 65536;

			if (cap >= max) {
				free(buf);
				return E2BIG;
			}
			cap = cap * 2 < max ? cap * 2 : max;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return ENOMEM;
			}
			buf = nb;
		}
		n = recv(fd, buf + len, cap - len, 0);
		if (n > 0) {
			len += (size_t)n;
			if (complete(buf, len))
				break;
			continue;
		}
		if (!n)
			break;
		if (errno == EINTR)
			continue;
		e = errno == EAGAIN ? wait_fd(fd, POLLIN) : errno;
		if (e) {
			free(buf);
			return e;
		}
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int request_head(char **out, const struct sipctl_url *u,
			const struct sipctl_http_req *q)
{
	char auth[600] = "", ct[200] = "";
	int n;

	if (q->token)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", q->token);
	if (q->ctype)
		snprintf(ct, sizeof(ct), "Content-Type: %s\r\n", q->ctype);
	n = asprintf(out, "%s %s%s HTTP/1.1\r\nHost: %s\r\n"
		     "User-Agent: sipctl\r\nAccept: */*\r\n%s%s"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		     q->method, u->prefix, q->path, u->hosthdr, auth, ct,
		     q->body ? q->len : 0);
	return n < 0 ? ENOMEM : 0;
}

int sipctl_http(const struct sipctl_url *u, const struct sipctl_http_req *q,
		struct sipctl_http_resp *r, char *err, size_t errsize)
{
	char *head = NULL, *buf = NULL;
	size_t len = 0;
	int fd = -1, e;

	memset(r, 0, sizeof(*r));
	e = dial(u, &fd, err, errsize);
	if (e)
		return e;
	e = request_head(&head, u, q);
	if (!e)
		e = send_all(fd, head, strlen(head));
	if (!e && q->body && q->len)
		e = send_all(fd, q->body, q->len);
	if (!e)
		e = recv_all(fd, &buf, &len);
	close(fd);
	free(head);
	if (e) {
		snprintf(err, errsize, "%s %s: %s", q->method, q->path,
			 e == E2BIG ? "answer too large" : strerror(e));
		return e;
	}
	e = sipctl_http_parse(buf, len, r);
	free(buf);
	if (e == EPROTO)
		snprintf(err, errsize, "%s %s: the answer is not HTTP (or cut short)",
			 q->method, q->path);
	else if (e)
		snprintf(err, errsize, "%s", strerror(e));
	return e;
}
