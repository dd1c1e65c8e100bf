/*
 * run.c - start the daemon from its configuration, run the event loop
 * until a signal stops it, and tear everything down.
 *
 * Start-up, in order: the log (stderr), the trace, the clock that drives
 * the library's timers, the transport (limits from the configuration),
 * the transaction stack (T1, T2, T4 from the configuration; its send
 * hook is the transport, the transport's late errors go back to it, its
 * requests to the core), the listeners, the dial plan and its gateway
 * probes, the signal handlers. Any failure is logged and ends the run.
 * Last, the management side (mgmt.h): loop latency probe, HEP export,
 * HTTP API.
 *
 * Signals: SIGTERM and SIGINT begin the graceful stop of drain.h (a
 * second one stops at once); SIGHUP reloads the configuration
 * (reload.h); SIGPIPE is ignored (a peer closing a TCP connection must
 * not kill the daemon: the write reports EPIPE instead).
 *
 * Tear-down releases in dependency order: the transaction stack (its
 * transactions end without events), the connection references the
 * daemon held for them, the transport, the clock; then the loop runs
 * until libuv has closed every handle.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sip/mem.h"
#include "sip/transport.h"
#include "sip/txn.h"

#include "core.h"
#include "dialplan.h"
#include "proxy.h"
#include "drain.h"
#include "mgmt.h"
#include "net.h"
#include "register.h"
#include "reload.h"
#include "sipd.h"
#include "trace.h"

/* Loop runs allowed for libuv to finish closing handles at the end. */
enum { CLOSE_RUNS = 8 };

static void on_signal(uv_signal_t *h, int signum)
{
	struct sipd *sd = h->data;

	switch (signum) {
	case SIGHUP:
		sipd_log(&sd->log, SIPD_LOG_INFO, "reloading", "signal", "SIGHUP",
			 "file", sd->config_path, NULL);
		sipd_reload(sd);
		break;
	case SIGTERM:
		sipd_drain_start(sd, "SIGTERM");
		break;
	default:
		sipd_drain_start(sd, "SIGINT");
		break;
	}
}

static int start_signals(struct sipd *sd)
{
	struct { uv_signal_t *h; int signum; } sigs[] = {
		{ &sd->sigterm, SIGTERM }, { &sd->sigint, SIGINT },
		{ &sd->sighup, SIGHUP },
	};
	int r = 0;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		uv_signal_init(&sd->loop, sigs[i].h);
		sigs[i].h->data = sd;
	}
	uv_timer_init(&sd->loop, &sd->drain_timer);
	sd->drain_timer.data = sd;
	sd->handles_open = true;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]) && !r; i++)
		r = uv_signal_start(sigs[i].h, on_signal, sigs[i].signum);
	return -r;
}

static void close_handles(struct sipd *sd)
{
	if (!sd->handles_open)
		return;
	sd->handles_open = false;
	uv_close((uv_handle_t *)&sd->sigterm, NULL);
	uv_close((uv_handle_t *)&sd->sigint, NULL);
	uv_close((uv_handle_t *)&sd->sighup, NULL);
	uv_close((uv_handle_t *)&sd->drain_timer, NULL);
}

static int start_trace(struct sipd *sd)
{
	int err = sipd_trace_alloc(&sd->trace, sd->cfg->trace.ring_size);

	if (err)
		return err;
	sipd_trace_enable(sd->trace, sd->cfg->trace.enabled);
	sipd_trace_set_output(sd->trace, sd->log.f, sd->log.format);
	return 0;
}

static int start_transport(struct sipd *sd)
{
	const struct sipd_config_limits *lim = &sd->cfg->limits;
	struct sip_tp_conf c = {
		.max_msg = lim->max_message_size,
		.tcp_max_conns = lim->tcp_max_connections,
		.tcp_max_per_ip = lim->tcp_max_per_peer,
		.tcp_idle_ms = (uint64_t)lim->tcp_idle_timeout_s * 1000,
	};
	int err = sip_tp_alloc(&sd->tp, &sd->loop, &c, sipd_net_recv, sd);

	if (!err)
		sip_tp_set_err_handler(sd->tp, sipd_net_tp_error, sd);
	return err;
}

