/*
 * dialplan_test.c - the daemon's dial plan without sockets: a struct sipd
 * with a transaction stack whose send hook records the OPTIONS probes
 * (gwprobe.c), a virtual clock, and responses fed back through the stack.
 * Probe timing, what counts as alive (404 yes; 503, 408 and Timer F no),
 * host names looked up on the loop before each probe,
 * down/up transitions with their log lines and counters, the plan swap
 * of a reload keeping gateway health, a reload that runs out of memory
 * keeping the running plan, and the caller classes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/route.h"
#include "sip/timer.h"
#include "sip/transport.h"
#include "sip/txn.h"

#include "config.h"
#include "dialplan.h"
#include "sipd.h"

#define SENT_MAX 64

struct fixture {
	struct sipd sd;
	struct sipd_listener lsn;
	char *sent[SENT_MAX];     /* the probes, in order */
	struct sip_txn_dest dst[SENT_MAX];
	int nsent;
	uint64_t base;            /* the loop's time at setup: time 0 */
	uint64_t now;
};

static int send_h(void *arg, const struct sip_txn_dest *dst,
		  const char *bytes, size_t len)
{
	struct fixture *f = arg;
	char *s;

	assert_true(f->nsent < SENT_MAX);
	f->dst[f->nsent] = *dst;
	s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, bytes, len);
	s[len] = '\0';
	f->sent[f->nsent++] = s;
	return 0;
}

static void request_h(struct sip_txn *st, struct sip_msg *req, void *arg)
{
	(void)st;
	(void)req;
	(void)arg;
}

static const char config_text[] =
	"server: { domains: [ d.test ] }\n"
	"users:\n"
	"  - { name: alice, password: x, class: intl }\n"
	"  - { name: bob, password: y }\n"
	"dialplan:\n"
	"  rules:\n"
	"    - name: out\n"
	"      match: { prefix: '0' }\n"
	"      destination: { group: pstn }\n"
	"      classes: [ intl ]\n"
	"  gateways:\n"
	"    - name: pstn\n"
	"      members:\n"
	"        - { uri: 'sip:192.0.2.1:5080', priority: 1 }\n"
	"        - { uri: 'sip:192.0.2.2', priority: 2 }\n"
	"        - { uri: 'sip:localhost:5090', priority: 3 }\n"
	"        - { uri: 'sip:192.0.2.4;transport=tcp', priority: 4 }\n"
	"  health: { interval_ms: 1000, down_interval_ms: 500, "
	"failures: 2, successes: 2 }\n";

static struct sipd_config *config(const char *text)
{
	struct sipd_config *cfg = NULL;
	char err[256] = "";
	int e = sipd_config_parse(&cfg, "t.yaml", text, strlen(text), err,
				  sizeof(err));

	if (e)
		print_error("%s\n", err);
	assert_int_equal(e, 0);
	return cfg;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sip_txn_config tc = {
		.t1 = 50, .t2 = 500, .t4 = 500,
		.send = send_h, .request_h = request_h,
	};
	struct sipd_config_log lc = { SIPD_LOG_DEBUG, SIPD_LOG_TEXT };

	assert_non_null(f);
	/* host name lookups run on it; the timer set starts at its time,
	 * so that sipd_clock_sync() after a lookup moves the virtual clock
	 * by the few real milliseconds the lookup took, or not at all */
	assert_int_equal(uv_loop_init(&f->sd.loop), 0);
	f->base = uv_now(&f->sd.loop);
	f->now = f->base;
	f->sd.cfg = config(config_text);
	sipd_log_init(&f->sd.log, tmpfile(), &lc);
	assert_non_null(f->sd.log.f);
	assert_int_equal(sip_timers_alloc(&f->sd.clock.ts, f->base), 0);
	tc.timers = f->sd.clock.ts;
	tc.send_arg = f;
	assert_int_equal(sip_txn_stack_alloc(&f->sd.txn, &tc), 0);
	f->lsn.kind = SIP_TP_UDP;
	assert_int_equal(sip_tp_addr_ip(&f->lsn.addr, sip_pl_str("127.0.0.1"),
					5070), 0);
	f->sd.lsn = &f->lsn;
	f->sd.nlsn = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sipd_dialplan_stop(&f->sd);
	/* lookups still running end here, their probes freed */
	uv_run(&f->sd.loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->sd.loop), 0);
	sip_mem_deref(f->sd.txn);
	sip_mem_deref(f->sd.clock.ts);
	sipd_config_free(f->sd.cfg);
	fclose(f->sd.log.f);
	for (int i = 0; i < f->nsent; i++)
		free(f->sent[i]);
	free(f);
	return 0;
}

