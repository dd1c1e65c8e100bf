/*
 * redis.c - the "redis" backend: state shared by several sipd nodes in
 * one Redis, through hiredis' asynchronous API on the store's libuv loop
 * (redis_uv.c drives hiredis from the loop). Key layout and commands:
 * docs/store-redis.md; bindings in redis_bindings.c, users in
 * redis_users.c. This file holds the connection and what they share.
 *
 * Reads go to Redis, so a binding written through another node is seen
 * at once. The connection is re-established with a growing back-off
 * (100 ms to 2 s) whenever it drops; while it is down, operations fail
 * with ENOTCONN instead of queueing behind an outage of unknown length.
 * Every request's handler runs exactly once: with the reply, with
 * ECONNRESET when the connection breaks first, with ECANCELED when the
 * store is released (hiredis runs pending callbacks with no reply then).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"

#include "store/redis.h"

enum {
	BACKOFF_MIN_MS = 100,
	BACKOFF_MAX_MS = 2000,
};

/* ---- requests and commands ---- */

static void rreq_destroy(void *arg)
{
	struct rreq *q = arg;

	for (size_t i = 0; i < q->nusers; i++) {
		free((char *)q->users[i].username);
		free((char *)q->users[i].domain);
		free((char *)q->users[i].ha1_md5);
		free((char *)q->users[i].ha1_sha256);
		free((char *)q->users[i].perm);
	}
	free(q->users);
	free(q->key);
	sip_mem_deref(q->r);
}

struct rreq *rds_req_new(struct rds *r, enum rds_kind kind, void *arg)
{
	struct rreq *q = sip_mem_zalloc(sizeof(*q), rreq_destroy);

	if (!q)
		return NULL;
	q->r = sip_mem_ref(r);
	q->kind = kind;
	q->arg = arg;
	return q;
}

char *rds_key(const struct rds *r, const char *kind, const char *a,
	      const char *b)
{
	const char *prefix = r->st->conf.redis_prefix;
	size_t n = strlen(prefix) + strlen(kind) + strlen(a) +
		   (b ? strlen(b) + 1 : 0) + 1;
	char *k = malloc(n);

	if (!k)
		return NULL;
	snprintf(k, n, "%s%s%s%s%s", prefix, kind, a, b ? "@" : "", b ? b : "");
	return k;
}

int rds_reply_err(const struct rds *r, const redisReply *rep)
{
	if (r->closing)
		return ECANCELED;
	if (!rep)
		return ECONNRESET;
	if (rep->type == REDIS_REPLY_ERROR)
		return EIO;
	return 0;
}

/* EXEC's reply: an array with no error inside (nil: aborted). */
static int exec_err(const struct rds *r, const redisReply *rep)
{
	int err = rds_reply_err(r, rep);

	if (err)
		return err;
	if (rep->type != REDIS_REPLY_ARRAY)
		return EIO;
	for (size_t i = 0; i < rep->elements; i++) {
		if (rep->element[i]->type == REDIS_REPLY_ERROR)
			return EIO;
	}
	return 0;
}

int rds_cmd(struct rds *r, redisCallbackFn *fn, void *priv, int argc,
	    const char **argv, const size_t *lens)
{
	if (!r->ac)
		return ENOTCONN;
	/* hiredis formats the command at once: argv may go after this */
	if (redisAsyncCommandArgv(r->ac, fn, priv, argc, argv, lens) != REDIS_OK)
		return ENOTCONN;
	return 0;
}

