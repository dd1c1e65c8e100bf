/*
 * event.h - SIP-specific event notification headers (RFC 6665): Event
 * (§8.2.1, grammar §8.4) and Subscription-State (§8.2.3, §8.4).
 */
#ifndef SIP_EVENT_H
#define SIP_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"

struct sip_msg;

struct sip_event {
	struct sip_pl raw;        /* the header value as written */
	struct sip_pl type;       /* event-type: "presence.winfo" */
	struct sip_pl package;    /* the event package: "presence" */
	struct sip_pl templates;  /* after the first '.': "winfo"; unset when none */
	struct sip_pl id;         /* "id" parameter; unset when absent */
	struct sip_pl params;     /* from the first ';' (included), or empty */
};

enum sip_substate_value {
	SIP_SUBSTATE_OTHER = 0,   /* extension-substate: see ->value */
	SIP_SUBSTATE_ACTIVE,
	SIP_SUBSTATE_PENDING,
	SIP_SUBSTATE_TERMINATED,
};

enum sip_subreason {
	SIP_SUBREASON_NONE = 0,   /* no reason parameter */
	SIP_SUBREASON_DEACTIVATED,
	SIP_SUBREASON_PROBATION,
	SIP_SUBREASON_REJECTED,
	SIP_SUBREASON_TIMEOUT,
	SIP_SUBREASON_GIVEUP,
	SIP_SUBREASON_NORESOURCE,
	SIP_SUBREASON_INVARIANT,
	SIP_SUBREASON_OTHER,      /* event-reason-extension: see ->reason */
};

struct sip_substate {
	struct sip_pl raw;
	struct sip_pl value;      /* substate-value as written */
	enum sip_substate_value state;
	struct sip_pl reason;     /* "reason" parameter; unset when absent */
	enum sip_subreason reason_id;
	uint32_t expires;         /* valid when has_expires */
	bool has_expires;
	uint32_t retry_after;     /* valid when has_retry_after */
	bool has_retry_after;
	struct sip_pl params;     /* from the first ';' (included), or empty */
};

/**
 * The Event header (compact form "o") of @p m, parsed once and cached.
 * The header holds exactly one event (RFC 6665 §8.2.1): a second Event
 * line is an error. Returns 0 and sets @p *ep; ENOENT when absent;
 * EBADMSG with m->err "Bad Event header"; ENOMEM.
 */
int sip_msg_event(struct sip_msg *m, const struct sip_event **ep);

/** Parse one Event value from @p text into @p e. Returns 0 or EBADMSG. */
int sip_event_decode(struct sip_event *e, struct sip_pl text);

/**
 * RFC 6665 §8.2.1 matching (NOTIFY or response against its SUBSCRIBE):
 * event types equal byte by byte, and either both have the same "id"
 * (byte by byte) or neither has one. Other parameters are ignored.
 */
bool sip_event_match(const struct sip_event *a, const struct sip_event *b);

/**
 * Print an Event value: the type, ";id=" when set, then the other
 * parameters of ->params canonically.
 */
void sip_event_print(struct sip_buf *b, const struct sip_event *e);

/**
 * The Subscription-State header of @p m, parsed once and cached. Single
 * valued. reason must be a token, expires and retry-after delta-seconds
 * (at most 2^32-1). Returns 0 and sets @p *sp; ENOENT when absent;
 * EBADMSG with m->err "Bad Subscription-State header"; ENOMEM.
 */
int sip_msg_substate(struct sip_msg *m, const struct sip_substate **sp);

/** Parse one Subscription-State value. Returns 0 or EBADMSG. */
int sip_substate_decode(struct sip_substate *s, struct sip_pl text);

/**
 * Print a Subscription-State value: the state (->value, or the name of
 * ->state when ->value is empty), then reason, expires, retry-after from
 * the typed fields, then the other parameters of ->params.
 */
void sip_substate_print(struct sip_buf *b, const struct sip_substate *s);

/** Name of a state ("active"), NULL for SIP_SUBSTATE_OTHER. */
const char *sip_substate_name(enum sip_substate_value v);

/** Name of a reason ("noresource"), NULL for NONE and OTHER. */
const char *sip_subreason_name(enum sip_subreason r);

#endif