/* Move the virtual clock to @p t ms after setup. */
static void run_to(struct fixture *f, uint64_t t)
{
	f->now = f->base + t;
	sip_timers_run(f->sd.clock.ts, f->now);
}

/* The header line @p name of @p req, CRLF included, appended to @p out. */
static void copy_hdr(const char *req, const char *name, char *out, size_t n)
{
	char key[32];
	const char *p, *e;

	snprintf(key, sizeof(key), "\r\n%s:", name);
	p = strstr(req, key);
	assert_non_null(p);
	p += 2;
	e = strstr(p, "\r\n");
	assert_non_null(e);
	assert_true(strlen(out) + (size_t)(e - p) + 3 < n);
	strncat(out, p, (size_t)(e - p) + 2);
}

/* Answer probe @p i with @p code through the transaction layer. */
static void answer(struct fixture *f, int i, unsigned code)
{
	char text[2048];
	struct sip_msg *m = NULL;
	struct sip_txn_dest src = { 0 };

	assert_true(i < f->nsent);
	snprintf(text, sizeof(text), "SIP/2.0 %u Whatever\r\n", code);
	copy_hdr(f->sent[i], "Via", text, sizeof(text));
	copy_hdr(f->sent[i], "From", text, sizeof(text));
	copy_hdr(f->sent[i], "Call-ID", text, sizeof(text));
	copy_hdr(f->sent[i], "CSeq", text, sizeof(text));
	copy_hdr(f->sent[i], "To", text, sizeof(text));
	strncat(text, "Content-Length: 0\r\n\r\n", sizeof(text) - strlen(text) - 1);
	assert_int_equal(sip_msg_decode(&m, text, strlen(text), NULL, 0, NULL), 0);
	assert_int_equal(sip_msg_check(m), 0);
	assert_int_equal(sip_txn_stack_recv(f->sd.txn, m, &src), 0);
	sip_timers_run(f->sd.clock.ts, f->now);
}

static struct sip_route_gw *gw(struct fixture *f, size_t i)
{
	struct sip_route_group *g =
		sip_route_plan_group(sipd_dialplan_get(&f->sd), "pstn");

	assert_non_null(g);
	return sip_route_group_gw(g, i);
}

/* The probe sent last to @p uri, or -1. */
static int last_to(const struct fixture *f, const char *uri)
{
	char line[128];

	snprintf(line, sizeof(line), "OPTIONS %s SIP/2.0\r\n", uri);
	for (int i = f->nsent - 1; i >= 0; i--)
		if (!strncmp(f->sent[i], line, strlen(line)))
			return i;
	return -1;
}

static int count_to(const struct fixture *f, const char *uri)
{
	char line[128];
	int n = 0;

	snprintf(line, sizeof(line), "OPTIONS %s SIP/2.0\r\n", uri);
	for (int i = 0; i < f->nsent; i++)
		n += !strncmp(f->sent[i], line, strlen(line));
	return n;
}

static char *log_text(struct fixture *f)
{
	static char buf[16384];
	size_t n;

	fflush(f->sd.log.f);
	rewind(f->sd.log.f);
	n = fread(buf, 1, sizeof(buf) - 1, f->sd.log.f);
	buf[n] = '\0';
	fseek(f->sd.log.f, 0, SEEK_END);
	return buf;
}

