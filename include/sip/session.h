/*
 * session.h - assorted small headers: RSeq and RAck (RFC 3262 §7.1-§7.2),
 * Session-Expires and Min-SE (RFC 4028 §4-§5), Replaces (RFC 3891 §6.1),
 * Reason (RFC 3326 §2), Privacy (RFC 3323 §4.2), Retry-After (RFC 3261
 * §20.33), Warning (§20.43), Date (§20.17) and Timestamp (§20.38).
 *
 * Every getter parses once and caches; it returns 0, ENOENT when the
 * header is absent, EBADMSG with m->err "Bad <Name> header" (the name as
 * sip_hdr_name() spells it), or ENOMEM. Headers other than Reason and
 * Warning are single valued: a second line is an error. Out-parameters are
 * written only on success.
 */
#ifndef SIP_SESSION_H
#define SIP_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sip/buf.h"
#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_msg;

/* ---- RSeq, RAck (RFC 3262) ---- */

/** RSeq: response-num, 1 to 2^32-1. */
int sip_msg_rseq(struct sip_msg *m, uint32_t *rseq);

struct sip_rack {
	uint32_t rseq;            /* response-num, 1 to 2^32-1 */
	uint32_t cseq;            /* CSeq-num, below 2^31 (RFC 3261 §8.1.1.5) */
	struct sip_pl method;
	enum sip_method mid;
};

/** RAck: "response-num LWS CSeq-num LWS Method". */
int sip_msg_rack(struct sip_msg *m, const struct sip_rack **rp);

/** Parse one RAck value. Returns 0 or EBADMSG. */
int sip_rack_decode(struct sip_rack *r, struct sip_pl text);

/** Print "rseq cseq METHOD". */
void sip_rack_print(struct sip_buf *b, const struct sip_rack *r);

/* ---- Session-Expires, Min-SE (RFC 4028) ---- */

enum sip_refresher {
	SIP_REFRESHER_NONE = 0,   /* no refresher parameter */
	SIP_REFRESHER_UAC,
	SIP_REFRESHER_UAS,
};

struct sip_session_expires {
	uint32_t secs;            /* delta-seconds */
	enum sip_refresher refresher;
	struct sip_pl params;     /* from the first ';' (included), or empty */
};

/** Session-Expires (compact "x"): delta-seconds [;refresher=uac|uas]. */
int sip_msg_session_expires(struct sip_msg *m, const struct sip_session_expires **sp);

/** Parse one Session-Expires value. Returns 0 or EBADMSG. */
int sip_session_expires_decode(struct sip_session_expires *se, struct sip_pl text);

/** Print "secs[;refresher=uac|uas]" then the other parameters. */
void sip_session_expires_print(struct sip_buf *b, const struct sip_session_expires *se);

/** Min-SE: delta-seconds (parameters checked, then ignored). */
int sip_msg_min_se(struct sip_msg *m, uint32_t *secs);

/* ---- Replaces (RFC 3891) ---- */

struct sip_replaces {
	struct sip_pl raw;
	struct sip_pl callid;
	struct sip_pl to_tag;     /* required */
	struct sip_pl from_tag;   /* required */
	bool early_only;
	struct sip_pl params;     /* from the first ';' (included) */
};

/** Replaces: callid;to-tag=..;from-tag=..[;early-only]. */
int sip_msg_replaces(struct sip_msg *m, const struct sip_replaces **rp);

/**
 * Parse one Replaces value (also usable on the unescaped "Replaces" header
 * of a Refer-To URI). Both tags are required (RFC 3891 §6.1), exactly once.
 * Returns 0 or EBADMSG.
 */
int sip_replaces_decode(struct sip_replaces *r, struct sip_pl text);

/** Print "callid;to-tag=..;from-tag=..[;early-only]" then other params. */
void sip_replaces_print(struct sip_buf *b, const struct sip_replaces *r);

/* ---- Reason (RFC 3326) ---- */

struct sip_reason {
	struct sip_pl raw;
	struct sip_pl protocol;   /* "SIP", "Q.850", other token */
	uint32_t cause;           /* valid when has_cause */
	bool has_cause;
	struct sip_pl text;       /* quotes excluded; unset when absent */
	struct sip_pl params;     /* from the first ';' (included), or empty */
	struct sip_reason *next;  /* next value, across lines */
};

/**
 * The Reason header list (not the status line's reason phrase, which is
 * m->reason): values of every line in order.
 */
int sip_msg_reason_hdr(struct sip_msg *m, const struct sip_reason **first);

/** Parse one reason-value (no top-level comma). Returns 0 or EBADMSG. */
int sip_reason_decode(struct sip_reason *r, struct sip_pl text);

/** Print one value: protocol[;cause=N][;text="..."] then other params. */
void sip_reason_print(struct sip_buf *b, const struct sip_reason *r);