int rds_cmd_str(struct rds *r, redisCallbackFn *fn, void *priv, int argc,
		const char **argv)
{
	size_t lens[RDS_MAX_ARGS];

	for (int i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	return rds_cmd(r, fn, priv, argc, argv, lens);
}

static void run_failed(struct store_call *c, int err)
{
	struct rreq *q = (struct rreq *)c;

	if (!err)
		err = q->err;
	switch (q->kind) {
	case RDS_BINDINGS:
		q->h.bindings(q->arg, err, NULL);
		break;
	case RDS_USER:
		q->h.user(q->arg, err, NULL);
		break;
	case RDS_USERS:
		q->h.users(q->arg, err, NULL);
		break;
	case RDS_DONE:
		if (q->h.done)
			q->h.done(q->arg, err);
		break;
	}
}

int rds_fail_later(struct rds *r, struct rreq *q, int err)
{
	q->err = err;
	q->call.run = run_failed;
	store_defer_push(r->st->defer, &q->call);
	return 0;
}

void rds_on_exec(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rreq *q = priv;
	struct rds *r = q->r;
	int err = exec_err(r, reply);

	if (!r->closing) {
		if (err)
			r->st->stats.write_errors++;
		else {
			r->st->stats.commits++;
			r->st->stats.rows += q->rows;
		}
	}
	if (q->h.done)
		q->h.done(q->arg, err);
	sip_mem_deref(q);
}

int rds_multi_exec(struct rds *r, struct rreq *q, const char **cmds[],
		   const int *argcs)
{
	const char *multi[1] = { "MULTI" }, *exec[1] = { "EXEC" };

	if (!r->ac)
		return rds_fail_later(r, q, ENOTCONN);
	rds_cmd_str(r, NULL, NULL, 1, multi);
	for (size_t i = 0; cmds[i]; i++)
		rds_cmd_str(r, NULL, NULL, argcs[i], cmds[i]);
	if (rds_cmd_str(r, rds_on_exec, q, 1, exec))
		return rds_fail_later(r, q, ENOTCONN);
	return 0;
}

/* Redis expires the keys itself; stale values are dropped on read. */
static size_t rds_sweep(struct sip_store *st)
{
	return 0;
}

/* ---- the connection ---- */

static void connect_now(struct rds *r);

static void on_retry(uv_timer_t *t)
{
	connect_now(t->data);
}

static void schedule_retry(struct rds *r)
{
	if (r->closing)
		return;
	uv_timer_start(&r->retry, on_retry, r->backoff, 0);
	r->backoff = r->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
						    : r->backoff * 2;
}

static void on_connect(const redisAsyncContext *ac, int status)
{
	struct rds *r = ac->data;

	if (status != REDIS_OK) {
		/* hiredis frees the context after this callback */
		if (!r->closing)
			store_log(r->st, "redis: %s:%u: connect failed: %s",
				  r->st->conf.redis_host, r->st->conf.redis_port,
				  ac->errstr);
		r->ac = NULL;
		r->up = false;
		schedule_retry(r);
		return;
	}
	r->up = true;
	r->backoff = BACKOFF_MIN_MS;
	if (r->was_up) {
		r->st->stats.reconnects++;
		store_log(r->st, "redis: %s:%u: reconnected",
			  r->st->conf.redis_host, r->st->conf.redis_port);
	}
	r->was_up = true;
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
	struct rds *r = ac->data;

	r->ac = NULL;
	r->up = false;
	if (r->closing)
		return;
	store_log(r->st, "redis: %s:%u: connection lost: %s",
		  r->st->conf.redis_host, r->st->conf.redis_port,
		  ac->errstr[0] ? ac->errstr : "closed");
	schedule_retry(r);
}

static void on_select(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rds *r = ac->data;
	redisReply *rep = reply;

	if (rep && rep->type == REDIS_REPLY_ERROR && !r->closing)
		store_log(r->st, "redis: SELECT %u: %s", r->st->conf.redis_db,
			  rep->str);
}

static void connect_now(struct rds *r)
{
	const struct sip_store_conf *c = &r->st->conf;
	redisAsyncContext *ac;

	if (r->closing || r->ac)
		return;
	ac = redisAsyncConnect(c->redis_host, c->redis_port);
	if (!ac || ac->err || store_redis_attach(ac, r->st->loop)) {
		if (ac)
			redisAsyncFree(ac);
		schedule_retry(r);
		return;
	}
	ac->data = r;
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	r->ac = ac;
	/* queued ahead of everything else on this connection */
	if (c->redis_db) {
		char db[16];
		const char *argv[2] = { "SELECT", db };

		snprintf(db, sizeof(db), "%u", c->redis_db);
		rds_cmd_str(r, on_select, NULL, 2, argv);
	}
}

static void rds_destroy(void *arg)
{
	(void)arg;
}

static int rds_open(struct sip_store *st)
{
	struct rds *r = sip_mem_zalloc(sizeof(*r), rds_destroy);

	if (!r)
		return ENOMEM;
	r->st = st;
	r->backoff = BACKOFF_MIN_MS;
	uv_timer_init(st->loop, &r->retry);
	r->retry.data = r;
	/* retrying alone must not keep the loop running */
	uv_unref((uv_handle_t *)&r->retry);
	st->be = r;
	connect_now(r);
	return 0;
}

static void rds_close(struct sip_store *st)
{
	struct rds *r = st->be;
	redisAsyncContext *ac = r->ac;

	r->closing = true;
	uv_timer_stop(&r->retry);
	store_uv_close((uv_handle_t *)&r->retry);
	/* runs every pending reply callback with NULL: ECANCELED */
	if (ac)
		redisAsyncFree(ac);
	r->ac = NULL;
	st->be = NULL;
	sip_mem_deref(r);
}

static void rds_debug(struct sip_buf *b, const struct sip_store *st)
{
	const struct rds *r = st->be;

	if (!r)
		return;
	sip_buf_printf(b, "  redis: %s:%u db %u prefix \"%s\": %s\n",
		       st->conf.redis_host, st->conf.redis_port, st->conf.redis_db,
		       st->conf.redis_prefix,
		       r->up ? "connected" : r->ac ? "connecting" : "down");
}

const struct store_ops store_redis_ops = {
	.name = "redis",
	.open = rds_open,
	.close = rds_close,
	.lookup = rds_lookup,
	.apply = rds_apply,
	.user_get = rds_user_get,
	.user_put = rds_user_put,
	.user_del = rds_user_del,
	.user_list = rds_user_list,
	.sweep = rds_sweep,
	.debug = rds_debug,
};
