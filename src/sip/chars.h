/*
 * chars.h - private to src/sip/: character classes of RFC 3261 §25.1 as
 * one lookup table, so every scanner tests a class with one load.
 */
#ifndef SRC_SIP_CHARS_H
#define SRC_SIP_CHARS_H

#include <stdbool.h>
#include <stdint.h>

enum sip_char_class {
	SIP_C_ALPHA   = 1 << 0,
	SIP_C_DIGIT   = 1 << 1,
	SIP_C_HEX     = 1 << 2,
	SIP_C_TOKEN   = 1 << 3,  /* token */
	SIP_C_UNRES   = 1 << 4,  /* unreserved = alphanum / mark */
	SIP_C_RES     = 1 << 5,  /* reserved */
	SIP_C_USER    = 1 << 6,  /* unreserved / user-unreserved */
	SIP_C_PASSWD  = 1 << 7,  /* unreserved / "&=+$," */
	SIP_C_PARAM   = 1 << 8,  /* unreserved / param-unreserved */
	SIP_C_HNV     = 1 << 9,  /* unreserved / hnv-unreserved */
	SIP_C_WORD    = 1 << 10, /* word (Call-ID) */
	SIP_C_LWS     = 1 << 11, /* SP, HTAB, CR, LF */
	SIP_C_LIST    = 1 << 12, /* chars that matter when splitting a list */
};

extern const uint16_t sip_chars[256];

/** True when byte @p c is in every class of @p mask. */
static inline bool sip_char_is(int c, unsigned mask)
{
	return (sip_chars[(unsigned char)c] & mask) == mask;
}

#endif
