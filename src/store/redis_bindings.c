/*
 * redis_bindings.c - registrations in Redis (docs/store-redis.md): one
 * hash per AOR, one field per binding (codec.c text with its absolute
 * expiry), the key's TTL following its longest-lived binding. A read is
 * one HGETALL; a change of one AOR is one MULTI/EXEC.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"

#include "store/redis.h"

/* Decode the fields of an HGETALL reply, unexpired ones into @p *out,
 * the names of expired ones into @p expired (after 2 free slots). */
static int decode_all(const struct rreq *q, const redisReply *rep, uint64_t now,
		      const char **expired, size_t *nexp,
		      struct sip_bindings **out)
{
	size_t n = rep->elements / 2, total = 0, m = 0;
	struct sip_binding *v = calloc(n ? n : 1, sizeof(*v));
	const struct sip_binding **pv = calloc(n ? n : 1, sizeof(*pv));
	char *scratch, *sp;
	int err = 0;

	for (size_t i = 0; i < n; i++)
		total += rep->element[2 * i + 1]->len + 1;
	sp = scratch = malloc(total ? total : 1);
	if (!v || !pv || !scratch)
		err = ENOMEM;
	for (size_t i = 0; !err && i < n; i++) {
		const redisReply *f = rep->element[2 * i];
		const redisReply *val = rep->element[2 * i + 1];

		/* not a binding we can read (another writer): skip it, never
		 * fail the whole AOR for it */
		if (f->type != REDIS_REPLY_STRING || val->type != REDIS_REPLY_STRING ||
		    store_codec_binding_decode(&v[m], val->str, val->len, sp,
					       q->aor, f->str))
			continue;
		sp += val->len + 1;
		if (v[m].expires <= now)
			expired[2 + (*nexp)++] = f->str;
		else
			pv[m] = &v[m], m++;
	}
	if (!err) {
		*out = store_bindings_new(pv, m);
		if (!*out)
			err = ENOMEM;
	}
	free(v);
	free(pv);
	free(scratch);
	return err;
}

static void on_hgetall(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rreq *q = priv;
	struct rds *r = q->r;
	redisReply *rep = reply;
	struct sip_bindings *bs = NULL;
	const char **expired = NULL;
	size_t nexp = 0;
	int err = rds_reply_err(r, rep);

	if (!err && rep->type != REDIS_REPLY_ARRAY)
		err = EIO;
	if (!err) {
		expired = calloc(rep->elements / 2 + 2, sizeof(*expired));
		err = expired ? decode_all(q, rep, sip_store_now(r->st), expired,
					   &nexp, &bs) : ENOMEM;
	}
	/* expired bindings of a key that others keep alive: drop them */
	if (!err && nexp) {
		expired[0] = "HDEL";
		expired[1] = q->key;
		rds_cmd_str(r, NULL, NULL,
			    (int)(nexp + 2 > RDS_MAX_ARGS ? RDS_MAX_ARGS : nexp + 2),
			    expired);
	}
	free(expired);
	q->h.bindings(q->arg, err, bs);
	sip_mem_deref(bs);
	sip_mem_deref(q);
}

int rds_lookup(struct sip_store *st, const char *aor, sip_store_bindings_h *h,
	       void *arg)
{
	struct rds *r = st->be;
	struct rreq *q = rds_req_new(r, RDS_BINDINGS, arg);
	const char *argv[2];

	if (!q)
		return ENOMEM;
	q->h.bindings = h;
	q->key = rds_key(r, "aor:", aor, NULL);
	if (!q->key) {
		sip_mem_deref(q);
		return ENOMEM;
	}
	q->aor = q->key + strlen(q->key) - strlen(aor);
	argv[0] = "HGETALL";
	argv[1] = q->key;
	if (rds_cmd_str(r, on_hgetall, q, 2, argv))
		return rds_fail_later(r, q, ENOTCONN);
	return 0;
}

/* PEXPIREAT key ms NX, then GT: the key lives as long as its longest
 * binding (NX gives a fresh key its TTL, GT only ever extends; Redis 7) */
static void extend_ttl(struct rds *r, const char *key, uint64_t at)
{
	char ms[24];
	const char *argv[4] = { "PEXPIREAT", key, ms, "NX" };

	snprintf(ms, sizeof(ms), "%llu", (unsigned long long)at);
	rds_cmd_str(r, NULL, NULL, 4, argv);
	argv[3] = "GT";
	rds_cmd_str(r, NULL, NULL, 4, argv);
}

static int queue_change(struct rds *r, const char *key,
			const struct sip_binding_change *c, struct sip_buf *val)
{
	const char *argv[4];
	size_t lens[4];

	if (c->op == SIP_BINDING_DEL) {
		argv[0] = "HDEL";
		argv[1] = key;
		argv[2] = c->b.key;
		return rds_cmd_str(r, NULL, NULL, 3, argv);
	}
	val->len = 0;
	store_codec_binding_encode(val, &c->b);
	if (sip_buf_err(val))
		return ENOMEM;
	argv[0] = "HSET";
	argv[1] = key;
	argv[2] = c->b.key;
	argv[3] = val->p;
	for (int i = 0; i < 3; i++)
		lens[i] = strlen(argv[i]);
	lens[3] = val->len;
	return rds_cmd(r, NULL, NULL, 4, argv, lens);
}

int rds_apply(struct sip_store *st, const char *aor,
	      const struct sip_binding_change *c, size_t n,
	      sip_store_done_h *h, void *arg)
{
	struct rds *r = st->be;
	struct rreq *q = rds_req_new(r, RDS_DONE, arg);
	const char *multi[1] = { "MULTI" }, *exec[1] = { "EXEC" };
	const char *discard[1] = { "DISCARD" };
	struct sip_buf val;
	uint64_t max_exp = 0;
	int err;

	if (!q)
		return ENOMEM;
	q->h.done = h;
	q->rows = n;
	q->key = rds_key(r, "aor:", aor, NULL);
	if (!q->key) {
		sip_mem_deref(q);
		return ENOMEM;
	}
	if (!r->ac)
		return rds_fail_later(r, q, ENOTCONN);
	sip_buf_init(&val);
	err = rds_cmd_str(r, NULL, NULL, 1, multi);
	for (size_t i = 0; !err && i < n; i++) {
		err = queue_change(r, q->key, &c[i], &val);
		if (c[i].op == SIP_BINDING_PUT && c[i].b.expires > max_exp)
			max_exp = c[i].b.expires;
	}
	sip_buf_reset(&val);
	if (err) {
		/* never leave the connection inside a transaction */
		rds_cmd_str(r, NULL, NULL, 1, discard);
		if (err == ENOTCONN)
			return rds_fail_later(r, q, ENOTCONN);
		sip_mem_deref(q);
		return err;
	}
	if (max_exp)
		extend_ttl(r, q->key, max_exp);
	if (rds_cmd_str(r, rds_on_exec, q, 1, exec))
		return rds_fail_later(r, q, ENOTCONN);
	return 0;
}
