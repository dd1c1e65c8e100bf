/*
 * calls.h - the calls the proxy is carrying, for the HTTP API: every
 * INVITE sipd forwards (out of dialog) is a call, from its first branch
 * ("trying") through a 180/183 ("ringing") and its 2xx ("answered") to
 * its end ("ended": a final non-2xx, or the 200 of its BYE when the call
 * was record-routed). An ended call stays listed for 5 s; an answered
 * call whose BYE never passes through sipd leaves after
 * proxy.call_timeout_s. Filled by proxy.c (see proxy.h there).
 */
#ifndef SIPD_CALLS_H
#define SIPD_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sipd;

struct sipd_call_info {
	const char *call_id, *from, *to; /* From/To URIs as text */
	const char *state;               /* "trying", "ringing", "answered", "ended" */
	int64_t started_ms;              /* wall clock, ms since the epoch */
	int64_t answered_ms;             /* 0 when not answered */
};
typedef bool (sipd_call_h)(const struct sipd_call_info *c, void *arg); /* false stops */

/**
 * Call @p h for every call, oldest first, until it returns false. The
 * strings are borrowed for the call of @p h. Returns how many calls @p h
 * was given. Loop thread only.
 */
size_t sipd_calls_foreach(const struct sipd *sd, sipd_call_h *h, void *arg);

/** Number of calls listed (ended ones included while they linger). */
size_t sipd_calls_count(const struct sipd *sd);

#endif
