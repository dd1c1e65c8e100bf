/*
 * redis_users.c - user accounts in Redis (docs/store-redis.md): one hash
 * per user (username, domain, ha1_md5, ha1_sha256, perm) and a set that
 * lists them all. A put or a delete is one MULTI/EXEC; a listing reads
 * the set, then every hash, pipelined.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"

#include "store/redis.h"


static char *dup_str(const redisReply *v)
{
	char *s = malloc(v->len + 1);

	if (s) {
		memcpy(s, v->str, v->len);
		s[v->len] = '\0';
	}
	return s;
}

/* Fill @p u (strings malloc'd) from an HGETALL reply. 0, ENOENT, EIO, ENOMEM. */
static int user_from_reply(struct sip_user *u, const redisReply *rep)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "username", offsetof(struct sip_user, username) },
		{ "domain", offsetof(struct sip_user, domain) },
		{ "ha1_md5", offsetof(struct sip_user, ha1_md5) },
		{ "ha1_sha256", offsetof(struct sip_user, ha1_sha256) },
		{ "perm", offsetof(struct sip_user, perm) },
	};

	memset(u, 0, sizeof(*u));
	if (rep->type != REDIS_REPLY_ARRAY)
		return EIO;
	if (!rep->elements)
		return ENOENT;
	for (size_t i = 0; i + 1 < rep->elements; i += 2) {
		const redisReply *f = rep->element[i], *v = rep->element[i + 1];

		if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
			continue;
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			const char **dst = (const char **)((char *)u + fields[k].off);

			if (strcmp(f->str, fields[k].name) || *dst)
				continue;
			*dst = dup_str(v);
			if (!*dst)
				return ENOMEM;
		}
	}
	return u->username && u->domain ? 0 : EIO;
}

static void user_free(struct sip_user *u)
{
	free((char *)u->username);
	free((char *)u->domain);
	free((char *)u->ha1_md5);
	free((char *)u->ha1_sha256);
	free((char *)u->perm);
}

static void on_user_get(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rreq *q = priv;
	struct sip_user u = { 0 };
	int err = rds_reply_err(q->r, reply);

	if (!err)
		err = user_from_reply(&u, reply);
	q->h.user(q->arg, err, err ? NULL : &u);
	user_free(&u);
	sip_mem_deref(q);
}

int rds_user_get(struct sip_store *st, const char *username,
		 const char *domain, sip_store_user_h *h, void *arg)
{
	struct rds *r = st->be;
	struct rreq *q = rds_req_new(r, RDS_USER, arg);
	const char *argv[2];

	if (!q)
		return ENOMEM;
	q->h.user = h;
	q->key = rds_key(r, "user:", username, domain);
	if (!q->key) {
		sip_mem_deref(q);
		return ENOMEM;
	}
	argv[0] = "HGETALL";
	argv[1] = q->key;
	if (rds_cmd_str(r, on_user_get, q, 2, argv))
		return rds_fail_later(r, q, ENOTCONN);
	return 0;
}

/*
 * A change of user @p username in @p domain: a request whose key is the
 * user's hash, and the two names of the users set ("users" and the
 * member "<u>@<d>" without the prefix, in *@p member_alloc). ENOMEM
 * releases everything.
 */
static int user_change(struct rds *r, const char *username, const char *domain,
		       sip_store_done_h *h, void *arg, struct rreq **qp,
		       char **member_alloc, char **users_key)
{
	struct rreq *q = rds_req_new(r, RDS_DONE, arg);

	*member_alloc = *users_key = NULL;
	if (!q)
		return ENOMEM;
	q->h.done = h;
	q->rows = 1;
	q->key = rds_key(r, "user:", username, domain);
	*member_alloc = rds_key(r, "", username, domain);
	*users_key = rds_key(r, "", "users", NULL);
	if (!q->key || !*member_alloc || !*users_key) {
		free(*member_alloc);
		free(*users_key);
		sip_mem_deref(q);
		return ENOMEM;
	}
	*qp = q;
	return 0;
}

int rds_user_put(struct sip_store *st, const struct sip_user *u,
		 sip_store_done_h *h, void *arg)
{
	struct rds *r = st->be;
	struct rreq *q;
	const char *del[2], *hset[12], *sadd[3], **cmds[4];
	char *member, *users_key;
	int argcs[3], n = 2, err;

	if (user_change(r, u->username, u->domain, h, arg, &q, &member, &users_key))
		return ENOMEM;
	del[0] = "DEL";
	del[1] = q->key;
	hset[0] = "HSET";
	hset[1] = q->key;
	hset[n++] = "username";
	hset[n++] = u->username;
	hset[n++] = "domain";
	hset[n++] = u->domain;
	if (u->ha1_md5) {
		hset[n++] = "ha1_md5";
		hset[n++] = u->ha1_md5;
	}
	if (u->ha1_sha256) {
		hset[n++] = "ha1_sha256";
		hset[n++] = u->ha1_sha256;
	}
	if (u->perm) {
		hset[n++] = "perm";
		hset[n++] = u->perm;
	}
	/* the set member is "<u>@<d>" without the prefix */
	sadd[0] = "SADD";
	sadd[1] = users_key;
	sadd[2] = member + strlen(st->conf.redis_prefix);
	cmds[0] = del, argcs[0] = 2;
	cmds[1] = hset, argcs[1] = n;
	cmds[2] = sadd, argcs[2] = 3;
	cmds[3] = NULL;
	err = rds_multi_exec(r, q, cmds, argcs);
	free(member);
	free(users_key);
	return err;
}