static const char GW1[] = "sip:192.0.2.1:5080";
static const char GW2[] = "sip:192.0.2.2";

static void test_probes(void **state)
{
	struct fixture *f = *state;
	const char *req;
	int i;

	assert_int_equal(sipd_dialplan_start(&f->sd), 0);
	assert_non_null(sipd_dialplan_get(&f->sd));
	run_to(f, 0);
	/* both IP gateways probed at once (the host name is being looked
	 * up: the loop has not run); not the TCP one (no TCP listener) */
	assert_int_equal(f->nsent, 2);
	assert_non_null(strstr(log_text(f), "warning gateway not probed, kept "
				"up group=pstn gateway=\"sip:192.0.2.4;transport="
				"tcp\" reason=\"no listener of its transport"));
	i = last_to(f, GW1);
	assert_true(i >= 0);
	req = f->sent[i];
	assert_non_null(strstr(req, "\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;"
			       "branch=z9hG4bK"));
	assert_non_null(strstr(req, "\r\nTo: <sip:192.0.2.1:5080>\r\n"));
	assert_non_null(strstr(req, "\r\nFrom: <sip:sipd@127.0.0.1:5070>;tag="));
	assert_non_null(strstr(req, "\r\nMax-Forwards: 70\r\n"));
	assert_non_null(strstr(req, " OPTIONS\r\n"));

	/* 404 is alive: no failure; the next probe 1000 ms later */
	answer(f, last_to(f, GW1), 404);
	answer(f, last_to(f, GW2), 503);
	assert_int_equal(f->sd.dialplan.stats.probe_failures, 1);
	run_to(f, 999);
	assert_int_equal(count_to(f, GW1), 1);
	run_to(f, 1000);
	assert_int_equal(count_to(f, GW1), 2);
	assert_int_equal(count_to(f, GW2), 2);
	/* a second 503: GW2 goes down (2 failures) */
	answer(f, last_to(f, GW2), 503);
	assert_false(sip_route_gw_is_up(gw(f, 1)));
	assert_true(sip_route_gw_is_up(gw(f, 0)));
	assert_int_equal(f->sd.dialplan.stats.gw_down, 1);
	assert_non_null(strstr(log_text(f), "warning gateway down group=pstn "
			       "gateway=sip:192.0.2.2 failures=2 last=503"));
	/* down: probed every 500 ms; two 200s bring it up */
	run_to(f, 1500);
	assert_int_equal(count_to(f, GW2), 3);
	answer(f, last_to(f, GW2), 200);
	assert_false(sip_route_gw_is_up(gw(f, 1)));
	run_to(f, 2000);
	assert_int_equal(count_to(f, GW2), 4);
	answer(f, last_to(f, GW2), 200);
	assert_true(sip_route_gw_is_up(gw(f, 1)));
	assert_int_equal(f->sd.dialplan.stats.gw_up, 1);
	assert_non_null(strstr(log_text(f), "notice gateway up group=pstn "
			       "gateway=sip:192.0.2.2 successes=2 last=200"));
}

static void test_timeouts(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sipd_dialplan_start(&f->sd), 0);
	run_to(f, 0);
	assert_int_equal(count_to(f, GW1), 1);
	/* no answer: retransmitted (Timer E), no new probe while in flight */
	run_to(f, 3000);
	assert_int_equal(f->sd.dialplan.stats.probes, 2);
	assert_true(count_to(f, GW1) > 1);
	assert_int_equal(f->sd.dialplan.stats.probe_failures, 0);
	/* Timer F = 64 * T1 = 3200 ms: a failure; one more -> down */
	run_to(f, 3200);
	assert_int_equal(f->sd.dialplan.stats.probe_failures, 2);
	assert_true(sip_route_gw_is_up(gw(f, 0)));
	run_to(f, 4200);
	assert_int_equal(f->sd.dialplan.stats.probes, 4);
	run_to(f, 7400);
	assert_false(sip_route_gw_is_up(gw(f, 0)));
	assert_false(sip_route_gw_is_up(gw(f, 1)));
	assert_non_null(strstr(log_text(f), "warning gateway down group=pstn "
			       "gateway=sip:192.0.2.1:5080 failures=2 "
			       "last=timeout"));
	/* a 408 is a failure too, even on a late retransmission's answer */
	run_to(f, 7900);
	answer(f, last_to(f, GW1), 408);
	assert_int_equal(f->sd.dialplan.stats.probe_failures, 5);
}

