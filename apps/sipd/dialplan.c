/*
 * dialplan.c - the running dial plan (see dialplan.h): built at start
 * from the configuration, swapped whole on reload with the gateway health
 * carried over, looked up by the roles that route calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/route.h"

#include "config_dialplan.h"
#include "dialplan.h"
#include "gwprobe.h"
#include "sipd.h"

/* Room for sip_route_plan_debug() when comparing two plans. */
enum { DUMP_MAX = 256 * 1024 };

struct sip_route_plan *sipd_dialplan_get(const struct sipd *sd)
{
	return sd->dialplan.plan;
}

const char *sipd_dialplan_caller_class(const struct sipd *sd,
				       const char *user)
{
	return sipd_config_user_class(sd->cfg, user);
}

static void log_plan(struct sipd *sd, const char *msg,
		     const struct sipd_config_dialplan *dp)
{
	char rules[24], groups[24];

	snprintf(rules, sizeof(rules), "%zu", dp->rule_count);
	snprintf(groups, sizeof(groups), "%zu", dp->gateway_count);
	sipd_log(&sd->log, SIPD_LOG_INFO, msg, "rules", rules,
		 "gateway_groups", groups, "probes",
		 dp->health.enabled && dp->gateway_count ? "on" : "off", NULL);
}

/* Probing runs while the plan has gateways and health.enabled is on. */
static int probes_follow(struct sipd *sd, const struct sipd_config *cfg)
{
	bool want = sd->dialplan.plan && cfg->dialplan.health.enabled &&
		    sip_route_plan_ngroups(sd->dialplan.plan);

	if (!want) {
		sipd_gwprobe_free(sd->dialplan.probe);
		sd->dialplan.probe = NULL;
		return 0;
	}
	if (sd->dialplan.probe) {
		sipd_gwprobe_kick(sd->dialplan.probe);
		return 0;
	}
	return sipd_gwprobe_start(&sd->dialplan.probe, sd);
}

int sipd_dialplan_start(struct sipd *sd)
{
	const struct sipd_config_dialplan *dp = &sd->cfg->dialplan;
	char err[SIP_ROUTE_ERR_MAX];
	int e;

	e = sipd_config_dialplan_build(dp, &sd->dialplan.plan, err,
				       sizeof(err));
	if (e == ENOENT)
		return 0;
	if (!e)
		e = probes_follow(sd, sd->cfg);
	if (e) {
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot start",
			 "step", "dial plan", "error",
			 e == EINVAL ? err : strerror(e), NULL);
		return e;
	}
	log_plan(sd, "dial plan loaded", dp);
	return 0;
}

/* Same rules, groups, gateways and thresholds (the health state having
 * been copied): the debug dumps are the same. */
static bool same_plan(const struct sip_route_plan *a,
		      const struct sip_route_plan *b)
{
	char *da, *db;
	bool same;

	if (!a || !b)
		return a == b;
	da = malloc(DUMP_MAX);
	db = malloc(DUMP_MAX);
	same = da && db && !sip_route_plan_debug(a, da, DUMP_MAX) &&
	       !sip_route_plan_debug(b, db, DUMP_MAX) && !strcmp(da, db);
	free(da);
	free(db);
	return same;
}

static bool same_health(const struct sipd_dp_health *a,
			const struct sipd_dp_health *b)
{
	return a->enabled == b->enabled && a->interval_ms == b->interval_ms &&
	       a->down_interval_ms == b->down_interval_ms &&
	       a->failures == b->failures && a->successes == b->successes;
}

bool sipd_dialplan_reload(struct sipd *sd, struct sipd_config *nc)
{
	struct sip_route_plan *np = NULL, *old = sd->dialplan.plan;
	char err[SIP_ROUTE_ERR_MAX];
	bool changed;
	int e;

	e = sipd_config_dialplan_build(&nc->dialplan, &np, err, sizeof(err));
	if (e && e != ENOENT) {
		/* the running section goes into the new configuration, so
		 * that sd->cfg keeps describing the plan in effect */
		struct sipd_config_dialplan keep = nc->dialplan;

		nc->dialplan = sd->cfg->dialplan;
		sd->cfg->dialplan = keep;
		sipd_log(&sd->log, SIPD_LOG_ERROR,
			 "dial plan not reloaded, running plan kept", "error",
			 e == EINVAL ? err : strerror(e), NULL);
		return false;
	}
	sip_route_plan_copy_health(np, old);
	changed = !same_plan(np, old) ||
		  (np && !same_health(&nc->dialplan.health,
				      &sd->cfg->dialplan.health));
	sd->dialplan.plan = np;
	sip_mem_deref(old);
	if (changed) {
		sd->dialplan.stats.reloads++;
		log_plan(sd, np ? "dial plan reloaded" : "dial plan removed",
			 &nc->dialplan);
	}
	e = probes_follow(sd, nc);
	if (e)
		sipd_log(&sd->log, SIPD_LOG_ERROR, "gateway probes not started",
			 "error", strerror(e), NULL);
	return changed;
}

static void log_stats(struct sipd *sd)
{
	const struct sipd_dialplan_stats *st = &sd->dialplan.stats;
	char probes[24], failures[24], down[24], up[24], reloads[24];

	snprintf(probes, sizeof(probes), "%llu", (unsigned long long)st->probes);
	snprintf(failures, sizeof(failures), "%llu",
		 (unsigned long long)st->probe_failures);
	snprintf(down, sizeof(down), "%llu", (unsigned long long)st->gw_down);
	snprintf(up, sizeof(up), "%llu", (unsigned long long)st->gw_up);
	snprintf(reloads, sizeof(reloads), "%llu",
		 (unsigned long long)st->reloads);
	sipd_log(&sd->log, SIPD_LOG_INFO, "dial plan stopped", "probes", probes,
		 "probe_failures", failures, "gateways_down", down,
		 "gateways_up", up, "reloads", reloads, NULL);
}

void sipd_dialplan_stop(struct sipd *sd)
{
	if (sd->dialplan.plan || sd->dialplan.stats.reloads)
		log_stats(sd);
	sipd_gwprobe_free(sd->dialplan.probe);
	sd->dialplan.probe = NULL;
	sd->dialplan.plan = sip_mem_deref(sd->dialplan.plan);
}
