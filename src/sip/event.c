/*
 * event.c - Event and Subscription-State headers (RFC 6665 §8.2.1,
 * §8.2.3, grammar §8.4):
 *
 *   Event              = ( "Event" / "o" ) HCOLON event-type *( SEMI event-param )
 *   event-type         = event-package *( "." event-template )
 *   event-param        = generic-param / ( "id" EQUAL token )
 *   Subscription-State = "Subscription-State" HCOLON substate-value
 *                        *( SEMI subexp-params )
 *   subexp-params      = ("reason" EQUAL event-reason-value)
 *                      / ("expires" EQUAL delta-seconds)
 *                      / ("retry-after" EQUAL delta-seconds) / generic-param
 */
#include <errno.h>

#include "sip/event.h"
#include "sip/mem.h"
#include "sip/param.h"
#include "sip.h"
#include "typed.h"

static const char *const state_names[] = {
	[SIP_SUBSTATE_ACTIVE] = "active",
	[SIP_SUBSTATE_PENDING] = "pending",
	[SIP_SUBSTATE_TERMINATED] = "terminated",
};

static const char *const reason_names[] = {
	[SIP_SUBREASON_DEACTIVATED] = "deactivated",
	[SIP_SUBREASON_PROBATION] = "probation",
	[SIP_SUBREASON_REJECTED] = "rejected",
	[SIP_SUBREASON_TIMEOUT] = "timeout",
	[SIP_SUBREASON_GIVEUP] = "giveup",
	[SIP_SUBREASON_NORESOURCE] = "noresource",
	[SIP_SUBREASON_INVARIANT] = "invariant",
};

const char *sip_substate_name(enum sip_substate_value v)
{
	if (v <= SIP_SUBSTATE_OTHER || v > SIP_SUBSTATE_TERMINATED)
		return NULL;
	return state_names[v];
}

const char *sip_subreason_name(enum sip_subreason r)
{
	if (r <= SIP_SUBREASON_NONE || r >= SIP_SUBREASON_OTHER)
		return NULL;
	return reason_names[r];
}

/* A parameter that must carry a token value; ENOENT when absent. */
static int token_param(struct sip_pl params, const char *name, struct sip_pl *v)
{
	struct sip_param p;

	if (sip_param_get(params, name, &p))
		return ENOENT;
	if (p.quoted || !sip_typed_is_token(p.value))
		return EBADMSG;
	*v = p.value;
	return 0;
}

int sip_event_decode(struct sip_event *e, struct sip_pl text)
{
	struct sip_event v = { 0 };
	struct sip_pl c = sip_pl_trim(text);
	int err;

	v.raw = text;
	if (sip_scan_token(&c, &v.type) || !sip_typed_event_type(v.type))
		return EBADMSG;
	if (sip_typed_params(c, &v.params))
		return EBADMSG;
	err = token_param(v.params, "id", &v.id);
	if (err && err != ENOENT)
		return EBADMSG;
	v.package = v.type;
	for (size_t i = 0; i < v.type.len; i++) {
		if (v.type.p[i] == '.') {
			v.package.len = i;
			v.templates = (struct sip_pl){ v.type.p + i + 1, v.type.len - i - 1 };
			break;
		}
	}
	*e = v;
	return 0;
}

bool sip_event_match(const struct sip_event *a, const struct sip_event *b)
{
	if (!sip_pl_eq(a->type, b->type))
		return false;
	if (sip_pl_isset(&a->id) != sip_pl_isset(&b->id))
		return false;
	return sip_pl_eq(a->id, b->id);
}

static enum sip_substate_value state_lookup(struct sip_pl v)
{
	for (int s = SIP_SUBSTATE_ACTIVE; s <= SIP_SUBSTATE_TERMINATED; s++)
		if (sip_pl_caseeqs(v, state_names[s]))
			return (enum sip_substate_value)s;
	return SIP_SUBSTATE_OTHER;
}

static enum sip_subreason reason_lookup(struct sip_pl v)
{
	for (int r = SIP_SUBREASON_DEACTIVATED; r < SIP_SUBREASON_OTHER; r++)
		if (sip_pl_caseeqs(v, reason_names[r]))
			return (enum sip_subreason)r;
	return SIP_SUBREASON_OTHER;
}

