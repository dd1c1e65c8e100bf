/*
 * http_server_test.c - the HTTP server on a libuv loop over a real
 * loopback socket (the client is a thread doing blocking I/O): an answer
 * given at once, one given later (the connection suspended, then
 * resumed), a JSON answer that could not be built (500, not a hang),
 * bearer token 401 with WWW-Authenticate and 200, the network
 * rule's 403, a body over the limit (413), a POST body handed over, and
 * stopping with a request still unanswered (its late answer dropped with
 * ECANCELED, nothing leaked).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "sip/http.h"
#include "sip/mem.h"

struct srv {
	uv_loop_t loop;
	struct sip_http *h;
	uv_async_t done;
	uv_timer_t later;
	struct sip_http_req *held;      /* referenced */
	bool client_done;
	bool handled;
	uint16_t port;
	/* the client's side */
	const char *source;             /* address to connect from */
	char request[512];
	char response[4096];
};

static void on_later(uv_timer_t *t)
{
	struct srv *s = t->data;

	assert_int_equal(sip_http_reply(s->held, 202, "text/plain", "late", 4), 0);
	s->held = sip_mem_deref(s->held);
}

static void handler(void *arg, struct sip_http_req *rq)
{
	struct srv *s = arg;
	const char *path = sip_http_path(rq);
	size_t len;
	const char *body = sip_http_body(rq, &len);

	s->handled = true;
	if (!strcmp(path, "/sync")) {
		sip_http_add_header(rq, "X-Test", "1");
		assert_int_equal(sip_http_reply(rq, 200, "text/plain", "hello", 5), 0);
		assert_int_equal(sip_http_reply(rq, 200, NULL, "", 0), EALREADY);
	} else if (!strcmp(path, "/later")) {
		s->held = sip_mem_ref(rq);
		uv_timer_start(&s->later, on_later, 30, 0);
	} else if (!strcmp(path, "/hold")) {
		s->held = sip_mem_ref(rq);
	} else if (!strcmp(path, "/nulljson")) {
		/* a failed json_pack() still answers */
		assert_int_equal(sip_http_reply_json(rq, 200, NULL), ENOMEM);
	} else if (!strcmp(path, "/echo")) {
		assert_string_equal(sip_http_method(rq), "POST");
		assert_string_equal(sip_http_query(rq, "a"), "b c");
		sip_http_reply(rq, 200, "text/plain", body, len);
	} else {
		sip_http_reply_error(rq, 404, "nope");
	}
}

static void on_done(uv_async_t *a)
{
	((struct srv *)a->data)->client_done = true;
}

/* The client: one request, read until the server closes. */
static void *client(void *arg)
{
	struct srv *s = arg;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(s->port) };
	struct sockaddr_in src = { .sin_family = AF_INET };
	size_t got = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	inet_pton(AF_INET, s->source ? s->source : "127.0.0.1", &src.sin_addr);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&src, sizeof(src)) &&
	    !connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		(void)!write(fd, s->request, strlen(s->request));
		while (got < sizeof(s->response) - 1 &&
		       (n = read(fd, s->response + got, sizeof(s->response) - 1 - got)) > 0)
			got += (size_t)n;
	}
	s->response[got] = '\0';
	if (fd >= 0)
		close(fd);
	uv_async_send(&s->done);
	return NULL;
}

static void start(struct srv *s, const struct sip_http_conf *extra)
{
	struct sip_http_conf c = { .address = "127.0.0.1", .port = 0 };

	if (extra)
		c = *extra;
	c.handler = handler;
	c.arg = s;
	memset(s, 0, sizeof(*s));
	assert_int_equal(uv_loop_init(&s->loop), 0);
	uv_async_init(&s->loop, &s->done, on_done);
	s->done.data = s;
	uv_timer_init(&s->loop, &s->later);
	s->later.data = s;
	assert_int_equal(sip_http_start(&s->h, &s->loop, &c), 0);
	s->port = sip_http_port(s->h);
	assert_true(s->port > 0);
}

static const char *ask(struct srv *s, const char *req)
{
	pthread_t th;

	snprintf(s->request, sizeof(s->request), "%s", req);
	s->client_done = false;
	assert_int_equal(pthread_create(&th, NULL, client, s), 0);
	while (!s->client_done)
		uv_run(&s->loop, UV_RUN_ONCE);
	pthread_join(th, NULL);
	return s->response;
}

static void finish(struct srv *s)
{
	sip_http_stop(s->h);
	uv_close((uv_handle_t *)&s->done, NULL);
	uv_close((uv_handle_t *)&s->later, NULL);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&s->loop), 0);
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

