/*
 * redis.h - private to the "redis" backend: the connection (redis.c),
 * bindings (redis_bindings.c) and users (redis_users.c) share the
 * request object and the command helpers declared here.
 */
#ifndef STORE_REDIS_H
#define STORE_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "store/store.h"

enum {
	RDS_MAX_ARGS = 16,            /* arguments of one command, at most */
};

/* The backend state (st->be). */
struct rds {
	struct sip_store *st;         /* borrowed: the owner; not used once
	                                 closing (it may be gone) */
	redisAsyncContext *ac;        /* NULL while down */
	bool up;                      /* connected */
	bool was_up;                  /* has been connected before */
	bool closing;
	uint32_t backoff;             /* next retry delay, ms */
	uv_timer_t retry;             /* data: this object */
};

/* Which handler a request has. */
enum rds_kind { RDS_BINDINGS, RDS_USER, RDS_USERS, RDS_DONE };

/* One request in flight: hiredis' privdata for the reply that matters. */
struct rreq {
	struct store_call call;       /* first: for a deferred failure */
	struct rds *r;                /* referenced */
	enum rds_kind kind;
	union {
		sip_store_bindings_h *bindings;
		sip_store_user_h *user;
		sip_store_users_h *users;
		sip_store_done_h *done;
	} h;
	void *arg;
	char *key;                    /* owned: the AOR / user key */
	const char *aor;              /* the AOR, within key */
	size_t rows;                  /* changes in a MULTI */
	int err;                      /* first error (user list, failure) */
	/* user list */
	size_t pending;               /* HGETALLs outstanding */
	struct sip_user *users;       /* malloc'd, strings malloc'd */
	size_t nusers;
};

/** New request of @p kind with handler argument @p arg; NULL: ENOMEM. */
struct rreq *rds_req_new(struct rds *r, enum rds_kind kind, void *arg);

/** prefix + @p kind + @p a [+ "@" + @p b], malloc'd; NULL: ENOMEM. */
char *rds_key(const struct rds *r, const char *kind, const char *a,
	      const char *b);

/** Error of a reply that should be a success: ECANCELED (closing),
 *  ECONNRESET (no reply: connection lost), EIO (error reply), or 0. */
int rds_reply_err(const struct rds *r, const redisReply *rep);

/**
 * Issue one command (binary-safe); @p fn (may be NULL) gets @p priv.
 * Returns 0 or ENOTCONN (no connection: @p fn will not run).
 */
int rds_cmd(struct rds *r, redisCallbackFn *fn, void *priv, int argc,
	    const char **argv, const size_t *lens);

/** As rds_cmd() with NUL-terminated arguments (at most RDS_MAX_ARGS). */
int rds_cmd_str(struct rds *r, redisCallbackFn *fn, void *priv, int argc,
		const char **argv);

/**
 * Fail @p q (its reference passes) with @p err on the next loop
 * iteration: the handler never runs inside the call. Returns 0.
 */
int rds_fail_later(struct rds *r, struct rreq *q, int err);

/** redisCallbackFn for EXEC: counts, then runs the RDS_DONE handler. */
void rds_on_exec(redisAsyncContext *ac, void *reply, void *priv);

/** MULTI, the NULL-ended commands @p cmds (with @p argcs), EXEC whose
 *  reply completes @p q (reference passes). Returns 0. */
int rds_multi_exec(struct rds *r, struct rreq *q, const char **cmds[],
		   const int *argcs);

/* Operations (redis_bindings.c, redis_users.c), as in struct store_ops. */
int rds_lookup(struct sip_store *st, const char *aor, sip_store_bindings_h *h,
	       void *arg);
int rds_apply(struct sip_store *st, const char *aor,
	      const struct sip_binding_change *c, size_t n,
	      sip_store_done_h *h, void *arg);
int rds_user_get(struct sip_store *st, const char *username,
		 const char *domain, sip_store_user_h *h, void *arg);
int rds_user_put(struct sip_store *st, const struct sip_user *u,
		 sip_store_done_h *h, void *arg);
int rds_user_del(struct sip_store *st, const char *username,
		 const char *domain, sip_store_done_h *h, void *arg);
int rds_user_list(struct sip_store *st, sip_store_users_h *h, void *arg);

#endif
