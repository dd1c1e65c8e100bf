/*
 * json.h - the little JSON the daemon writes (RFC 8259): string values
 * for the log's JSON lines and the trace's JSON records.
 */
#ifndef SIPD_JSON_H
#define SIPD_JSON_H

#include <stddef.h>

#include "sip/buf.h"

/**
 * Append @p len bytes at @p p to @p b as one JSON string, quotes
 * included. '"', '\\' and control characters are escaped; valid UTF-8
 * is copied; any other byte (a SIP message may carry anything) becomes
 * "\u00XX", so the output is always valid JSON. Allocation failure is
 * left sticky in @p b.
 */
void sipd_json_str(struct sip_buf *b, const char *p, size_t len);

#endif