/* A delta-seconds parameter; ENOENT when absent. */
static int delta_param(struct sip_pl params, const char *name, uint32_t *secs)
{
	struct sip_param p;

	if (sip_param_get(params, name, &p))
		return ENOENT;
	if (p.quoted || sip_typed_delta(p.value, secs))
		return EBADMSG;
	return 0;
}

static int substate_params(struct sip_substate *s)
{
	int err = token_param(s->params, "reason", &s->reason);

	if (err == 0)
		s->reason_id = reason_lookup(s->reason);
	else if (err != ENOENT)
		return EBADMSG;
	err = delta_param(s->params, "expires", &s->expires);
	if (err && err != ENOENT)
		return EBADMSG;
	s->has_expires = err == 0;
	err = delta_param(s->params, "retry-after", &s->retry_after);
	if (err && err != ENOENT)
		return EBADMSG;
	s->has_retry_after = err == 0;
	return 0;
}

int sip_substate_decode(struct sip_substate *s, struct sip_pl text)
{
	struct sip_substate v = { 0 };
	struct sip_pl c = sip_pl_trim(text);

	v.raw = text;
	if (sip_scan_token(&c, &v.value) || sip_typed_params(c, &v.params))
		return EBADMSG;
	v.state = state_lookup(v.value);
	if (substate_params(&v))
		return EBADMSG;
	*s = v;
	return 0;
}

static int parse_event(struct sip_msg *m, const struct sip_hdr *first,
		       const void **out)
{
	struct sip_event *e;

	e = sip_arena_alloc(sip_msg_arena(m), sizeof(*e));
	if (!e)
		return ENOMEM;
	if (first->next || sip_event_decode(e, first->value)) {
		sip_msg_set_err(m, SIP_HDR_EVENT, "Bad Event header");
		return EBADMSG;
	}
	*out = e;
	return 0;
}

static int parse_substate(struct sip_msg *m, const struct sip_hdr *first,
			  const void **out)
{
	struct sip_substate *s;

	s = sip_arena_alloc(sip_msg_arena(m), sizeof(*s));
	if (!s)
		return ENOMEM;
	if (first->next || sip_substate_decode(s, first->value)) {
		sip_msg_set_err(m, SIP_HDR_SUBSCRIPTION_STATE,
				"Bad Subscription-State header");
		return EBADMSG;
	}
	*out = s;
	return 0;
}

int sip_msg_event(struct sip_msg *m, const struct sip_event **ep)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_EVENT, parse_event, &v);

	if (err)
		return err;
	*ep = v;
	return 0;
}

int sip_msg_substate(struct sip_msg *m, const struct sip_substate **sp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_SUBSCRIPTION_STATE, parse_substate, &v);

	if (err)
		return err;
	*sp = v;
	return 0;
}

void sip_event_print(struct sip_buf *b, const struct sip_event *e)
{
	static const char *const skip[] = { "id", NULL };

	sip_buf_pl(b, e->type);
	if (sip_pl_isset(&e->id)) {
		sip_buf_puts(b, ";id=");
		sip_buf_pl(b, e->id);
	}
	sip_typed_params_print(b, e->params, skip);
}

void sip_substate_print(struct sip_buf *b, const struct sip_substate *s)
{
	static const char *const skip[] = { "reason", "expires", "retry-after", NULL };
	struct sip_pl reason = s->reason;

	if (s->value.len)
		sip_buf_pl(b, s->value);
	else
		sip_buf_puts(b, sip_substate_name(s->state) ? sip_substate_name(s->state) : "");
	if (!sip_pl_isset(&reason) && sip_subreason_name(s->reason_id))
		reason = sip_pl_str(sip_subreason_name(s->reason_id));
	if (sip_pl_isset(&reason)) {
		sip_buf_puts(b, ";reason=");
		sip_buf_pl(b, reason);
	}
	if (s->has_expires)
		sip_buf_printf(b, ";expires=%u", (unsigned)s->expires);
	if (s->has_retry_after)
		sip_buf_printf(b, ";retry-after=%u", (unsigned)s->retry_after);
	sip_typed_params_print(b, s->params, skip);
}
