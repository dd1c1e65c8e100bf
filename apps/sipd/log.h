/*
 * log.h - the daemon's log: one line per entry on stderr (systemd style:
 * the service manager adds nothing we need), filtered by level
 * (log.level), as text or as one JSON object per line (log.format).
 *
 * An entry is a fixed message plus key fields, so that text and JSON
 * carry the same facts:
 *
 *   text: 2025-01-31T12:00:00.123Z notice malformed request peer=1.2.3.4:5060 reason="Bad CSeq header"
 *   json: {"time":"2025-01-31T12:00:00.123Z","level":"notice","msg":"malformed request","peer":"1.2.3.4:5060","reason":"Bad CSeq header"}
 *
 * Field values are strings (numbers too, formatted by the caller).
 *
 * Policy: nothing is logged per request at info or above; per-message
 * facts (malformed input, transaction changes) are debug.
 */
#ifndef SIPD_LOG_H
#define SIPD_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "config.h"

/* "2025-01-31T12:00:00.123Z" plus NUL. */
#define SIPD_TIME_LEN 32

/** A log sink. Plain fields: set them directly to change them live. */
struct sipd_log {
	FILE *f;                      /* borrowed; stderr in the daemon */
	enum sipd_log_level level;    /* least severe level written */
	enum sipd_log_format format;
};

/** Set @p l to write to @p f with the level and format of @p cfg. */
void sipd_log_init(struct sipd_log *l, FILE *f, const struct sipd_config_log *cfg);

/** True when an entry at @p level would be written (skip costly formatting). */
bool sipd_log_on(const struct sipd_log *l, enum sipd_log_level level);

/**
 * Write one entry: @p msg (fixed text) and then key/value string pairs,
 * ended by NULL: sipd_log(l, SIPD_LOG_NOTICE, "malformed request",
 * "peer", peer, "reason", reason, NULL). A NULL value is written as "-".
 * The line goes out in one write, so entries never interleave. Nothing is
 * reported on failure (out of memory: the entry is lost).
 */
void sipd_log(const struct sipd_log *l, enum sipd_log_level level,
	      const char *msg, ...) __attribute__((sentinel));

/** As sipd_log() with a printf-formatted message and no key fields. */
void sipd_logf(const struct sipd_log *l, enum sipd_log_level level,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** "debug", "info", "notice", "warning", "error"; "?" if out of range. */
const char *sipd_log_level_name(enum sipd_log_level level);

/** "text" or "json"; "?" if out of range. */
const char *sipd_log_format_name(enum sipd_log_format format);

/**
 * Format @p ts (wall clock) as ISO 8601 UTC with milliseconds,
 * "2025-01-31T12:00:00.123Z", into @p buf. Returns @p buf.
 */
const char *sipd_time_iso(char buf[SIPD_TIME_LEN], const struct timespec *ts);

#endif
