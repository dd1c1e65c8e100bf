/*
 * calltab.h - the call table behind calls.h: fed by the proxy's call
 * hook (include/sip/proxy.h events) and read by sipd_calls_foreach().
 */
#ifndef SIPD_CALLTAB_H
#define SIPD_CALLTAB_H

#include <stdint.h>

#include "sip/proxy.h"

#include "calls.h"

struct sip_msg;
struct sip_timers;
struct sipd_calls;

enum {
	SIPD_CALL_LINGER_MS = 5000,   /* an ended call stays listed this long */
};

/**
 * New table whose timers run on @p ts (borrowed; outlives the table);
 * answered calls leave after @p timeout_s without BYE. Returns 0, ENOMEM.
 */
int sipd_calltab_alloc(struct sipd_calls **tp, struct sip_timers *ts,
		       unsigned timeout_s);

/** Free the table and every entry (NULL allowed). */
void sipd_calltab_free(struct sipd_calls *t);

/**
 * Proxy event @p ev (status @p scode) for request @p req (borrowed):
 * an out-of-dialog INVITE starts, rings, is answered or fails; a BYE's
 * final ends the call of its Call-ID. Other requests are ignored. Out of
 * memory: the call is not listed (logged by nobody; counted in
 * sipd_calltab_dropped()).
 */
void sipd_calltab_event(struct sipd_calls *t, struct sip_msg *req,
			enum sip_proxy_event ev, uint16_t scode);

/** Calls not listed for want of memory. */
uint64_t sipd_calltab_dropped(const struct sipd_calls *t);

/** As sipd_calls_foreach() / sipd_calls_count() on a table. */
size_t sipd_calltab_foreach(const struct sipd_calls *t, sipd_call_h *h, void *arg);
size_t sipd_calltab_count(const struct sipd_calls *t);

#endif
