/*
 * metrics.c - GET /metrics: sipd's counters in the Prometheus text
 * format 0.0.4 (src/mgmt/prom.c). Names are fixed by API.md; counters
 * end in _total and only grow while the daemon runs.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sip/auth.h"
#include "sip/prom.h"
#include "sip/registrar.h"
#include "sip/store.h"
#include "sip/txn.h"

#include "mgmt.h"
#include "sipd.h"
#include "trace.h"

static void one(struct sip_buf *b, const char *name, const char *type,
		const char *help, uint64_t v)
{
	sip_prom_family(b, name, type, help);
	sip_prom_u64(b, name, NULL, v);
}

static void requests(struct sip_buf *b, const struct sipd_stats *s)
{
	sip_prom_family(b, "sipd_requests_total", "counter",
			"SIP requests received (retransmissions included), by method");
	for (int m = 0; m < SIP_METHOD__COUNT; m++) {
		const char *name = m ? sip_method_name((enum sip_method)m) : "OTHER";
		const char *kv[] = { "method", name, NULL };

		sip_prom_u64(b, "sipd_requests_total", kv, s->by_method[m]);
	}
	sip_prom_family(b, "sipd_responses_total", "counter",
			"SIP responses sent (retransmissions included), by status code");
	for (unsigned c = 0; c < 600; c++) {
		char code[8];
		const char *kv[] = { "code", code, NULL };

		if (!s->by_code[c])
			continue;
		snprintf(code, sizeof(code), "%u", c + 100);
		sip_prom_u64(b, "sipd_responses_total", kv, s->by_code[c]);
	}
}

static void transactions(struct sip_buf *b, const struct sipd *sd)
{
	static const char *const kinds[] = { "ict", "nict", "ist", "nist" };
	struct sip_txn_stats ts;

	memset(&ts, 0, sizeof(ts));
	if (sd->txn)
		sip_txn_stack_stats(sd->txn, &ts);
	sip_prom_family(b, "sipd_transactions", "gauge",
			"Transactions in progress, by kind (RFC 3261 17)");
	for (int k = 0; k < 4; k++) {
		const char *kv[] = { "kind", kinds[k], NULL };

		sip_prom_u64(b, "sipd_transactions", kv, ts.active[k]);
	}
	sip_prom_family(b, "sipd_transactions_created_total", "counter",
			"Transactions created, by kind");
	for (int k = 0; k < 4; k++) {
		const char *kv[] = { "kind", kinds[k], NULL };

		sip_prom_u64(b, "sipd_transactions_created_total", kv, ts.created[k]);
	}
	one(b, "sipd_retransmissions_total", "counter",
	    "Requests and responses retransmitted by the transaction layer",
	    ts.retransmissions);
	one(b, "sipd_retransmissions_absorbed_total", "counter",
	    "Retransmissions received and absorbed by a transaction", ts.absorbed);
	one(b, "sipd_transaction_timeouts_total", "counter",
	    "Transactions ended by Timer B, F or H", ts.timeouts);
}

static void transport(struct sip_buf *b, const struct sipd *sd)
{
	const struct sip_tp_stats *ts = sd->tp ? sip_tp_stats(sd->tp) : NULL;
	static const char *const names[] = { "messages", "bytes" };

	for (int what = 0; what < 2; what++) {
		char name[64], help[96];

		snprintf(name, sizeof(name), "sipd_transport_%s_total", names[what]);
		snprintf(help, sizeof(help), "SIP %s received and sent, by transport",
			 names[what]);
		sip_prom_family(b, name, "counter", help);
		for (int k = 0; ts && k < SIP_TP_NKINDS; k++) {
			const char *tp = sipd_mgmt_tp_name((enum sip_tp_kind)k);
			const char *in[] = { "transport", tp, "dir", "in", NULL };
			const char *out[] = { "transport", tp, "dir", "out", NULL };

			sip_prom_u64(b, name, in, what ? ts->kind[k].bytes_in :
					 ts->kind[k].msgs_in);
			sip_prom_u64(b, name, out, what ? ts->kind[k].bytes_out :
					 ts->kind[k].msgs_out);
		}
	}
	one(b, "sipd_transport_connections", "gauge", "TCP connections open",
	    ts ? ts->conns_open : 0);
	one(b, "sipd_transport_send_errors_total", "counter",
	    "Sends the transport refused or failed", ts ? ts->send_errors : 0);
	one(b, "sipd_parse_errors_total", "counter",
	    "Messages that could not be framed or parsed, requests answered 400, "
	    "malformed responses dropped",
	    (ts ? ts->parse_errors : 0) + sd->stats.malformed +
	    sd->stats.bad_responses);
}

/* A counter read from a stats struct that may be absent (role off). */
struct counter {
	const char *name, *help;
	size_t offset;             /* of a uint64_t in the struct */
};

static void counters(struct sip_buf *b, const void *stats,
		     const struct counter *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		one(b, c[i].name, "counter", c[i].help, stats ?
		    *(const uint64_t *)((const char *)stats + c[i].offset) : 0);
}

#define AUTH(f) offsetof(struct sip_auth_stats, f)
#define REG(f)  offsetof(struct sip_registrar_stats, f)
#define STORE(f) offsetof(struct sip_store_stats, f)
#define CORE(f) offsetof(struct sipd_stats, f)

