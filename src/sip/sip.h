/*
 * sip.h - private to src/sip/: message internals shared by the typed
 * header parsers, and the lexical scanner (RFC 3261 §25.1 basic rules).
 */
#ifndef SRC_SIP_SIP_H
#define SRC_SIP_SIP_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/hdr.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/pl.h"

struct sip_msg_priv {
	struct sip_arena *arena;          /* owned */
	void *owner;                      /* reference on the bytes' owner */
	struct sip_hdr *first[SIP_HDR__COUNT];
	const void *typed[SIP_HDR__COUNT];/* cached typed value per header id */
	int8_t tstate[SIP_HDR__COUNT];    /* 0 not parsed, 1 ok, -1 error */
	const struct sip_uri *ruri;
	int8_t ruri_state;
	bool bad_version;                 /* m->err is the start line's version */
};

/**
 * Typed parser for all headers of one id: walks @p first and its ->next
 * chain, allocates the result from sip_msg_arena(m) and stores it in
 * @p *out. Returns 0, EBADMSG (after sip_msg_set_err()) or ENOMEM.
 */
typedef int (sip_typed_h)(struct sip_msg *m, const struct sip_hdr *first,
			  const void **out);

/**
 * Cached typed access: parses headers @p id with @p ph once and returns the
 * cached result (or cached error) afterwards. ENOENT when absent.
 */
int sip_msg_typed(struct sip_msg *m, enum sip_hdr_id id, sip_typed_h *ph,
		  const void **out);

/* ---- scanner: every function works on a cursor slice it advances ---- */

/** True for RFC 3261 token characters. */
bool sip_is_token(int c);

/** Skip SP, HTAB, CR, LF (LWS and folds). Returns true if any skipped. */
bool sip_scan_lws(struct sip_pl *c);

/** Skip LWS then consume @p ch. 0, or EBADMSG if next char differs. */
int sip_scan_char(struct sip_pl *c, char ch);

/** True (and consumes it) when, after LWS, the next char is @p ch. */
bool sip_scan_try(struct sip_pl *c, char ch);

/** Token (1+ token chars), no LWS skipped. 0 or EBADMSG. */
int sip_scan_token(struct sip_pl *c, struct sip_pl *tok);

/** Run of chars accepted by @p ok (1+). 0 or EBADMSG. */
int sip_scan_span(struct sip_pl *c, bool (*ok)(int), struct sip_pl *out);

/**
 * Quoted string starting at the cursor ('"' first): @p inner excludes the
 * quotes, quoted-pairs stay escaped. 0 or EBADMSG (unterminated).
 */
int sip_scan_quoted(struct sip_pl *c, struct sip_pl *inner);

/** Decimal number <= @p max. 0, EBADMSG (no digit) or ERANGE. */
int sip_scan_u32(struct sip_pl *c, uint32_t max, uint32_t *v);

/**
 * Next element of a comma-separated list (§7.3.1), commas inside quotes or
 * <...> not counting. @p item is trimmed. The cursor becomes NULL after
 * the last element. Returns 0, ENOENT at the end,
 * EBADMSG on an unterminated quote or '<'. Empty elements are returned
 * as empty slices (callers decide whether they are legal).
 */
int sip_scan_list_next(struct sip_pl *c, struct sip_pl *item);

/**
 * callid = word [ "@" word ] (§25.1) at the cursor; @p callid gets it.
 * 0 or EBADMSG.
 */
int sip_scan_callid(struct sip_pl *c, struct sip_pl *callid);

/** True when only LWS is left. */
bool sip_scan_end(struct sip_pl *c);



struct sip_out;

/**
 * Append a header whose @p name and @p value are borrowed: both must
 * outlive the out (a received message's slices). 0 or ENOMEM.
 */
int sip_out_add_ref(struct sip_out *o, enum sip_hdr_id id, struct sip_pl name,
		    struct sip_pl value);

/**
 * Canonical text of every value of header @p id of @p m, one value per
 * entry, appended to @p o (used by SIP_OUT_CANON). 0, EBADMSG, ENOMEM,
 * or SIP_DECLINED when @p id has no typed printer.
 */
int sip_out_canon_hdr(struct sip_out *o, struct sip_msg *m, enum sip_hdr_id id);

/** "Not mine, try the next handler" (STYLE.md §5). */
#define SIP_DECLINED (-1)
#endif
