/*
 * tokens.h - headers whose value is a comma-separated list of tokens:
 * option tags in Require (RFC 3261 §20.32), Proxy-Require (§20.29),
 * Supported (§20.37) and Unsupported (§20.40); methods in Allow (§20.5);
 * event types in Allow-Events (RFC 6665 §7.2.2, §8.4); content codings in
 * Content-Encoding (§20.12) and Accept-Encoding (§20.2, with params).
 *
 * Comparison rules (sip_token_eq):
 * - option tags and content codings are tokens, and §7.3.1 says "tokens
 *   are always case-insensitive": compared ignoring ASCII case;
 * - methods are case-sensitive (§7.1);
 * - event types are compared byte by byte (RFC 6665 §8.2.1).
 */
#ifndef SIP_TOKENS_H
#define SIP_TOKENS_H

#include <stdbool.h>

#include "sip/buf.h"
#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_msg;

struct sip_token {
	struct sip_pl name;      /* the token as written */
	struct sip_pl params;    /* Accept-Encoding: from the first ';' (";q=0.5");
	                            empty for the other headers */
	struct sip_token *next;  /* next value, in message order across lines */
};

/**
 * The token list of header @p id, one of SIP_HDR_REQUIRE, _PROXY_REQUIRE,
 * _SUPPORTED, _UNSUPPORTED, _ALLOW, _ALLOW_EVENTS, _CONTENT_ENCODING,
 * _ACCEPT_ENCODING; values of every line of the header, in order. Parsed
 * once and cached in the message's arena.
 *
 * An empty line adds nothing, and a header whose lines are all empty
 * gives 0 with @p *first NULL (RFC 3261's grammar allows that only for
 * Supported, Allow and Accept-Encoding; for the others it is accepted as
 * well, since it requires or announces nothing). An empty element
 * ("a,,b", "a,") is an error.
 *
 * Returns 0 and sets @p *first; ENOENT when the header is absent; EINVAL
 * for another @p id; EBADMSG with m->err "Bad <Name> header"; ENOMEM.
 */
int sip_msg_tokens(struct sip_msg *m, enum sip_hdr_id id,
		   const struct sip_token **first);

/**
 * True when header @p id of @p m lists @p tok, compared by the rule of
 * @p id (see sip_token_eq). False when the header is absent or malformed
 * (m->err is then set as by sip_msg_tokens) or out of memory.
 */
bool sip_msg_has_token(struct sip_msg *m, enum sip_hdr_id id, const char *tok);

/**
 * Compare two tokens of header @p id: case-sensitive for Allow (methods,
 * §7.1) and Allow-Events (event types, RFC 6665 §8.2.1), ASCII
 * case-insensitive otherwise (§7.3.1).
 */
bool sip_token_eq(enum sip_hdr_id id, struct sip_pl a, struct sip_pl b);

/**
 * The "q" parameter of an Accept-Encoding value in thousandths (q=0.5 ->
 * 500). Returns 0, ENOENT when absent (the caller assumes 1000), or
 * EBADMSG when it is not a qvalue (only for values built by hand: parsed
 * headers were checked).
 */
int sip_token_q(const struct sip_token *t, unsigned *q1000);

/**
 * Print the list starting at @p first as one header value:
 * "name[;params], name..." (params printed canonically). Prints nothing
 * for an empty list. Errors are sticky in @p b.
 */
void sip_tokens_print(struct sip_buf *b, const struct sip_token *first);

#endif
