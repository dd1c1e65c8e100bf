/*
 * sipd.h - the daemon instance: everything one running sipd owns, passed
 * down explicitly (no globals), so two can live in one test process.
 *
 * Who does what (docs/architecture.md §4):
 *   run.c     start-up, the event loop, signals, tear-down
 *   clock.c   the library's timers on the loop
 *   net.c     transport <-> transaction layer glue, tracing of messages
 *   core.c    what sipd answers with no role enabled (RFC 3261 §8.2)
 *   reply.c   building and sending those responses
 *   self.c    "is this Request-URI this server?"
 *   register.c  the registrar role: store, digest auth, registrar
 *   proxy.c   the proxy and redirect roles (RFC 3261 §16, §8.3)
 *   calls.c   the calls the proxy carries (calls.h)
 *   dialplan.c  the dial plan of the configuration; gwprobe.c probes
 *               its gateways with OPTIONS
 *   drain.c   graceful stop (SIGTERM, SIGINT)
 *   reload.c  live reconfiguration (SIGHUP)
 *   log.c, trace.c, json.c   output
 */
#ifndef SIPD_SIPD_H
#define SIPD_SIPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "sip/hdr.h"
#include "sip/auth.h"
#include "sip/transport.h"

#include "clock.h"
#include "config.h"
#include "dialplan.h"
#include "log.h"
#include "self.h"

struct sip_auth;
struct sip_proxy;
struct sip_registrar;
struct sip_store;
struct sip_txn_stack;
struct sipd_calls;
struct sipd_stx;
struct sipd_trace;
struct sipd_mgmt;

/** Counters of the daemon, beside sip_tp_stats() and sip_txn_stack_stats(). */
struct sipd_stats {
	uint64_t requests_in;      /* requests received (retransmissions too) */
	uint64_t responses_in;     /* responses received */
	uint64_t malformed;        /* requests answered 400/505 or dropped as
	                              malformed */
	uint64_t bad_responses;    /* malformed responses, dropped */
	uint64_t stray_responses;  /* responses matching no client transaction,
	                              dropped (no role forwards them) */
	uint64_t stray_acks;       /* ACKs matching no transaction, dropped */
	uint64_t stateless;        /* responses sent outside a transaction */
	uint64_t replies[7];       /* responses built, by class: [2] is 2xx */
	uint64_t dropped;          /* requests not answered: out of memory,
	                              no usable Via, no route back */
	uint64_t send_errors;      /* sends the transport refused or failed */
	/* for /metrics (mgmt.c) */
	uint64_t by_method[SIP_METHOD__COUNT]; /* requests received, per
	                              enum sip_method (0: other methods) */
	uint64_t by_code[600];     /* responses sent (retransmissions too),
	                              [code - 100] */
	uint64_t proxied;          /* requests forwarded statefully (proxy.c) */
	uint64_t proxied_stateless; /* requests and responses forwarded
	                              statelessly (ACK for 2xx, §16.11) */
	uint64_t loops;            /* requests answered 482 */
	uint64_t redirected;       /* requests answered 3xx */
};

/** One open listener; its index + 1 is the `iface` of a sip_txn_dest. */
struct sipd_listener {
	enum sip_tp_kind kind;
	struct sip_tp_addr addr;   /* as bound */
};

/** One daemon. */
struct sipd {
	const char *config_path;   /**< borrowed (argv) */
	struct sipd_config *cfg;   /**< owned; replaced on reload (reload.c) */
	bool trace_cli;            /**< --trace: tracing stays on across reloads */

	/* Set up by sipd_run(), torn down before it returns. */
	uv_loop_t loop;
	struct sipd_log log;
	struct sipd_trace *trace;
	struct sipd_clock clock;
	struct sip_tp *tp;
	struct sip_txn_stack *txn;
	struct sipd_listener *lsn; /**< malloc'd, nlsn entries */
	size_t nlsn;
	struct sipd_self self;
	unsigned allow;            /**< methods handled: bits 1 << enum sip_method */

	/* The registrar role (register.c); NULL when registrar.enabled is off. */
	struct sip_store *store;
	struct sip_registrar *registrar;
	struct sip_auth *auth;     /**< NULL when auth.register is off */
	void *auth_ctx;            /**< the request being checked, during
	                              sip_auth_check() only */
	sip_auth_lookup_h *auth_lookup; /**< reads auth_ctx; set with it
	                              (register.c, proxy.c) */

	/* The proxy role (proxy.c); NULL when proxy.enabled is off. */
	struct sip_proxy *proxy;
	struct sipd_calls *calls;  /**< calls.h: the calls it carries */
	bool proxy_auth;           /**< 407 for our own users (proxy.auth) */

	/* The dial plan (dialplan.c) and its gateway probes (gwprobe.c). */
	struct sipd_dialplan dialplan;

	/* Server transactions and the source of their request (net.c). */
	struct sipd_stx *stx;      /**< list of every one bound */
	struct sipd_stx *rx;       /**< ready for the request being received */

	/* Signals and the graceful stop (run.c, drain.c). */
	uv_signal_t sigterm, sigint, sighup;
	uv_timer_t drain_timer;
	bool handles_open;
	bool stopping;             /**< SIGTERM/SIGINT seen: draining */
	size_t busy;               /**< transactions that hold the stop */

	struct sipd_stats stats;

	/* HTTP API, metrics, HEP export (mgmt.c); NULL when off. */
	struct sipd_mgmt *mgmt;
};

/**
 * Run the daemon described by @p sd (its configuration loaded, the
 * other fields zero) until SIGTERM or SIGINT has stopped it (drain.c).
 * Logs on stderr. Returns 0 after a clean shutdown, otherwise an errno
 * value (a listener could not be opened, out of memory, ...), the reason
 * having been logged.
 */
int sipd_run(struct sipd *sd);

#endif
