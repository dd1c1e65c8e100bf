/*
 * reg_request.c - reading a REGISTER (RFC 3261 §10.3 steps 1-7 as far as
 * they need no stored state): the domain of the Request-URI and of the
 * To AOR, third-party registration, the Contact list with its expiry
 * (contact "expires" parameter, else the Expires header, else the
 * default; §10.2.1.1), q-values, RFC 5626 +sip.instance and reg-id,
 * RFC 3327 Path, and what a binding records for NAT traversal.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/hdr.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/param.h"
#include "sip/tokens.h"
#include "sip/transport.h"

#include "roles/roles.h"

/* RFC 5626 §4.2.1: reg-id = 1*DIGIT, 1 to 2^31-1 */
enum { REG_ID_MAX = 2147483647 };

static uint16_t refuse(struct reg_tx *tx, uint16_t scode, const char *reason)
{
	tx->reason = reason;
	return scode;
}

static bool pl_caseeq_str(struct sip_pl a, const char *s, size_t n)
{
	return a.len == n && !strncasecmp(a.p, s, n);
}

/* A served domain: conf.domains (IPv6 entries with or without brackets),
 * then the is_local hook. */
static bool local_domain(const struct sip_registrar *reg, struct sip_pl host)
{
	const struct sip_registrar_conf *c = &reg->conf;

	for (size_t i = 0; c->domains && c->domains[i]; i++) {
		const char *d = c->domains[i];
		size_t n = strlen(d);

		if (n > 2 && d[0] == '[' && d[n - 1] == ']')
			d++, n -= 2;
		if (pl_caseeq_str(host, d, n))
			return true;
	}
	return c->is_local && c->is_local(c->domain_arg, host);
}

/* Canonical AOR of @p uri in the arena, or NULL (not sip/sips, bad). */
static const char *canon(struct reg_tx *tx, const struct sip_uri *uri)
{
	struct sip_buf b;
	const char *s = NULL;

	sip_buf_init(&b);
	if (!sip_aor_canon(&b, uri) && !sip_buf_err(&b))
		s = sip_arena_strndup(tx->arena, b.p, b.len);
	sip_buf_reset(&b);
	return s;
}

static const char *user_aor(struct reg_tx *tx, const struct sip_user *u)
{
	struct sip_buf b;
	const char *s = NULL;

	sip_buf_init(&b);
	sip_aor_from_parts(&b, sip_pl_str(u->username), sip_pl_str(u->domain));
	if (!sip_buf_err(&b))
		s = sip_arena_strndup(tx->arena, b.p, b.len);
	sip_buf_reset(&b);
	return s;
}

/* §10.3 steps 1, 3, 4, 5: whose bindings, and may this request touch them. */
static uint16_t read_aor(struct reg_tx *tx, const struct sip_reg_req *rq)
{
	struct sip_registrar *reg = tx->reg;
	const struct sip_uri *ruri;
	const struct sip_addr *to, *from;
	const char *from_aor = NULL, *auth_aor = NULL;

	if (sip_msg_ruri(tx->m, &ruri) || sip_msg_to(tx->m, &to) ||
	    sip_msg_from(tx->m, &from))
		return refuse(tx, 400, tx->m->err ? tx->m->err : "Bad Request");
	if ((ruri->scheme != SIP_URI_SIP && ruri->scheme != SIP_URI_SIPS) ||
	    !local_domain(reg, ruri->host))
		return refuse(tx, 404, "Domain not served here");
	if ((to->uri.scheme != SIP_URI_SIP && to->uri.scheme != SIP_URI_SIPS) ||
	    !local_domain(reg, to->uri.host))
		return refuse(tx, 404, "Not Found");
	tx->aor = canon(tx, &to->uri);
	if (!tx->aor)
		return refuse(tx, 400, "Bad To header: address-of-record");
	if (from->uri.scheme == SIP_URI_SIP || from->uri.scheme == SIP_URI_SIPS)
		from_aor = canon(tx, &from->uri);
	if (rq->user && rq->user->username && rq->user->domain) {
		auth_aor = user_aor(tx, rq->user);
		if (!auth_aor)
			return refuse(tx, 500, "Out of memory");
	}
	if ((!from_aor || strcmp(from_aor, tx->aor) ||
	     (auth_aor && strcmp(auth_aor, tx->aor))) &&
	    !(reg->conf.third_party &&
	      reg->conf.third_party(reg->conf.policy_arg, tx->aor, from_aor,
				    rq->user)))
		return refuse(tx, 403, "Third-party registration not allowed");
	return 0;
}