static void test_reload(void **state)
{
	struct fixture *f = *state;
	struct sip_route_plan *p0;
	struct sipd_config *nc;

	assert_int_equal(sipd_dialplan_start(&f->sd), 0);
	run_to(f, 0);
	answer(f, last_to(f, GW2), 503);
	run_to(f, 1000);
	answer(f, last_to(f, GW2), 503);
	assert_false(sip_route_gw_is_up(gw(f, 1)));
	p0 = sip_mem_ref(sipd_dialplan_get(&f->sd));

	/* a changed rule, same gateways: new plan, GW2 still down */
	nc = config(config_text);
	free(nc->dialplan.rules[0].name);
	nc->dialplan.rules[0].name = strdup("renamed");
	assert_true(sipd_dialplan_reload(&f->sd, nc));
	assert_ptr_not_equal(sipd_dialplan_get(&f->sd), p0);
	assert_false(sip_route_gw_is_up(gw(f, 1)));
	assert_true(sip_route_gw_is_up(gw(f, 0)));
	/* the old plan lives on while a call holds it */
	assert_non_null(sip_route_plan_group(p0, "pstn"));
	p0 = sip_mem_deref(p0);
	assert_int_equal(f->sd.dialplan.stats.reloads, 1);
	assert_non_null(strstr(log_text(f), "info dial plan reloaded rules=1 "
			       "gateway_groups=1 probes=on"));
	/* the same plan again: unchanged */
	assert_false(sipd_dialplan_reload(&f->sd, nc));
	/* only a redirect code or a probe interval: changed too */
	nc->dialplan.health.interval_ms = 2000;
	assert_true(sipd_dialplan_reload(&f->sd, nc));
	assert_int_equal(sip_route_gw_health(gw(f, 0))->conf.interval_ms, 2000);
	nc->dialplan.health.interval_ms = 1000;
	free(nc->dialplan.rules[0].destination.group);
	nc->dialplan.rules[0].destination.group = NULL;
	nc->dialplan.rules[0].destination.redirect = strdup("sip:x.test");
	nc->dialplan.rules[0].destination.code = 302;
	assert_true(sipd_dialplan_reload(&f->sd, nc));
	nc->dialplan.rules[0].destination.code = 301;
	assert_true(sipd_dialplan_reload(&f->sd, nc));
	assert_false(sip_route_gw_is_up(gw(f, 1)));

	/* out of memory while building: the running plan stays */
	p0 = sipd_dialplan_get(&f->sd);
	sip_mem_fail_after(0);
	assert_false(sipd_dialplan_reload(&f->sd, nc));
	sip_mem_fail_after(-1);
	assert_ptr_equal(sipd_dialplan_get(&f->sd), p0);
	assert_non_null(strstr(log_text(f), "error dial plan not reloaded, "
			       "running plan kept"));
	/* the sections were swapped: nc carries sd->cfg's (here the
	 * fixture's, rule "out"), and the refused one goes with sd->cfg */
	assert_string_equal(nc->dialplan.rules[0].name, "out");
	assert_string_equal(f->sd.cfg->dialplan.rules[0].name, "renamed");
	assert_int_equal(f->sd.cfg->dialplan.rules[0].destination.code, 301);
	sipd_config_free(nc);

	/* no rules any more: no plan, no probes */
	nc = config("log: { level: info }\n");
	assert_true(sipd_dialplan_reload(&f->sd, nc));
	assert_null(sipd_dialplan_get(&f->sd));
	assert_null(f->sd.dialplan.probe);
	sipd_config_free(nc);
}

