/*
 * trace_filter.h - which trace entries an HTTP API query asks for
 * (GET /api/trace and /api/trace.pcap, API.md): every filter optional,
 * all combined with AND.
 *
 *   call_id  the Call-ID, exactly
 *   method   a request's method, or the CSeq method of a response
 *   user     a substring of the user part of From, To or the Request-URI
 *   addr     the peer's IP, or IP:port ([v6]:port)
 *   since    RFC 3339 time: entries at or after it
 *   after    a seq: only entries with a larger one
 *   limit    at most this many entries (the newest that match); 1000
 */
#ifndef SIPD_TRACE_FILTER_H
#define SIPD_TRACE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sip/transport.h"

#include "trace.h"

#define SIPD_TRACE_LIMIT_DEF 1000
#define SIPD_TRACE_LIMIT_MAX 100000

struct sipd_trace_filter {
	const char *call_id;         /* borrowed; NULL: any */
	const char *method;          /* borrowed; NULL: any */
	const char *user;            /* borrowed; NULL: any */
	struct sip_tp_addr addr;
	bool has_addr;
	bool addr_port;              /* addr names a port too */
	struct timespec since;
	bool has_since;
	uint64_t after;
	size_t limit;
};

/** Query lookup: the value of argument @p name, or NULL. */
typedef const char *(sipd_trace_query_h)(void *arg, const char *name);

/**
 * Fill @p f from the query arguments (strings borrowed from what @p get
 * returns). Returns 0, or EINVAL with @p err saying which argument is bad.
 */
int sipd_trace_filter_parse(struct sipd_trace_filter *f, sipd_trace_query_h *get,
			    void *arg, char *err, size_t errlen);

/** True when @p e passes every filter of @p f (limit aside). */
bool sipd_trace_filter_match(const struct sipd_trace_filter *f,
			     const struct sipd_trace_entry *e);

/** Parse an RFC 3339 time ("2026-11-24T06:00:00.123Z", or +hh:mm). */
int sipd_time_parse(const char *s, struct timespec *ts);

#endif
