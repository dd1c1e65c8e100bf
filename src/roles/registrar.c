/*
 * registrar.c - REGISTER processing, RFC 3261 §10.3, from request to
 * answer (the answers and the choices behind them: registrar.h):
 *
 *   handle ── reg_request_read ──(refused)──────────────> defer ─> answer
 *                  │ ok
 *                  └─> store lookup(AOR) ─> reg_update_compute
 *                        ├─ stale CSeq / too many ────────────────> answer
 *                        ├─ nothing to change (query, or removing
 *                        │  what is not there) ───────────────────> 200
 *                        └─> store apply(changes) ─(committed)────> 200
 *
 * The lookup handler reads and the apply it starts writes in the same
 * callback, so with the memory index no other request can come between
 * the two (the read-modify-write is atomic on the loop). Every answer
 * comes from a store callback, including those decided at once (through
 * sip_store_defer()), so the caller's handler never runs inside
 * sip_registrar_handle().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"

#include "roles/roles.h"

static const struct sip_registrar_conf defaults = {
	.default_expires = 3600,
	.min_expires = 60,
	.max_expires = 86400,
	.max_contacts = 10,
};

static void registrar_destroy(void *arg)
{
	struct sip_registrar *reg = arg;

	free(reg->dbuf);
	sip_mem_deref(reg->st);
}

/* conf.domains into one block: pointer array, then the strings. */
static int copy_domains(struct sip_registrar *reg, const char *const *in)
{
	size_t n = 0, size;
	const char **v;
	char *p;

	if (!in)
		return 0;
	while (in[n])
		n++;
	size = (n + 1) * sizeof(*v);
	for (size_t i = 0; i < n; i++)
		size += strlen(in[i]) + 1;
	reg->dbuf = malloc(size);
	if (!reg->dbuf)
		return ENOMEM;
	v = (const char **)(void *)reg->dbuf;
	p = reg->dbuf + (n + 1) * sizeof(*v);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(in[i]) + 1;

		memcpy(p, in[i], len);
		v[i] = p;
		p += len;
	}
	v[n] = NULL;
	reg->conf.domains = v;
	return 0;
}

int sip_registrar_alloc(struct sip_registrar **rp, struct sip_store *st,
			const struct sip_registrar_conf *conf)
{
	struct sip_registrar *reg;
	struct sip_registrar_conf c = conf ? *conf : defaults;

	if (!rp || !st)
		return EINVAL;
	if (!c.min_expires)
		c.min_expires = defaults.min_expires;
	if (!c.max_expires)
		c.max_expires = defaults.max_expires;
	if (!c.default_expires)
		c.default_expires = defaults.default_expires;
	if (!c.max_contacts)
		c.max_contacts = defaults.max_contacts;
	if (c.min_expires > c.max_expires || c.default_expires < c.min_expires ||
	    c.default_expires > c.max_expires)
		return EINVAL;
	reg = sip_mem_zalloc(sizeof(*reg), registrar_destroy);
	if (!reg)
		return ENOMEM;
	reg->conf = c;
	reg->conf.domains = NULL;
	if (copy_domains(reg, c.domains)) {
		sip_mem_deref(reg);
		return ENOMEM;
	}
	reg->st = sip_mem_ref(st);
	*rp = reg;
	return 0;
}

const struct sip_registrar_stats *sip_registrar_stats(const struct sip_registrar *reg)
{
	return &reg->stats;
}

/* ---- one REGISTER ---- */

static void tx_destroy(void *arg)
{
	struct reg_tx *tx = arg;

	reg_update_free(&tx->upd);
	sip_mem_deref(tx->cur);
	sip_arena_free(tx->arena);
	sip_mem_deref(tx->reg);
}

/* FNV-1a of Call-ID, From tag and CSeq: the same request (a
 * retransmission that reached us) gets the same tag. */
static void derive_totag(struct reg_tx *tx)
{
	const struct sip_addr *from;
	const struct sip_cseq *cs;
	struct sip_pl callid = { 0 }, ftag = { 0 };
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t num = 0;

	sip_msg_callid(tx->m, &callid);
	if (!sip_msg_from(tx->m, &from))
		ftag = from->tag;
	if (!sip_msg_cseq(tx->m, &cs))
		num = cs->num;
	for (size_t i = 0; i < callid.len; i++)
		h = (h ^ (unsigned char)callid.p[i]) * 0x100000001b3ULL;
	for (size_t i = 0; i < ftag.len; i++)
		h = (h ^ (unsigned char)ftag.p[i]) * 0x100000001b3ULL;
	h = (h ^ num) * 0x100000001b3ULL;
	for (int i = 15; i >= 0; i--, h >>= 4)
		tx->totag[i] = "0123456789abcdef"[h & 15];
	tx->totag[16] = '\0';
}

