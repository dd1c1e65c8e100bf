/*
 * typed.h - private to src/sip/: small helpers shared by the typed header
 * parsers of tokens.c, authhdr.c, event.c, ctype.c and session.c
 * (RFC 3261 §25.1 generic-param, delta-seconds, qvalue; RFC 6665 §8.4
 * event-type).
 */
#ifndef SRC_SIP_TYPED_H
#define SRC_SIP_TYPED_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"

/**
 * The rest of a value after its main part: nothing, or `*( SEMI
 * generic-param )` up to the end. On success @p *params gets the trimmed
 * parameter slice (starting at ';', or empty) and 0 is returned; EBADMSG
 * on anything else.
 */
int sip_typed_params(struct sip_pl rest, struct sip_pl *params);

/**
 * delta-seconds (§25.1: 1*DIGIT) filling the whole slice @p v, at most
 * UINT32_MAX. Returns 0 or EBADMSG (empty, not digits, too large).
 */
int sip_typed_delta(struct sip_pl v, uint32_t *secs);

/**
 * qvalue (§25.1: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]) in
 * thousandths. Returns 0 or EBADMSG.
 */
int sip_typed_qvalue(struct sip_pl v, unsigned *q1000);

/**
 * True when @p t is an event-type (RFC 6665 §8.4): token-nodot parts
 * joined by single dots, none empty.
 */
bool sip_typed_event_type(struct sip_pl t);

/** True when every byte of @p v is a token character (and v not empty). */
bool sip_typed_is_token(struct sip_pl v);

/**
 * Print @p v as a parameter value: as is when it is a token and
 * @p quoted is false, else between double quotes (quoted-pairs in @p v
 * are kept as they are, so a slice taken from a quoted-string prints
 * back unchanged).
 */
void sip_typed_value_print(struct sip_buf *b, struct sip_pl v, bool quoted);

/**
 * Print every parameter of @p params (a slice starting at ';', already
 * checked) canonically as ";name" or ";name=value", except those whose
 * name (case-insensitive) is in the NULL-terminated list @p skip (NULL
 * for none). Quoted values stay quoted.
 */
void sip_typed_params_print(struct sip_buf *b, struct sip_pl params,
			    const char *const *skip);

#endif