/* ---- Privacy (RFC 3323) ---- */

enum sip_priv {
	SIP_PRIV_HEADER = 1 << 0,
	SIP_PRIV_SESSION = 1 << 1,
	SIP_PRIV_USER = 1 << 2,
	SIP_PRIV_NONE = 1 << 3,
	SIP_PRIV_CRITICAL = 1 << 4,
	SIP_PRIV_ID = 1 << 5,       /* RFC 3325 */
	SIP_PRIV_HISTORY = 1 << 6,  /* RFC 7044 */
	SIP_PRIV_OTHER = 1 << 7,    /* some other token: see ->raw */
};

struct sip_privacy {
	struct sip_pl raw;        /* the priv-values as written */
	unsigned flags;           /* enum sip_priv bits */
};

/** Privacy: priv-value *(";" priv-value), values compared ignoring case. */
int sip_msg_privacy(struct sip_msg *m, const struct sip_privacy **pp);

/** Parse one Privacy value. Returns 0 or EBADMSG. */
int sip_privacy_decode(struct sip_privacy *p, struct sip_pl text);

/** True when @p value (any case) is one of the priv-values of @p p->raw. */
bool sip_privacy_has(const struct sip_privacy *p, const char *value);

/**
 * Print the known values of ->flags ("header;session;...") followed by
 * the other tokens of ->raw.
 */
void sip_privacy_print(struct sip_buf *b, const struct sip_privacy *p);

/* ---- Retry-After (RFC 3261 §20.33) ---- */

struct sip_retry_after {
	uint32_t secs;            /* delta-seconds, at most 2^32-1 */
	struct sip_pl comment;    /* inside the outer parentheses; unset if none */
	uint32_t duration;        /* valid when has_duration */
	bool has_duration;
	struct sip_pl params;     /* from the first ';' (included), or empty */
};

/** Retry-After: delta-seconds [ comment ] *( SEMI retry-param ). */
int sip_msg_retry_after(struct sip_msg *m, const struct sip_retry_after **rp);

/** Parse one Retry-After value. Returns 0 or EBADMSG. */
int sip_retry_after_decode(struct sip_retry_after *ra, struct sip_pl text);

/** Print "secs[ (comment)][;duration=N]" then the other parameters. */
void sip_retry_after_print(struct sip_buf *b, const struct sip_retry_after *ra);

/* ---- Warning (RFC 3261 §20.43) ---- */

struct sip_warning {
	struct sip_pl raw;
	uint16_t code;            /* warn-code: exactly 3 digits */
	struct sip_pl agent;      /* hostport or pseudonym */
	struct sip_pl text;       /* quotes excluded, escapes kept */
	struct sip_warning *next; /* next value, across lines */
};

/** Warning list: warn-code SP warn-agent SP warn-text, comma-separated. */
int sip_msg_warning(struct sip_msg *m, const struct sip_warning **first);

/** Parse one warning-value. Returns 0 or EBADMSG. */
int sip_warning_decode(struct sip_warning *w, struct sip_pl text);

/** Print one value: `code agent "text"`. */
void sip_warning_print(struct sip_buf *b, const struct sip_warning *w);

/* ---- Date (RFC 3261 §20.17) ---- */

/**
 * Date: rfc1123-date, "Sat, 13 Nov 2010 23:29:00 GMT"; the zone must be
 * GMT (RFC 4475 baddate). @p *t gets seconds since the Epoch (UTC).
 */
int sip_msg_date(struct sip_msg *m, time_t *t);

/**
 * Parse an rfc1123-date. Names of days and months are matched ignoring
 * case (ABNF literals); the day of the week is checked for syntax only.
 * Returns 0 or EBADMSG (also for dates that do not exist).
 */
int sip_date_decode(struct sip_pl text, time_t *t);

/**
 * Print @p t as an rfc1123-date. Returns 0, or EINVAL when @p t is
 * outside the years 0000-9999 that the format can carry (nothing printed).
 */
int sip_date_print(struct sip_buf *b, time_t t);

/* ---- Timestamp (RFC 3261 §20.38) ---- */

struct sip_timestamp {
	struct sip_pl value;      /* 1*DIGIT [ "." *DIGIT ] */
	struct sip_pl delay;      /* same form; unset when absent */
};

/** Timestamp: value [ LWS delay ]; the numbers are kept as text. */
int sip_msg_timestamp(struct sip_msg *m, const struct sip_timestamp **tp);

/** Parse one Timestamp value. Returns 0 or EBADMSG. */
int sip_timestamp_decode(struct sip_timestamp *ts, struct sip_pl text);

/** Print "value[ delay]". */
void sip_timestamp_print(struct sip_buf *b, const struct sip_timestamp *ts);

#endif