static void test_caller_class(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(sipd_dialplan_caller_class(&f->sd, "alice"), "intl");
	assert_null(sipd_dialplan_caller_class(&f->sd, "bob"));
	assert_null(sipd_dialplan_caller_class(&f->sd, "nobody"));
	assert_null(sipd_dialplan_caller_class(&f->sd, NULL));
	/* no plan before start */
	assert_null(sipd_dialplan_get(&f->sd));
}

/* A listener on 0.0.0.0: Via and From name the address the kernel sends
 * from towards the gateway, with the listener's port. */
static void test_wildcard_listener(void **state)
{
	struct fixture *f = *state;
	struct sipd_config *nc = config(
		"dialplan:\n"
		"  rules: [ { name: o, destination: { group: g } } ]\n"
		"  gateways:\n"
		"    - { name: g, members: [ { uri: 'sip:127.0.0.1:5099' } ] }\n");

	sipd_config_free(f->sd.cfg);
	f->sd.cfg = nc;
	assert_int_equal(sip_tp_addr_ip(&f->lsn.addr, sip_pl_str("0.0.0.0"),
					5070), 0);
	assert_int_equal(sipd_dialplan_start(&f->sd), 0);
	run_to(f, 0);
	assert_int_equal(f->nsent, 1);
	assert_non_null(strstr(f->sent[0], "\r\nVia: SIP/2.0/UDP "
			       "127.0.0.1:5070;branch="));
	assert_non_null(strstr(f->sent[0], "\r\nFrom: <sip:sipd@127.0.0.1:"
			       "5070>;tag="));
}

/* A host name is looked up before the probe, which goes to the first
 * address of a family we listen on (here IPv4 only). Alone in its plan:
 * the lookup's real time moves the clock a little. */
static void test_host_name(void **state)
{
	struct fixture *f = *state;
	const struct sockaddr_in *sin;
	int i;

	sipd_config_free(f->sd.cfg);
	f->sd.cfg = config(
		"dialplan:\n"
		"  rules: [ { name: o, destination: { group: g } } ]\n"
		"  gateways:\n"
		"    - { name: g, members: [ { uri: 'sip:localhost:5090' } ] }\n"
		"  health: { interval_ms: 1000 }\n");
	assert_int_equal(sipd_dialplan_start(&f->sd), 0);
	run_to(f, 0);
	assert_int_equal(count_to(f, "sip:localhost:5090"), 0);
	uv_run(&f->sd.loop, UV_RUN_DEFAULT);
	i = last_to(f, "sip:localhost:5090");
	assert_true(i >= 0);
	sin = (const struct sockaddr_in *)&f->dst[i].addr;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 5090);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	assert_non_null(strstr(f->sent[i], "\r\nTo: <sip:localhost:5090>\r\n"));
	answer(f, i, 200);
	assert_int_equal(f->sd.dialplan.stats.probe_failures, 0);
	/* the next one 1000 ms later (give or take the lookup), looked
	 * up again */
	run_to(f, 900);
	assert_int_equal(count_to(f, "sip:localhost:5090"), 1);
	run_to(f, 1200);
	assert_int_equal(count_to(f, "sip:localhost:5090"), 1);
	uv_run(&f->sd.loop, UV_RUN_DEFAULT);
	assert_int_equal(count_to(f, "sip:localhost:5090"), 2);
}

static void test_health_disabled(void **state)
{
	struct fixture *f = *state;
	struct sipd_config *nc = config(config_text);

	nc->dialplan.health.enabled = false;
	sipd_config_free(f->sd.cfg);
	f->sd.cfg = nc;
	assert_int_equal(sipd_dialplan_start(&f->sd), 0);
	assert_non_null(sipd_dialplan_get(&f->sd));
	assert_null(f->sd.dialplan.probe);
	run_to(f, 10000);
	assert_int_equal(f->nsent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caller_class, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_host_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wildcard_listener, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_health_disabled, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