static void test_now_and_later(void **state)
{
	long live = sip_mem_live();
	struct srv s;
	const char *r;

	start(&s, NULL);
	r = ask(&s, GET("/sync"));
	assert_non_null(strstr(r, "HTTP/1.1 200"));
	assert_non_null(strstr(r, "X-Test: 1\r\n"));
	assert_non_null(strstr(r, "Cache-Control: no-store\r\n"));
	assert_non_null(strstr(r, "\r\n\r\nhello"));
	r = ask(&s, GET("/later"));
	assert_non_null(strstr(r, "HTTP/1.1 202"));
	assert_non_null(strstr(r, "\r\n\r\nlate"));
	r = ask(&s, GET("/nulljson"));
	assert_non_null(strstr(r, "HTTP/1.1 500"));
	assert_non_null(strstr(r, "{\"error\":\"out of memory\"}"));
	r = ask(&s, GET("/nothing"));
	assert_non_null(strstr(r, "HTTP/1.1 404"));
	assert_non_null(strstr(r, "{\"error\":\"nope\"}"));
	r = ask(&s, "POST /echo?a=b%20c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		    "Content-Length: 7\r\n\r\n{\"x\":1}");
	assert_non_null(strstr(r, "\r\n\r\n{\"x\":1}"));
	assert_int_equal(sip_http_stats(s.h)->requests, 5);
	finish(&s);
	assert_int_equal(sip_mem_live(), live);
}

static void test_token(void **state)
{
	static const char *const open_paths[] = { "/sync", NULL };
	struct sip_http_conf c = { .address = "127.0.0.1", .token = "sesame",
				   .public_paths = open_paths };
	struct srv s;
	const char *r;

	start(&s, &c);
	r = ask(&s, GET("/later"));
	assert_non_null(strstr(r, "HTTP/1.1 401"));
	assert_non_null(strstr(r, "WWW-Authenticate: Bearer"));
	assert_false(s.handled);
	r = ask(&s, "GET /later HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sesame\r\n"
		    "Connection: close\r\n\r\n");
	assert_non_null(strstr(r, "HTTP/1.1 202"));
	/* a public path: GET without the token, not POST */
	r = ask(&s, GET("/sync"));
	assert_non_null(strstr(r, "HTTP/1.1 200"));
	r = ask(&s, "POST /sync HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		    "Content-Length: 0\r\n\r\n");
	assert_non_null(strstr(r, "HTTP/1.1 401"));
	assert_int_equal(sip_http_stats(s.h)->unauthorized, 2);
	finish(&s);
}

static void test_network_rule_and_limit(void **state)
{
	struct sip_http_net net;
	struct sip_http_conf c = { .address = "127.0.0.1", .allow = &net,
				   .nallow = 1, .max_body = 16 };
	struct srv s;
	const char *r;

	assert_int_equal(sip_http_net_parse(&net, "127.0.0.2/32"), 0);
	start(&s, &c);
	r = ask(&s, GET("/sync"));
	assert_non_null(strstr(r, "HTTP/1.1 403"));
	assert_false(s.handled);
	s.source = "127.0.0.2";
	r = ask(&s, GET("/sync"));
	assert_non_null(strstr(r, "HTTP/1.1 200"));
	r = ask(&s, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		    "Content-Length: 20\r\n\r\n01234567890123456789");
	assert_non_null(strstr(r, "HTTP/1.1 413"));
	finish(&s);
}

static void test_stop_with_pending(void **state)
{
	long live = sip_mem_live();
	struct srv s;
	pthread_t th;

	start(&s, NULL);
	snprintf(s.request, sizeof(s.request), GET("/hold"));
	assert_int_equal(pthread_create(&th, NULL, client, &s), 0);
	while (!s.held)
		uv_run(&s.loop, UV_RUN_ONCE);
	/* the request waits (suspended); stopping closes its connection */
	sip_http_stop(s.h);
	while (!s.client_done)
		uv_run(&s.loop, UV_RUN_ONCE);
	pthread_join(th, NULL);
	assert_string_equal(s.response, "");
	assert_int_equal(sip_http_reply(s.held, 200, NULL, "x", 1), ECANCELED);
	s.held = sip_mem_deref(s.held);
	s.h = NULL;
	finish(&s);
	assert_int_equal(sip_mem_live(), live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now_and_later),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_network_rule_and_limit),
		cmocka_unit_test(test_stop_with_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
