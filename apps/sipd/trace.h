/*
 * trace.h - the live SIP message trace, sipd's `debug ccsip messages`.
 *
 * While tracing is on (`sipd --trace` or trace.enabled), every message
 * received or sent is
 *  - printed on the trace output (stderr in the daemon, interleaved with
 *    the log in time order) in the log's format: as text, a header line
 *
 *      2025-01-31T12:00:00.123Z recv UDP 127.0.0.1:5060 <- 127.0.0.1:40312 (412 bytes)
 *
 *    ("send ... ->" for the other way) then the message as it was on the
 *    wire and an empty line; as JSON, one object per line with time, dir,
 *    transport, local, peer, bytes and the message text in "sip";
 *  - kept in a bounded in-memory ring of the last trace.ring_size
 *    messages (the oldest is dropped), which the HTTP API and sipctl read
 *    through sipd_trace_ring_foreach() or sipd_trace_snapshot().
 *
 * When tracing is off nothing is printed or recorded. Each ring entry
 * holds a copy of its message: 10,000 entries of typical 1 KB messages
 * take about 10 MB.
 */
#ifndef SIPD_TRACE_H
#define SIPD_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sip/pl.h"
#include "sip/transport.h"

#include "config.h"

enum sipd_trace_dir {
	SIPD_TRACE_RECV,
	SIPD_TRACE_SEND,
};

/** One traced message. */
struct sipd_trace_entry {
	uint64_t seq;                /* 1, 2, ... in order of recording (set
	                                by sipd_trace_add; never reused) */
	struct timespec time;        /* wall clock (CLOCK_REALTIME) */
	enum sipd_trace_dir dir;
	enum sip_tp_kind kind;       /* transport */
	struct sip_tp_addr local;    /* our address; unset (len 0) if unknown */
	struct sip_tp_addr peer;     /* the other side */
	char *bytes;                 /* owned copy of the message, NUL-terminated
	                                for convenience (may hold NULs) */
	size_t len;
};

struct sipd_trace;

/**
 * New trace, off, printing nothing, with a ring of @p ring_size entries
 * (at least 1). Returns 0 and sets @p *tp, EINVAL (size 0) or ENOMEM.
 * Free with sipd_trace_free().
 */
int sipd_trace_alloc(struct sipd_trace **tp, size_t ring_size);

/** Free @p t and every entry of its ring. NULL is a no-op. */
void sipd_trace_free(struct sipd_trace *t);

/** Turn tracing on or off (off keeps what the ring holds). */
void sipd_trace_enable(struct sipd_trace *t, bool on);

/** True while tracing is on: callers skip building an entry when off. */
bool sipd_trace_on(const struct sipd_trace *t);

/**
 * Print each recorded entry on @p f (borrowed; NULL: print nothing) in
 * @p format. Ring recording does not depend on it.
 */
void sipd_trace_set_output(struct sipd_trace *t, FILE *f,
			   enum sipd_log_format format);

/**
 * Record one message when tracing is on (else a no-op returning 0):
 * @p e is copied, its bytes included (e->bytes / e->len), and printed.
 * A zero e->time means "now". When the ring is full the oldest entry is
 * dropped. Returns 0, or ENOMEM (the entry is lost and counted).
 */
int sipd_trace_add(struct sipd_trace *t, const struct sipd_trace_entry *e);

/**
 * Sink: called with every entry recorded (after it is in the ring; @p e
 * borrowed for the call), e.g. the HEP export. NULL: none.
 */
typedef void (sipd_trace_sink_h)(void *arg, const struct sipd_trace_entry *e);
void sipd_trace_set_sink(struct sipd_trace *t, sipd_trace_sink_h *h, void *arg);

/** The seq of the last entry recorded (0: none yet). */
uint64_t sipd_trace_last_seq(const struct sipd_trace *t);

/**
 * Change the ring to @p ring_size entries (at least 1), keeping the
 * newest entries that fit. Returns 0, EINVAL or ENOMEM (nothing changed).
 */
int sipd_trace_resize(struct sipd_trace *t, size_t ring_size);

/** Entries held now; capacity of the ring. */
size_t sipd_trace_count(const struct sipd_trace *t);
size_t sipd_trace_capacity(const struct sipd_trace *t);

/** Entries dropped so far: pushed out of a full ring, or lost to ENOMEM. */
uint64_t sipd_trace_dropped(const struct sipd_trace *t);

/** Visitor: return false to stop the walk. @p e is borrowed for the call. */
typedef bool (sipd_trace_h)(const struct sipd_trace_entry *e, void *arg);

/**
 * Call @p h for every entry of the ring, oldest first. The ring must not
 * be changed from @p h. Returns the number of entries visited.
 */
size_t sipd_trace_ring_foreach(const struct sipd_trace *t, sipd_trace_h *h,
			       void *arg);

/**
 * Copy the ring, oldest first, into a new array: @p *ep (free with
 * sipd_trace_snapshot_free()) of @p *np entries, which stays valid
 * whatever the trace does next (e.g. for a request served later). An
 * empty ring gives NULL and 0. Returns 0 or ENOMEM (nothing set).
 */
int sipd_trace_snapshot(const struct sipd_trace *t,
			struct sipd_trace_entry **ep, size_t *np);

/** Free a snapshot of @p n entries (NULL allowed). */
void sipd_trace_snapshot_free(struct sipd_trace_entry *e, size_t n);

/**
 * Print @p e on @p f in @p format, as described at the top of this file.
 * The output goes out in one write, so it never interleaves with log
 * lines. Nothing is reported on failure.
 */
void sipd_trace_print(FILE *f, enum sipd_log_format format,
		      const struct sipd_trace_entry *e);

/** "recv" or "send". */
const char *sipd_trace_dir_name(enum sipd_trace_dir dir);

#endif
