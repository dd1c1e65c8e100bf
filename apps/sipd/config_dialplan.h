/*
 * config_dialplan.h - the `dialplan:` section of the configuration
 * (rules, gateway groups, health probes; docs/config.md) and turning it
 * into a dial plan of the routing library (include/sip/route.h).
 *
 * Private to the daemon (apps/sipd/).
 */
#ifndef SIPD_CONFIG_DIALPLAN_H
#define SIPD_CONFIG_DIALPLAN_H

#include <stddef.h>

#include "config.h"
#include "schema.h"

struct sip_route_plan;

/** The schema of `dialplan:` (a row of config.c's top-level table). */
extern const struct sipd_schema_map sipd_config_dialplan_map;

/**
 * Build the dial plan described by @p dp (every gateway up, first probe
 * due at once). Returns 0 with *planp holding one reference
 * (sip_mem_deref()), ENOENT when @p dp has no rules (no dial plan
 * configured; *planp untouched), EINVAL with the library's reason in
 * @p err (@p errlen bytes), ENOMEM.
 */
int sipd_config_dialplan_build(const struct sipd_config_dialplan *dp,
			       struct sip_route_plan **planp, char *err,
			       size_t errlen);

#endif
