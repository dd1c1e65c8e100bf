/*
 * chars.c - the character class table of RFC 3261 §25.1 (token, mark,
 * reserved, user-/param-/hnv-unreserved, word).
 */
#include "chars.h"

/* An unreserved char may appear in user, password, param and hnv too. */
#define U (SIP_C_UNRES | SIP_C_USER | SIP_C_PASSWD | SIP_C_PARAM | SIP_C_HNV)
#define ALNUM (SIP_C_TOKEN | U | SIP_C_WORD)

const uint16_t sip_chars[256] = {
	['0' ... '9'] = SIP_C_DIGIT | SIP_C_HEX | ALNUM,
	['a' ... 'f'] = SIP_C_ALPHA | SIP_C_HEX | ALNUM,
	['g' ... 'z'] = SIP_C_ALPHA | ALNUM,
	['A' ... 'F'] = SIP_C_ALPHA | SIP_C_HEX | ALNUM,
	['G' ... 'Z'] = SIP_C_ALPHA | ALNUM,
	/* mark, which is also token except for ( and ) */
	['-'] = SIP_C_TOKEN | U | SIP_C_WORD,
	['.'] = SIP_C_TOKEN | U | SIP_C_WORD,
	['!'] = SIP_C_TOKEN | U | SIP_C_WORD,
	['*'] = SIP_C_TOKEN | U | SIP_C_WORD,
	['_'] = SIP_C_TOKEN | U | SIP_C_WORD,
	['\''] = SIP_C_TOKEN | U | SIP_C_WORD,
	['~'] = SIP_C_TOKEN | U | SIP_C_WORD,
	['('] = U | SIP_C_WORD,
	[')'] = U | SIP_C_WORD,
	/* token only */
	['%'] = SIP_C_TOKEN | SIP_C_WORD,
	['`'] = SIP_C_TOKEN | SIP_C_WORD,
	/* reserved */
	['+'] = SIP_C_TOKEN | SIP_C_RES | SIP_C_USER | SIP_C_PASSWD | SIP_C_PARAM |
		SIP_C_HNV | SIP_C_WORD,
	[';'] = SIP_C_RES | SIP_C_USER,
	['/'] = SIP_C_RES | SIP_C_USER | SIP_C_PARAM | SIP_C_HNV | SIP_C_WORD,
	['?'] = SIP_C_RES | SIP_C_USER | SIP_C_HNV | SIP_C_WORD,
	[':'] = SIP_C_RES | SIP_C_PARAM | SIP_C_HNV | SIP_C_WORD,
	['@'] = SIP_C_RES,
	['&'] = SIP_C_RES | SIP_C_USER | SIP_C_PASSWD | SIP_C_PARAM,
	['='] = SIP_C_RES | SIP_C_USER | SIP_C_PASSWD,
	['$'] = SIP_C_RES | SIP_C_USER | SIP_C_PASSWD | SIP_C_PARAM | SIP_C_HNV,
	[','] = SIP_C_RES | SIP_C_USER | SIP_C_PASSWD | SIP_C_LIST,
	/* the rest of word */
	['['] = SIP_C_PARAM | SIP_C_HNV | SIP_C_WORD,
	[']'] = SIP_C_PARAM | SIP_C_HNV | SIP_C_WORD,
	['<'] = SIP_C_WORD | SIP_C_LIST, ['>'] = SIP_C_WORD | SIP_C_LIST,
	['"'] = SIP_C_WORD | SIP_C_LIST,
	['{'] = SIP_C_WORD, ['}'] = SIP_C_WORD, ['\\'] = SIP_C_WORD,
	[' '] = SIP_C_LWS, ['\t'] = SIP_C_LWS, ['\r'] = SIP_C_LWS, ['\n'] = SIP_C_LWS,
};
