/*
 * reg_update.c - the binding update of one REGISTER, RFC 3261 §10.3
 * steps 6 and 7, with RFC 5626 §6 instance identity:
 *
 *   "*" (step 6): every binding goes, unless one has the request's
 *       Call-ID with a CSeq not below the request's: then the whole
 *       request fails.
 *   each contact (step 7): find the binding it names - same
 *       (+sip.instance, reg-id) when it has an instance, else an
 *       equivalent URI (§19.1.4). None: add it (unless expires is 0).
 *       One with another Call-ID: update it, or remove it for expires 0.
 *       One with the same Call-ID: the same if the CSeq is higher, else
 *       the whole request fails ("out-of-order requests from the same UA
 *       are ignored").
 *
 * Nothing is applied here: the caller gets the list of changes (all or
 * nothing, §10.3 "committed ... if and only if all binding updates and
 * additions succeed") and the bindings as they will be, for the 200.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "roles/roles.h"

struct slot {
	const struct sip_binding *cur;   /* stored binding, or NULL (new) */
	const struct reg_contact *rc;    /* the request's contact for it */
	const char *key;
	const char *instance;
	uint32_t reg_id;
	struct sip_uri uri;
	bool uri_ok;
	bool deleted;
};

static bool same_binding(const struct slot *s, const struct reg_contact *rc)
{
	if (rc->b.instance)
		return s->instance && !strcmp(s->instance, rc->b.instance) &&
		       s->reg_id == rc->b.reg_id;
	if (s->uri_ok)
		return sip_uri_eq(&s->uri, &rc->uri);
	return !strcmp(s->cur->contact, rc->b.contact);
}

static struct slot *find(struct slot *slots, size_t ns,
			 const struct reg_contact *rc)
{
	for (size_t i = 0; i < ns; i++) {
		if (same_binding(&slots[i], rc))
			return &slots[i];
	}
	return NULL;
}

/* §10.3: the same Call-ID with a CSeq that is not higher is stale. */
static bool stale(const struct sip_binding *b, const char *callid, uint32_t cseq)
{
	return !strcmp(b->callid, callid) && cseq <= b->cseq;
}

static void load_current(struct slot *slots, const struct sip_bindings *cur)
{
	for (size_t i = 0; i < cur->n; i++) {
		struct slot *s = &slots[i];
		const struct sip_binding *b = &cur->v[i];

		s->cur = b;
		s->key = b->key;
		s->instance = b->instance;
		s->reg_id = b->reg_id;
		s->uri_ok = !sip_uri_decode(&s->uri, sip_pl_str(b->contact));
	}
}

/* Step 7 for one contact. Returns false when the request is stale. */
static bool apply_contact(struct slot *slots, size_t *ns,
			  const struct reg_contact *rc, const char *callid,
			  uint32_t cseq)
{
	struct slot *s = find(slots, *ns, rc);

	/* a binding set by an earlier contact of this same request is
	 * simply overwritten: it is not an older request */
	if (s && !s->rc && stale(s->cur, callid, cseq))
		return false;
	if (!s) {
		if (!rc->secs)
			return true;  /* removing what is not there */
		s = &slots[(*ns)++];
		s->key = rc->b.key;
	}
	s->rc = rc;
	s->instance = rc->b.instance;
	s->reg_id = rc->b.reg_id;
	s->uri = rc->uri;
	s->uri_ok = true;
	s->deleted = rc->secs == 0;
	return true;
}

static void emit(struct reg_update *u, struct slot *slots, size_t ns)
{
	for (size_t i = 0; i < ns; i++) {
		struct slot *s = &slots[i];
		struct sip_binding_change *c = &u->chg[u->nchg];

		if (s->deleted) {
			if (!s->cur)
				continue;
			c->op = SIP_BINDING_DEL;
			c->b = *s->cur;
			u->nchg++;
			u->removed++;
			continue;
		}
		if (!s->rc) {
			u->after[u->nafter++] = s->cur;
			continue;
		}
		c->op = SIP_BINDING_PUT;
		c->b = s->rc->b;
		c->b.key = s->key;
		u->nchg++;
		if (s->cur)
			u->refreshed++;
		else
			u->added++;
		u->after[u->nafter++] = &c->b;
	}
}

int reg_update_compute(struct reg_update *u, const struct sip_bindings *cur,
		       const struct reg_contact *rc, size_t n, bool star,
		       const char *callid, uint32_t cseq, unsigned max_contacts)
{
	size_t cap = cur->n + n + 1, ns = cur->n, live = 0;
	struct slot *slots;

	memset(u, 0, sizeof(*u));
	slots = calloc(cap, sizeof(*slots));
	u->chg = calloc(cap, sizeof(*u->chg));
	u->after = calloc(cap, sizeof(*u->after));
	if (!slots || !u->chg || !u->after) {
		free(slots);
		reg_update_free(u);
		return ENOMEM;
	}
	load_current(slots, cur);
	for (size_t i = 0; star && i < ns; i++) {
		if (stale(slots[i].cur, callid, cseq))
			u->verdict = REG_STALE;
		slots[i].deleted = true;
	}
	for (size_t i = 0; !star && i < n && u->verdict == REG_OK; i++) {
		if (!apply_contact(slots, &ns, &rc[i], callid, cseq))
			u->verdict = REG_STALE;
	}
	for (size_t i = 0; i < ns; i++)
		live += !slots[i].deleted;
	if (u->verdict == REG_OK && live > max_contacts && live > cur->n)
		u->verdict = REG_TOO_MANY;
	if (u->verdict == REG_OK)
		emit(u, slots, ns);
	free(slots);
	return 0;
}

void reg_update_free(struct reg_update *u)
{
	free(u->chg);
	free(u->after);
	u->chg = NULL;
	u->after = NULL;
	u->nchg = u->nafter = 0;
}
