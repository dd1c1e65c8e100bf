/*
 * prom.h - the Prometheus text exposition format, version 0.0.4: "# HELP"
 * and "# TYPE" lines once per metric family, then its samples
 * "name{label="value",...} number"; label values escape backslash,
 * double quote and newline, HELP text backslash and newline.
 */
#ifndef SIP_PROM_H
#define SIP_PROM_H

#include <stdint.h>

#include "sip/buf.h"

/** Content-Type of the format. */
#define SIP_PROM_CTYPE "text/plain; version=0.0.4; charset=utf-8"

/**
 * Start family @p name of @p type ("counter", "gauge", "summary",
 * "untyped") with @p help. Errors are sticky in @p b.
 */
void sip_prom_family(struct sip_buf *b, const char *name, const char *type,
		     const char *help);

/**
 * One sample of @p name with labels @p kv: name, value, name, value,
 * ..., NULL (NULL itself: no labels). Values are escaped.
 */
void sip_prom_u64(struct sip_buf *b, const char *name,
		  const char *const *kv, uint64_t v);
void sip_prom_f64(struct sip_buf *b, const char *name,
		  const char *const *kv, double v);

/** Escape @p s as a label value (without the quotes). */
void sip_prom_escape(struct sip_buf *b, const char *s);

#endif