static const struct counter auth_counters[] = {
	{ "sipd_auth_failures_total",
	  "Digest authentication failures (wrong response, unknown user)",
	  AUTH(failures) },
	{ "sipd_auth_challenges_total", "Responses carrying a digest challenge",
	  AUTH(challenges) },
	{ "sipd_auth_successes_total", "Requests authenticated", AUTH(successes) },
	{ "sipd_auth_stale_total", "Right password with an expired nonce",
	  AUTH(stale) },
	{ "sipd_auth_replays_total", "Nonce-counts not above the last one seen",
	  AUTH(replays) },
	{ "sipd_auth_blocked_total", "Sources blocked after repeated failures",
	  AUTH(blocked) },
	{ "sipd_auth_forbidden_total", "Requests refused from blocked sources",
	  AUTH(forbidden) },
};

static const struct counter registrar_counters[] = {
	{ "sipd_registrar_requests_total",
	  "REGISTER requests handled by the registrar", REG(requests) },
	{ "sipd_registrar_ok_total", "REGISTER requests answered 200", REG(ok) },
	{ "sipd_registrar_rejected_total", "REGISTER requests answered 4xx",
	  REG(rejected) },
	{ "sipd_registrar_failed_total", "REGISTER requests answered 5xx",
	  REG(failed) },
	{ "sipd_registrar_bindings_added_total", "Bindings created", REG(added) },
	{ "sipd_registrar_bindings_refreshed_total", "Bindings refreshed",
	  REG(refreshed) },
	{ "sipd_registrar_bindings_removed_total", "Bindings removed by request",
	  REG(removed) },
};

static const struct counter store_counters[] = {
	{ "sipd_store_lookups_total", "Binding lookups", STORE(lookups) },
	{ "sipd_store_commits_total", "SQLite transactions / Redis MULTI-EXEC",
	  STORE(commits) },
	{ "sipd_store_write_errors_total", "Failed store writes",
	  STORE(write_errors) },
	{ "sipd_store_expired_total", "Bindings removed because they expired",
	  STORE(swept) },
};

static const struct counter core_counters[] = {
	{ "sipd_stray_responses_total",
	  "Responses matching no client transaction, dropped",
	  CORE(stray_responses) },
	{ "sipd_stray_acks_total", "ACKs matching no transaction, dropped",
	  CORE(stray_acks) },
	{ "sipd_stateless_responses_total", "Responses sent outside a transaction",
	  CORE(stateless) },
	{ "sipd_dropped_requests_total",
	  "Requests not answered (out of memory, no route back)", CORE(dropped) },
	{ "sipd_send_errors_total", "Sends refused or failed", CORE(send_errors) },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void registrar(struct sip_buf *b, const struct sipd *sd)
{
	one(b, "sipd_registrations", "gauge", "Registration bindings held",
	    sd->store ? sip_store_stats(sd->store)->bindings : 0);
	one(b, "sipd_users", "gauge", "Users in the store index",
	    sd->store ? sip_store_stats(sd->store)->users : 0);
	counters(b, sd->auth ? sip_auth_stats(sd->auth) : NULL, auth_counters,
		 N(auth_counters));
	counters(b, sd->registrar ? sip_registrar_stats(sd->registrar) : NULL,
		 registrar_counters, N(registrar_counters));
	counters(b, sd->store ? sip_store_stats(sd->store) : NULL,
		 store_counters, N(store_counters));
	counters(b, &sd->stats, core_counters, N(core_counters));
}

void sipd_metrics(struct sipd *sd, struct sip_http_req *rq)
{
	const struct sipd_mgmt *m = sd->mgmt;
	struct sip_buf b;

	sip_buf_init(&b);
	requests(&b, &sd->stats);
	transactions(&b, sd);
	transport(&b, sd);
	registrar(&b, sd);
	sip_prom_family(&b, "sipd_uptime_seconds", "gauge",
			"Seconds since sipd started");
	sip_prom_f64(&b, "sipd_uptime_seconds", NULL,
		     (double)(uv_hrtime() - m->started_ns) / 1e9);
	sip_prom_family(&b, "sipd_loop_latency_seconds", "gauge",
			"How late the event loop ran a 250 ms timer, last sample");
	sip_prom_f64(&b, "sipd_loop_latency_seconds", NULL, m->lag_s);
	sip_prom_family(&b, "sipd_loop_latency_max_seconds", "gauge",
			"Largest loop latency sample since start");
	sip_prom_f64(&b, "sipd_loop_latency_max_seconds", NULL, m->lag_max_s);
	one(&b, "sipd_calls", "gauge", "Calls in progress",
	    sipd_mgmt_calls_count(sd));
	one(&b, "sipd_trace_entries", "gauge", "Messages held in the trace ring",
	    sipd_trace_count(sd->trace));
	one(&b, "sipd_trace_dropped_total", "counter",
	    "Trace entries pushed out of the ring or lost", sipd_trace_dropped(sd->trace));
	one(&b, "sipd_hep_packets_total", "counter", "HEP packets sent",
	    m->hep_sent);
	one(&b, "sipd_hep_errors_total", "counter", "HEP packets not sent",
	    m->hep_errors);
	one(&b, "sipd_http_requests_total", "counter", "HTTP API requests",
	    m->http ? sip_http_stats(m->http)->requests : 0);
	if (sip_buf_err(&b))
		sip_http_reply_error(rq, 500, "out of memory");
	else
		sip_http_reply(rq, 200, SIP_PROM_CTYPE, b.p, b.len);
	sip_buf_reset(&b);
}