static int start_transactions(struct sipd *sd)
{
	const struct sipd_config_transaction *t = &sd->cfg->transaction;
	struct sip_txn_config c = {
		.timers = sd->clock.ts,
		.t1 = t->t1_ms, .t2 = t->t2_ms, .t4 = t->t4_ms,
		.send = sipd_net_send_hook, .send_arg = sd,
		.request_h = sipd_core_request, .arg = sd,
		.trace = sipd_drain_observe, .trace_arg = sd,
	};

	return sip_txn_stack_alloc(&sd->txn, &c);
}

/* Every step logs its own failure or is reported by @p what. */
static int start(struct sipd *sd)
{
	const char *what = NULL;
	int err;

	sipd_core_init(sd);
	if ((err = start_trace(sd)))
		what = "trace";
	else if ((err = sipd_clock_start(&sd->clock, &sd->loop)))
		what = "timers";
	else if ((err = start_transport(sd)))
		what = "transport";
	else if ((err = start_transactions(sd)))
		what = "transaction layer";
	else if ((err = sipd_register_start(sd)))
		return err;
	else if ((err = sipd_proxy_start(sd)))
		return err;
	else if ((err = sipd_net_listen(sd)))
		return err;
	else if ((err = sipd_self_init(&sd->self, sd->lsn, sd->nlsn)))
		what = "interface addresses";
	else if ((err = sipd_dialplan_start(sd)))
		return err;
	else if ((err = start_signals(sd)))
		what = "signals";
	else if ((err = sipd_mgmt_start(sd)))
		return err;
	if (err)
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot start", "step", what,
			 "error", strerror(err), NULL);
	return err;
}

static void log_stopped(struct sipd *sd)
{
	const struct sipd_stats *s = &sd->stats;
	char req[24], resp[24], bad[24], sent[24];

	snprintf(req, sizeof(req), "%llu", (unsigned long long)s->requests_in);
	snprintf(resp, sizeof(resp), "%llu", (unsigned long long)s->responses_in);
	snprintf(bad, sizeof(bad), "%llu", (unsigned long long)s->malformed);
	snprintf(sent, sizeof(sent), "%llu", (unsigned long long)
		 (s->replies[1] + s->replies[2] + s->replies[3] + s->replies[4] +
		  s->replies[5] + s->replies[6]));
	sipd_log(&sd->log, SIPD_LOG_INFO, "stopped", "requests", req,
		 "responses", resp, "malformed", bad, "answered", sent, NULL);
}

static void teardown(struct sipd *sd)
{
	close_handles(sd);
	/* before the transactions: pending REGISTERs still answer on them */
	sipd_proxy_stop(sd);
	sipd_register_stop(sd);
	sipd_dialplan_stop(sd);
	/* after the store: its cancelled operations still answer HTTP */
	sipd_mgmt_stop(sd);
	sd->txn = sip_mem_deref(sd->txn);
	sipd_net_release_all(sd);
	sd->tp = sip_mem_deref(sd->tp);
	sipd_clock_close(&sd->clock);
	/* uv_stop() may still be pending, making one run return at once */
	for (int i = 0; i < CLOSE_RUNS; i++) {
		uv_run(&sd->loop, UV_RUN_DEFAULT);
		if (!uv_loop_close(&sd->loop))
			break;
	}
	sipd_self_free(&sd->self);
	free(sd->lsn);
	sd->lsn = NULL;
	sd->nlsn = 0;
	sipd_trace_free(sd->trace);
	sd->trace = NULL;
}

int sipd_run(struct sipd *sd)
{
	char pid[24];
	int err;

	sipd_log_init(&sd->log, stderr, &sd->cfg->log);
	signal(SIGPIPE, SIG_IGN);
	err = -uv_loop_init(&sd->loop);
	if (err) {
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot start", "step", "loop",
			 "error", strerror(err), NULL);
		return err;
	}
	err = start(sd);
	if (!err) {
		snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		sipd_log(&sd->log, SIPD_LOG_INFO, "started",
			 "name", sd->cfg->server.name, "config", sd->config_path,
			 "pid", pid, "trace", sd->cfg->trace.enabled ? "on" : "off",
			 NULL);
		uv_run(&sd->loop, UV_RUN_DEFAULT);
		log_stopped(sd);
	}
	teardown(sd);
	return err;
}
