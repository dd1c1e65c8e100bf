/*
 * dialplan.h - the dial plan of the running daemon (include/sip/route.h):
 * built from the configuration's `dialplan:` section at start, swapped
 * whole on SIGHUP (gateway health carried over), and the gateways of its
 * groups probed with OPTIONS (gwprobe.h).
 *
 * Roles that route calls (the proxy) use the two calls below; both belong
 * to the loop thread. A role that keeps the plan beyond the current loop
 * callback (a call in progress, failover over a group) takes its own
 * reference with sip_mem_ref() and drops it with sip_mem_deref(): a
 * reload then frees the old plan only when its last call is done.
 */
#ifndef SIPD_DIALPLAN_H
#define SIPD_DIALPLAN_H

#include <stdbool.h>
#include <stdint.h>

struct sip_route_plan;
struct sipd;
struct sipd_config;
struct sipd_gwprobe;

/** Gateway health counters, since start. */
struct sipd_dialplan_stats {
	uint64_t probes;          /* OPTIONS probes sent */
	uint64_t probe_failures;  /* timeouts, transport errors, 408, 503 */
	uint64_t gw_down;         /* transitions up -> down */
	uint64_t gw_up;           /* transitions down -> up */
	uint64_t reloads;         /* plans swapped in by SIGHUP */
};

/** The dial plan part of a struct sipd (sd->dialplan). */
struct sipd_dialplan {
	struct sip_route_plan *plan;   /* one reference; NULL: none */
	struct sipd_gwprobe *probe;    /* NULL when no probing */
	struct sipd_dialplan_stats stats;
};

/* The plan of the running configuration, borrowed for the current loop
 * callback; NULL when none is configured. */
struct sip_route_plan *sipd_dialplan_get(const struct sipd *sd);

/* The permission class of a local user (from the configuration), NULL
 * when the user has none. The first users[] entry named @p user counts,
 * whatever its domain. */
const char *sipd_dialplan_caller_class(const struct sipd *sd,
				       const char *user);

/**
 * At start, after the transaction stack and the listeners: build the
 * plan of sd->cfg (none when the file has no rules) and start probing
 * its gateways (dialplan.health.enabled). Returns 0, or ENOMEM / the
 * build's error (logged).
 */
int sipd_dialplan_start(struct sipd *sd);

/**
 * SIGHUP, with the new configuration @p nc already validated (it built a
 * plan once), before sd->cfg becomes @p nc: build its plan, carry the
 * gateway health over (sip_route_plan_copy_health()) and swap it in
 * whole; probes follow the new gateways. When the build fails (out of
 * memory) the running plan is kept, its `dialplan` section is swapped
 * into @p nc (so that the configuration keeps describing what runs) and
 * the error logged. Returns true when the plan changed.
 */
bool sipd_dialplan_reload(struct sipd *sd, struct sipd_config *nc);

/**
 * Tear-down, before the transaction stack goes: log the counters (info
 * "dial plan stopped probes=N probe_failures=N gateways_down=N
 * gateways_up=N reloads=N") when there was a plan, stop probing (probes
 * in flight are forgotten) and drop the daemon's reference on the plan.
 */
void sipd_dialplan_stop(struct sipd *sd);

#endif
