/*
 * metrics.c - GET /metrics: sipd's counters in the Prometheus text
 * format 0.0.4 (src/mgmt/prom.c). Names are fixed by API.md; counters
 * end in _total and only grow while the daemon runs.
 */
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

static void registrar(struct sip_buf *b, const struct sipd *sd)
{
	const struct sip_auth_stats *as = sd->auth ? sip_auth_stats(sd->auth) : NULL;
	const struct sip_registrar_stats *rs =
		sd->registrar ? sip_registrar_stats(sd->registrar) : NULL;

	one(b, "sipd_registrations", "gauge", "Registration bindings held",
	    sd->store ? sip_store_stats(sd->store)->bindings : 0);
	one(b, "sipd_users", "gauge", "Users in the store index",
	    sd->store ? sip_store_stats(sd->store)->users : 0);
	one(b, "sipd_auth_failures_total", "counter",
	    "Digest authentication failures (wrong response, unknown user)",
	    as ? as->failures : 0);
	one(b, "sipd_auth_challenges_total", "counter",
	    "Responses carrying a digest challenge", as ? as->challenges : 0);
	one(b, "sipd_auth_successes_total", "counter",
	    "Requests authenticated", as ? as->successes : 0);
	one(b, "sipd_registrar_requests_total", "counter",
	    "REGISTER requests handled by the registrar", rs ? rs->requests : 0);
	one(b, "sipd_registrar_rejected_total", "counter",
	    "REGISTER requests the registrar answered 4xx", rs ? rs->rejected : 0);
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