static const char *dup_pl(struct reg_tx *tx, struct sip_pl pl)
{
	return pl.p ? sip_arena_strndup(tx->arena, pl.p, pl.len) : NULL;
}

/* Path values (RFC 3327) joined as one header value. 0 or a status. */
static uint16_t read_path(struct reg_tx *tx)
{
	const struct sip_addr *a;
	struct sip_buf b;
	int err = sip_msg_path(tx->m, &a);

	if (err == ENOENT)
		return 0;
	if (err)
		return refuse(tx, 400, tx->m->err ? tx->m->err : "Bad Path header");
	sip_buf_init(&b);
	for (; a; a = a->next) {
		sip_buf_pl(&b, a->raw);
		if (a->next)
			sip_buf_puts(&b, ", ");
	}
	if (!sip_buf_err(&b))
		tx->path = sip_arena_strndup(tx->arena, b.p, b.len);
	sip_buf_reset(&b);
	return tx->path ? 0 : refuse(tx, 500, "Out of memory");
}

/* Seconds granted to contact @p a. 0 or a status (400, 423). */
static uint16_t contact_expiry(struct reg_tx *tx, const struct sip_addr *a,
			       const uint32_t *hdr, uint32_t *secs)
{
	const struct sip_registrar_conf *c = &tx->reg->conf;
	int err = sip_contact_expires(a, secs);

	if (err == ENOENT)
		*secs = hdr ? *hdr : c->default_expires;
	else if (err)
		return refuse(tx, 400, "Bad Contact header: expires");
	if (*secs > c->max_expires)
		*secs = c->max_expires;
	/* §10.3 step 7: 423 below the minimum; 0 (removal) is always fine */
	if (*secs && *secs < c->min_expires)
		return refuse(tx, 423, NULL);
	return 0;
}

/* RFC 5626 §6: +sip.instance and reg-id. 0 or a status. */
static uint16_t contact_instance(struct reg_tx *tx, const struct sip_addr *a,
				 struct sip_binding *b)
{
	struct sip_param p;
	uint32_t id;

	if (sip_param_get(a->params, "+sip.instance", &p))
		return 0;
	if (!sip_pl_isset(&p.value) || !p.value.len)
		return refuse(tx, 400, "Bad Contact header: +sip.instance");
	b->instance = dup_pl(tx, p.value);
	if (sip_param_get(a->params, "reg-id", &p))
		return 0;
	if (!sip_pl_isset(&p.value) || sip_pl_u32(p.value, REG_ID_MAX, &id) || !id)
		return refuse(tx, 400, "Bad Contact header: reg-id");
	b->reg_id = id;
	tx->outbound_used = true;
	return 0;
}

/* The key a new binding gets: its instance, else its URI as written. */
static const char *binding_key(struct reg_tx *tx, const struct sip_binding *b)
{
	struct sip_buf k;
	const char *s = NULL;

	sip_buf_init(&k);
	if (b->instance) {
		sip_buf_printf(&k, "i:%s", b->instance);
		if (b->reg_id)
			sip_buf_printf(&k, ";%u", (unsigned)b->reg_id);
	} else {
		sip_buf_puts(&k, "c:");
		sip_buf_puts(&k, b->contact);
	}
	if (!sip_buf_err(&k))
		s = sip_arena_strndup(tx->arena, k.p, k.len);
	sip_buf_reset(&k);
	return s;
}

/* What every binding of this request records besides its contact. */
static void common_fields(struct reg_tx *tx, const struct sip_reg_req *rq,
			  struct sip_binding *tmpl)
{
	const struct sip_cseq *cs;
	const struct sip_hdr *ua = sip_msg_hdr(tx->m, SIP_HDR_USER_AGENT);
	struct sip_pl callid = { 0 };
	struct sip_buf b;

