/*
 * mgmt.h - sipd's management side (API.md): the HTTP API and status page
 * (src/mgmt/http.c on the loop), /metrics, the loop latency probe and
 * the HEPv3 export of traced messages.
 *
 * Everything runs on the loop thread and reads the daemon's state
 * directly: handlers that need the store answer from its completion
 * handler (the connection waits, suspended).
 *
 *   mgmt.c       start/stop, routing, access log, loop latency, HEP export
 *   api_state.c  /api/status, /api/transactions, /api/calls, /api/reload
 *   api_store.c  /api/registrations, /api/users (through the store)
 *   api_trace.c  /api/trace (JSON, POST on/off), /api/trace.pcap
 *   metrics.c    /metrics
 *   www.c        the status page (files embedded at build time)
 */
#ifndef SIPD_MGMT_H
#define SIPD_MGMT_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "sip/http.h"
#include "sip/transport.h"

struct sipd;

struct sipd_mgmt {
	struct sipd *sd;                /* borrowed: the owner */
	struct sip_http *http;          /* NULL when http.enabled is off */
	uint64_t started_ns;            /* uv_hrtime() at start */

	/* loop latency: a timer's lateness, sampled every LAG_MS */
	uv_timer_t lag;
	uint64_t lag_due_ns;
	double lag_s;                   /* last sample, seconds */
	double lag_max_s;               /* largest sample so far */

	/* HEP export (trace.hep.address set) */
	uv_udp_t hep;
	bool hep_open;
	struct sip_tp_addr hep_dst;
	uint32_t hep_id;
	uint64_t hep_sent, hep_errors;

	bool handles_open;
};

/**
 * Start the loop latency probe, the HEP export (trace.hep) and the HTTP
 * API (http.enabled). Returns 0 or an errno value (logged: the API could
 * not bind, ...).
 */
int sipd_mgmt_start(struct sipd *sd);

/** Stop all of it; pending HTTP requests are dropped. Idempotent. */
void sipd_mgmt_stop(struct sipd *sd);

/* ---- the handlers (one file each, see above) ---- */

void sipd_api_status(struct sipd *sd, struct sip_http_req *rq);
void sipd_api_transactions(struct sipd *sd, struct sip_http_req *rq);
void sipd_api_calls(struct sipd *sd, struct sip_http_req *rq);
void sipd_api_reload(struct sipd *sd, struct sip_http_req *rq);
/** @p aor NULL: the list; else GET or DELETE of that AOR. */
void sipd_api_registrations(struct sipd *sd, struct sip_http_req *rq,
			    const char *aor);
/** @p user NULL: GET list / POST add; else DELETE. */
void sipd_api_users(struct sipd *sd, struct sip_http_req *rq,
		    const char *user);
void sipd_api_trace(struct sipd *sd, struct sip_http_req *rq, bool pcap);
void sipd_api_trace_set(struct sipd *sd, struct sip_http_req *rq);
void sipd_metrics(struct sipd *sd, struct sip_http_req *rq);
/** Serve a page file for @p path ("/", "/app.js", ...); false: none. */
bool sipd_www(struct sip_http_req *rq, const char *path);

/** Calls in progress (0 until a role keeps calls). */
size_t sipd_mgmt_calls_count(struct sipd *sd);

/** The first local domain: registrar.domains[0], else server.domains[0]. */
const char *sipd_mgmt_domain(const struct sipd *sd);

/** Lower-case transport name ("udp"). */
const char *sipd_mgmt_tp_name(enum sip_tp_kind k);

#endif