static struct reg_tx *tx_new(struct sip_registrar *reg,
			     const struct sip_reg_req *rq,
			     sip_registrar_reply_h *h, void *arg)
{
	struct reg_tx *tx = sip_mem_zalloc(sizeof(*tx), tx_destroy);

	if (!tx)
		return NULL;
	tx->arena = sip_arena_new(1024);
	if (!tx->arena) {
		sip_mem_deref(tx);
		return NULL;
	}
	tx->reg = sip_mem_ref(reg);
	tx->m = rq->m;
	tx->h = h;
	tx->arg = arg;
	tx->now = sip_store_now(reg->st);
	tx->build = rq->build;
	tx->build_arg = rq->build_arg;
	if (rq->totag) {
		size_t n = strnlen(rq->totag, sizeof(tx->totag) - 1);

		memcpy(tx->totag, rq->totag, n);
		tx->totag[n] = '\0';
	} else
		derive_totag(tx);
	return tx;
}

/* Send the answer and finish: the last use of @p tx. */
static void answer(struct reg_tx *tx, uint16_t scode, const char *reason)
{
	struct sip_registrar_stats *s = &tx->reg->stats;
	struct sip_out *o = reg_reply_build(tx, scode, reason);

	if (scode < 300) {
		s->ok++;
		s->added += tx->upd.added;
		s->refreshed += tx->upd.refreshed;
		s->removed += tx->upd.removed;
	} else if (scode < 500) {
		s->rejected++;
	} else {
		s->failed++;
	}
	tx->h(tx->arg, o, scode);
	sip_mem_deref(tx);
}

/* A store failure: 503 when it is unreachable (Redis down) or going
 * away, 500 otherwise. */
static void answer_store_error(struct reg_tx *tx, int err)
{
	if (err == ENOTCONN || err == ECONNRESET || err == ECANCELED)
		answer(tx, 503, "Location service unavailable");
	else
		answer(tx, 500, "Location service failure");
}

static void on_early(void *arg, int err)
{
	struct reg_tx *tx = arg;

	answer(tx, tx->scode, tx->reason);
}

static void on_applied(void *arg, int err)
{
	struct reg_tx *tx = arg;

	if (err)
		answer_store_error(tx, err);
	else
		answer(tx, 200, NULL);
}

static void on_current(void *arg, int err, struct sip_bindings *bs)
{
	struct reg_tx *tx = arg;
	const struct sip_cseq *cs;
	struct sip_pl callid;
	char *cid;

	if (err) {
		answer_store_error(tx, err);
		return;
	}
	tx->cur = sip_mem_ref(bs);
	sip_msg_callid(tx->m, &callid);
	sip_msg_cseq(tx->m, &cs);
	cid = sip_arena_strndup(tx->arena, callid.p, callid.len);
	if (!cid || reg_update_compute(&tx->upd, bs, tx->rc, tx->nrc, tx->star,
				       cid, cs->num, tx->reg->conf.max_contacts)) {
		answer(tx, 500, "Out of memory");
		return;
	}
	switch (tx->upd.verdict) {
	case REG_STALE:
		answer(tx, 500, "CSeq out of order");
		return;
	case REG_TOO_MANY:
		answer(tx, 403, "Too many contacts");
		return;
	case REG_OK:
		break;
	}
	if (!tx->upd.nchg) {
		answer(tx, 200, NULL);
		return;
	}
	err = sip_store_apply(tx->reg->st, tx->aor, tx->upd.chg, tx->upd.nchg,
			      on_applied, tx);
	if (err)
		answer_store_error(tx, err);
}

int sip_registrar_handle(struct sip_registrar *reg, const struct sip_reg_req *rq,
			 sip_registrar_reply_h *h, void *arg)
{
	struct reg_tx *tx;
	int err = 0;

	if (!reg || !rq || !rq->m || !h || !rq->m->req || rq->m->mid != SIP_REGISTER)
		return EINVAL;
	tx = tx_new(reg, rq, h, arg);
	if (!tx)
		return ENOMEM;
	reg->stats.requests++;
	tx->scode = reg_request_read(tx, rq);
	if (!tx->scode) {
		err = sip_store_lookup(reg->st, tx->aor, on_current, tx);
		if (err) {
			tx->scode = err == ENOMEM ? 500 : 503;
			tx->reason = "Location service unavailable";
		}
	}
	if (tx->scode)
		err = sip_store_defer(reg->st, on_early, tx);
	if (err) {
		reg->stats.requests--;
		sip_mem_deref(tx);
		return err;
	}
	return 0;
}
