/*
 * api_state.c - GET /api/status, GET /api/transactions, GET /api/calls,
 * POST /api/reload (API.md): the daemon's state as JSON, read on the
 * loop thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sip/store.h"
#include "sip/txn.h"

#include "mgmt.h"
#include "reload.h"
#include "sipd.h"
#include "trace.h"

#ifndef SIPD_VERSION
#define SIPD_VERSION "0.0.0"
#endif

static json_t *pl_json(struct sip_pl pl)
{
	return pl.p ? json_stringn(pl.p, pl.len) : json_null();
}

static json_t *roles(const struct sipd *sd)
{
	json_t *a = json_array();

	if (sd->cfg->registrar.enabled)
		json_array_append_new(a, json_string("registrar"));
	if (sd->cfg->proxy.enabled)
		json_array_append_new(a, json_string("proxy"));
	return a;
}

static json_t *listeners(const struct sipd *sd)
{
	json_t *a = json_array();
	char ip[SIP_TP_ADDRSTRLEN];

	for (size_t i = 0; i < sd->nlsn; i++) {
		const struct sip_tp_addr *ad = &sd->lsn[i].addr;
		const void *raw = sip_tp_addr_af(ad) == AF_INET6 ?
			(const void *)&ad->u.in6.sin6_addr :
			(const void *)&ad->u.in.sin_addr;

		if (!inet_ntop(sip_tp_addr_af(ad), raw, ip, sizeof(ip)))
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:i}",
			"transport", sipd_mgmt_tp_name(sd->lsn[i].kind),
			"address", ip, "port", (json_int_t)sip_tp_addr_port(ad)));
	}
	return a;
}

static json_t *stats(const struct sipd *sd)
{
	const struct sipd_stats *s = &sd->stats;
	uint64_t sent = 0;

	for (int i = 1; i < 7; i++)
		sent += s->replies[i];
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"requests_in", (json_int_t)s->requests_in,
		"responses_in", (json_int_t)s->responses_in,
		"malformed", (json_int_t)s->malformed,
		"bad_responses", (json_int_t)s->bad_responses,
		"stray_responses", (json_int_t)s->stray_responses,
		"stray_acks", (json_int_t)s->stray_acks,
		"stateless", (json_int_t)s->stateless,
		"replies", (json_int_t)sent,
		"dropped", (json_int_t)s->dropped,
		"send_errors", (json_int_t)s->send_errors);
}

static uint64_t active_txns(const struct sipd *sd)
{
	struct sip_txn_stats ts;

	if (!sd->txn)
		return 0;
	sip_txn_stack_stats(sd->txn, &ts);
	return ts.active[0] + ts.active[1] + ts.active[2] + ts.active[3];
}

void sipd_api_status(struct sipd *sd, struct sip_http_req *rq)
{
	uint64_t up = (uv_hrtime() - sd->mgmt->started_ns) / 1000000000u;
	uint64_t regs = sd->store ? sip_store_stats(sd->store)->bindings : 0;

	sip_http_reply_json(rq, 200, json_pack(
		"{s:s,s:s,s:I,s:o,s:o,s:o,s:I,s:I,s:I,s:b}",
		"version", SIPD_VERSION, "name", sd->cfg->server.name,
		"uptime_s", (json_int_t)up, "roles", roles(sd),
		"listen", listeners(sd), "stats", stats(sd),
		"transactions", (json_int_t)active_txns(sd),
		"registrations", (json_int_t)regs,
		"calls", (json_int_t)sipd_mgmt_calls_count(sd),
		"trace", sipd_trace_on(sd->trace)));
}

static const char *kind_name(enum sip_txn_kind k)
{
	static const char *const names[] = { "ict", "nict", "ist", "nist" };

	return (unsigned)k < 4 ? names[k] : "?";
}

static const char *state_name(enum sip_txn_state s)
{
	static const char *const names[] = {
		"calling", "trying", "proceeding", "completed", "confirmed",
		"accepted", "terminated",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static bool add_txn(void *arg, const struct sip_txn_info *ti)
{
	json_t *a = arg;

	json_array_append_new(a, json_pack("{s:s,s:o,s:s,s:o,s:o,s:I,s:i,s:I}",
		"kind", kind_name(ti->kind), "method", pl_json(ti->method),
		"state", state_name(ti->state), "branch", pl_json(ti->branch),
		"call_id", pl_json(ti->callid), "age_ms", (json_int_t)ti->age_ms,
		"last_code", (int)ti->last_code,
		"retransmissions", (json_int_t)ti->retransmissions));
	return true;
}

void sipd_api_transactions(struct sipd *sd, struct sip_http_req *rq)
{
	json_t *a = json_array();

	if (sd->txn)
		sip_txn_stack_foreach(sd->txn, add_txn, a);
	sip_http_reply_json(rq, 200, json_pack("{s:o}", "transactions", a));
}

void sipd_api_reload(struct sipd *sd, struct sip_http_req *rq)
{
	char err[512];

	sipd_log(&sd->log, SIPD_LOG_INFO, "reloading", "from", "HTTP API",
		 "file", sd->config_path, NULL);
	if (sipd_reload_check(sd, err, sizeof(err))) {
		sip_http_reply_error(rq, 400, err);
		return;
	}
	sip_http_reply_json(rq, 200, json_pack("{s:b}", "ok", 1));
}
