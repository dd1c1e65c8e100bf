/*
 * param.h - header parameters (`;name=value`, RFC 3261 §25.1 generic-param)
 * read straight from their slice, without allocation.
 */
#ifndef SIP_PARAM_H
#define SIP_PARAM_H

#include <stdbool.h>

#include "sip/buf.h"
#include "sip/pl.h"

struct sip_param {
	struct sip_pl name;
	struct sip_pl value;   /* unset (p == NULL) for a flag parameter */
	bool quoted;           /* value was a quoted-string; slice excludes quotes */
};

/**
 * Iterate over the parameters in @p *cur, a slice that starts at a ';'
 * (or is empty). On success fills @p out, advances @p *cur and returns 0;
 * ENOENT when no parameter is left; EBADMSG on a syntax error.
 */
int sip_param_next(struct sip_pl *cur, struct sip_param *out);

/**
 * Find parameter @p name (case-insensitive) in the parameter slice
 * @p params. Returns 0 and fills @p out, or ENOENT.
 */
int sip_param_get(struct sip_pl params, const char *name, struct sip_param *out);

/** True when parameter @p name is present (with or without a value). */
bool sip_param_exists(struct sip_pl params, const char *name);

/** Check the whole parameter slice. Returns 0 or EBADMSG. */
int sip_param_check(struct sip_pl params);

/**
 * Append every parameter of @p params as ";name" or ";name=value", without
 * LWS; quoted values keep their quotes and escapes. Allocation failures
 * are sticky in @p b.
 */
void sip_param_print(struct sip_buf *b, struct sip_pl params);

#endif