	sip_msg_callid(tx->m, &callid);
	tmpl->aor = tx->aor;
	tmpl->callid = dup_pl(tx, callid);
	if (!sip_msg_cseq(tx->m, &cs))
		tmpl->cseq = cs->num;
	tmpl->path = tx->path;
	tmpl->user_agent = ua ? dup_pl(tx, ua->value) : NULL;
	tmpl->updated = tx->now;
	if (!rq->src)
		return;
	tmpl->transport = sip_tp_kind_name(rq->src->kind);
	sip_buf_init(&b);
	sip_tp_addr_print(&b, &rq->src->remote, true);
	if (b.len && !sip_buf_err(&b))
		tmpl->received = sip_arena_strndup(tx->arena, b.p, b.len);
	b.len = 0;
	sip_tp_addr_print(&b, &rq->src->local, true);
	if (b.len && !sip_buf_err(&b))
		tmpl->socket = sip_arena_strndup(tx->arena, b.p, b.len);
	sip_buf_reset(&b);
}

static uint16_t read_contact(struct reg_tx *tx, const struct sip_addr *a,
			     const uint32_t *hdr, const struct sip_binding *tmpl,
			     struct reg_contact *rc)
{
	unsigned q;
	uint16_t sc;
	int err;

	rc->b = *tmpl;
	rc->uri = a->uri;
	if ((sc = contact_expiry(tx, a, hdr, &rc->secs)))
		return sc;
	err = sip_contact_q(a, &q);
	if (err && err != ENOENT)
		return refuse(tx, 400, "Bad Contact header: q");
	rc->b.q = err ? -1 : (int)q;
	if ((sc = contact_instance(tx, a, &rc->b)))
		return sc;
	rc->b.contact = dup_pl(tx, a->uri_raw);
	rc->b.expires = tx->now + (uint64_t)rc->secs * 1000;
	rc->b.key = rc->b.contact ? binding_key(tx, &rc->b) : NULL;
	if (!rc->b.key || !rc->b.callid)
		return refuse(tx, 500, "Out of memory");
	return 0;
}

/* §10.3 step 6 (wildcard) and the contacts of step 7. */
static uint16_t read_contacts(struct reg_tx *tx, const struct sip_reg_req *rq)
{
	const struct sip_addr *first, *a;
	struct sip_binding tmpl = { 0 };
	uint32_t hdr_secs, *hdr = &hdr_secs;
	size_t n = 0;
	uint16_t sc;
	int err;

	err = sip_msg_expires(tx->m, &hdr_secs);
	if (err == ENOENT)
		hdr = NULL;
	else if (err)
		return refuse(tx, 400, tx->m->err ? tx->m->err : "Bad Expires header");
	err = sip_msg_contact(tx->m, &first);
	if (err == ENOENT)
		return 0;  /* a query (§10.2.3) */
	if (err)
		return refuse(tx, 400, tx->m->err ? tx->m->err : "Bad Contact header");
	for (a = first; a; a = a->next)
		n++;
	if (first->star) {
		if (n > 1 || !hdr || *hdr)
			return refuse(tx, 400, "Bad Contact header: \"*\" needs "
				      "Expires: 0 and no other contact");
		tx->star = true;
		return 0;
	}
	tx->rc = sip_arena_zalloc(tx->arena, n * sizeof(*tx->rc));
	if (!tx->rc)
		return refuse(tx, 500, "Out of memory");
	common_fields(tx, rq, &tmpl);
	for (a = first; a; a = a->next) {
		if (a->star)
			return refuse(tx, 400, "Bad Contact header: \"*\" needs "
				      "Expires: 0 and no other contact");
		if ((sc = read_contact(tx, a, hdr, &tmpl, &tx->rc[tx->nrc])))
			return sc;
		tx->nrc++;
	}
	return 0;
}

uint16_t reg_request_read(struct reg_tx *tx, const struct sip_reg_req *rq)
{
	uint16_t sc;
	int err = sip_msg_check(tx->m);

	if (err == ENOMEM)
		return refuse(tx, 500, "Out of memory");
	if (err)
		return refuse(tx, 400, tx->m->err ? tx->m->err : "Bad Request");
	if ((sc = read_aor(tx, rq)) || (sc = read_path(tx)))
		return sc;
	tx->path_ok = sip_msg_has_token(tx->m, SIP_HDR_SUPPORTED, "path");
	tx->outbound_ok = sip_msg_has_token(tx->m, SIP_HDR_SUPPORTED, "outbound");
	return read_contacts(tx, rq);
}