int rds_user_del(struct sip_store *st, const char *username,
		 const char *domain, sip_store_done_h *h, void *arg)
{
	struct rds *r = st->be;
	struct rreq *q;
	const char *del[2], *srem[3], **cmds[3];
	char *member, *users_key;
	int argcs[2], err;

	if (user_change(r, username, domain, h, arg, &q, &member, &users_key))
		return ENOMEM;
	del[0] = "DEL";
	del[1] = q->key;
	srem[0] = "SREM";
	srem[1] = users_key;
	srem[2] = member + strlen(st->conf.redis_prefix);
	cmds[0] = del, argcs[0] = 2;
	cmds[1] = srem, argcs[1] = 3;
	cmds[2] = NULL;
	err = rds_multi_exec(r, q, cmds, argcs);
	free(member);
	free(users_key);
	return err;
}

static void list_finish(struct rreq *q)
{
	const struct sip_user **pv = NULL;
	struct sip_users *us = NULL;
	int err = q->err;

	if (!err) {
		pv = malloc((q->nusers ? q->nusers : 1) * sizeof(*pv));
		for (size_t i = 0; pv && i < q->nusers; i++)
			pv[i] = &q->users[i];
		us = pv ? store_users_new(pv, q->nusers) : NULL;
		if (!us)
			err = ENOMEM;
		free(pv);
	}
	q->h.users(q->arg, err, err ? NULL : us);
	sip_mem_deref(us);
}

static void on_list_user(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rreq *q = priv;
	int err = rds_reply_err(q->r, reply);

	if (!err) {
		err = user_from_reply(&q->users[q->nusers], reply);
		if (!err)
			q->nusers++;
		else
			user_free(&q->users[q->nusers]);
		if (err == ENOENT || err == EIO)
			err = 0;  /* deleted meanwhile, or not ours: skip */
	}
	if (err && !q->err)
		q->err = err;
	if (--q->pending == 0)
		list_finish(q);
	sip_mem_deref(q);
}

static void on_smembers(redisAsyncContext *ac, void *reply, void *priv)
{
	struct rreq *q = priv;
	struct rds *r = q->r;
	redisReply *rep = reply;
	int err = rds_reply_err(r, rep);

	if (!err && rep->type != REDIS_REPLY_ARRAY)
		err = EIO;
	if (!err && rep->elements) {
		q->users = calloc(rep->elements, sizeof(*q->users));
		if (!q->users)
			err = ENOMEM;
	}
	/* one HGETALL per user, pipelined; the last reply finishes */
	q->pending = 1;
	for (size_t i = 0; !err && i < rep->elements; i++) {
		const redisReply *m = rep->element[i];
		char *key;
		const char *argv[2];

		if (m->type != REDIS_REPLY_STRING)
			continue;
		key = malloc(strlen(r->st->conf.redis_prefix) + 5 + m->len + 1);
		if (!key) {
			err = ENOMEM;
			break;
		}
		strcpy(key, r->st->conf.redis_prefix);
		strcat(key, "user:");
		strncat(key, m->str, m->len);
		argv[0] = "HGETALL";
		argv[1] = key;
		if (!rds_cmd_str(r, on_list_user, sip_mem_ref(q), 2, argv))
			q->pending++;
		else {
			sip_mem_deref(q);
			err = ENOTCONN;
		}
		free(key);
	}
	if (err && !q->err)
		q->err = err;
	if (--q->pending == 0)
		list_finish(q);
	sip_mem_deref(q);
}

int rds_user_list(struct sip_store *st, sip_store_users_h *h, void *arg)
{
	struct rds *r = st->be;
	struct rreq *q = rds_req_new(r, RDS_USERS, arg);
	const char *argv[2];

	if (!q)
		return ENOMEM;
	q->h.users = h;
	q->key = rds_key(r, "", "users", NULL);
	if (!q->key) {
		sip_mem_deref(q);
		return ENOMEM;
	}
	argv[0] = "SMEMBERS";
	argv[1] = q->key;
	if (rds_cmd_str(r, on_smembers, q, 2, argv))
		return rds_fail_later(r, q, ENOTCONN);
	return 0;
}
