/*
 * store.h - state that must survive a restart: registrations (RFC 3261
 * §10 bindings, RFC 3327 Path, RFC 5626 instance/reg-id) and users
 * (credentials as digest HA1 hashes, RFC 7616).
 *
 * One interface, three backends, picked by struct sip_store_conf:
 *
 *   "sqlite" (default)  an in-memory index answers every read; every
 *                       change also goes to one SQLite file (WAL). All
 *                       changes of one loop turn are written in ONE
 *                       transaction on a writer thread (group commit),
 *                       and a change completes only once committed, so
 *                       whoever answers 200 in the completion handler
 *                       never loses the binding to kill -9. Opening the
 *                       file loads every unexpired binding back.
 *   "memory"            the index alone (tests, throw-away setups).
 *   "redis"             Redis via hiredis on the same libuv loop; reads
 *                       go to Redis, so several sipd nodes share state.
 *                       Key layout: docs/store-redis.md.
 *
 * Every operation is asynchronous and its handler runs on the store's
 * loop, exactly once, and never before the call that started it has
 * returned (the memory index answers on the next loop iteration). That
 * one shape fits both a local index and a network round trip. When the
 * store is released with operations pending, their handlers run during
 * the release with ECANCELED, and calls made from them fail at once.
 *
 * Times are milliseconds since the Epoch on the store's clock
 * (sip_store_now()): expiries are absolute, so a binding reloaded after
 * a restart keeps exactly its remaining lifetime.
 */
#ifndef SIP_STORE_H
#define SIP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "sip/buf.h"

struct sip_store;

/** Clock: milliseconds since the Epoch (tests pass a virtual one). */
typedef uint64_t (sip_store_clock_h)(void *arg);

/**
 * Log hook: one line (no newline) describing a backend failure: the
 * database cannot be opened, a transaction failed, Redis went away or
 * came back. Called on the loop thread.
 */
typedef void (sip_store_log_h)(void *arg, const char *line);

/** Configuration; copied by sip_store_open(). Fields left 0/NULL take
 *  the default shown. */
struct sip_store_conf {
	const char *backend;       /* "sqlite", "memory", "redis"; "sqlite" */
	const char *sqlite_path;   /* database file; "var/sipd.db" */
	bool sqlite_sync_normal;   /* PRAGMA synchronous=NORMAL instead of
	                              FULL: still safe against kill -9 (the
	                              WAL is written before completion), not
	                              against power loss */
	const char *redis_host;    /* IP or name; "127.0.0.1" */
	uint16_t redis_port;       /* 6379 */
	unsigned redis_db;         /* SELECT n; 0 */
	const char *redis_prefix;  /* key prefix; "sipd:" */
	uint32_t sweep_ms;         /* how often expired bindings are swept
	                              from the index and the file; 1000 */
	sip_store_clock_h *clock;  /* NULL: the real-time clock */
	void *clock_arg;
	sip_store_log_h *log;      /* NULL: failures are only counted */
	void *log_arg;
};

/**
 * One registration binding (RFC 3261 §10.3): address-of-record to
 * contact. Identified by (aor, key). In a binding handed to the store
 * every pointer is borrowed for the call (the store copies); in one the
 * store hands out, they point into the result object. String fields
 * other than aor, key, contact and callid may be NULL.
 */
struct sip_binding {
	const char *aor;         /* canonical "sip:user@domain" */
	const char *key;         /* identity within the AOR, chosen by the
	                            registrar (instance or contact based) */
	const char *contact;     /* the Contact URI as registered */
	const char *callid;
	uint32_t cseq;
	uint64_t expires;        /* absolute, ms since the Epoch */
	int q;                   /* q-value in thousandths, -1 when not given */
	const char *instance;    /* RFC 5626 +sip.instance, quotes removed */
	uint32_t reg_id;         /* RFC 5626 reg-id; 0 when absent */
	const char *path;        /* RFC 3327 Path values, comma separated */
	const char *received;    /* source "ip:port" of the REGISTER (NAT) */
	const char *transport;   /* its transport: "UDP", "TCP", ... */
	const char *socket;      /* local "ip:port" it arrived on */
	const char *user_agent;  /* User-Agent header value */
	uint64_t updated;        /* last change, ms since the Epoch */
};

/** Lookup result: a sip_mem object owning the array and its strings. */
struct sip_bindings {
	size_t n;
	struct sip_binding *v;
};

/** A user account. Same pointer rules as struct sip_binding. */
struct sip_user {
	const char *username;
	const char *domain;      /* the domain, also the digest realm */
	const char *ha1_md5;     /* hex MD5(username:realm:password), or NULL */
	const char *ha1_sha256;  /* hex SHA-256 of the same, or NULL */
	const char *perm;        /* permission class ("default", "admin",
	                            ...), or NULL */
};

/** A user list: a sip_mem object owning the array and its strings. */
struct sip_users {
	size_t n;
	struct sip_user *v;
};

enum sip_binding_op {
	SIP_BINDING_PUT,         /* insert or replace (aor, key) */
	SIP_BINDING_DEL,         /* remove (aor, key); only key is read */
};

/** One change of sip_store_apply(). */
struct sip_binding_change {
	enum sip_binding_op op;
	struct sip_binding b;
};

/** Completion: @p err 0, or an errno value (see each operation). */
typedef void (sip_store_done_h)(void *arg, int err);

/**
 * Lookup completion: on 0, @p bs (never NULL, maybe n == 0) is borrowed
 * for the call: sip_mem_ref() it to keep it. NULL when @p err != 0.
 */
typedef void (sip_store_bindings_h)(void *arg, int err, struct sip_bindings *bs);

/** User completion: @p u is borrowed for the call; NULL with ENOENT. */
typedef void (sip_store_user_h)(void *arg, int err, const struct sip_user *u);

/** User list completion: @p us borrowed (sip_mem_ref() to keep). */
typedef void (sip_store_users_h)(void *arg, int err, struct sip_users *us);

/** Counters. */
struct sip_store_stats {
	uint64_t lookups;        /* binding lookups started */
	uint64_t applies;        /* sip_store_apply() calls accepted */
	uint64_t commits;        /* SQLite transactions / Redis MULTI-EXEC */
	uint64_t rows;           /* changes written by those */
	uint64_t write_errors;   /* failed transactions / commands */
	uint64_t swept;          /* bindings removed because they expired */
	uint64_t reconnects;     /* Redis connections re-established */
	uint64_t bindings;       /* gauge: bindings in the memory index */
	uint64_t users;          /* gauge: users in the memory index */
};

/**
 * Open a store on @p loop (borrowed; must outlive the store) with
 * @p conf (copied; NULL: all defaults). "sqlite" opens or creates the
 * file, sets WAL mode, creates the schema and loads every unexpired
 * binding and every user into the index, synchronously: this is
 * start-up. "redis" starts connecting and returns at once; operations
 * made before the connection is up are queued by hiredis, and while
 * Redis is unreachable they fail with ENOTCONN (it reconnects by itself).
 *
 * Returns 0 and sets @p *stp (release with sip_mem_deref(); afterwards
 * run the loop until it has no more handles, so libuv finishes closing);
 * EINVAL for an unknown backend; EIO when the SQLite file cannot be
 * opened or is not a database; ENOMEM.
 */
int sip_store_open(struct sip_store **stp, uv_loop_t *loop,
		   const struct sip_store_conf *conf);

/** Backend name ("sqlite", "memory", "redis"). */
const char *sip_store_backend(const struct sip_store *st);

/** The store's clock, ms since the Epoch. */
uint64_t sip_store_now(const struct sip_store *st);

/** The loop the store runs on (borrowed). */
uv_loop_t *sip_store_loop(const struct sip_store *st);

/** The counters (valid as long as @p st). */
const struct sip_store_stats *sip_store_stats(const struct sip_store *st);

/**
 * The unexpired bindings of @p aor (copied), in no particular order
 * (sip_location_lookup() orders them). The index answers with its state
 * when the handler runs, so a handler that applies changes reads and
 * writes atomically with respect to every other local caller.
 * Handler errors: ENOTCONN, ECONNRESET, EIO (Redis), ECANCELED.
 * Returns 0 (the handler will run), ECANCELED (store closing), ENOMEM.
 */
int sip_store_lookup(struct sip_store *st, const char *aor,
		     sip_store_bindings_h *h, void *arg);

/**
 * Every unexpired binding of every AOR (copied), ordered by AOR, for
 * listings (the HTTP API). The "memory" and "sqlite" backends answer
 * from their index; "redis" has no such listing: ENOTSUP at once.
 * Returns 0 (the handler will run), ENOTSUP, ECANCELED, ENOMEM.
 */
int sip_store_list(struct sip_store *st, sip_store_bindings_h *h, void *arg);

/**
 * Apply @p n changes (copied) to the bindings of @p aor, all or nothing
 * as far as the backend allows (one SQLite transaction, one Redis
 * MULTI/EXEC). The memory index shows them at once; @p h (may be NULL)
 * runs once they are durable: committed to the file, or executed by
 * Redis. Handler errors: EIO (SQLite or Redis failure; the index keeps
 * the changes), ENOTCONN, ECONNRESET, ECANCELED.
 * Returns 0, EINVAL (n == 0, a change without key, a PUT without
 * contact or call-id, or for another AOR), ECANCELED, ENOMEM.
 */
int sip_store_apply(struct sip_store *st, const char *aor,
		    const struct sip_binding_change *c, size_t n,
		    sip_store_done_h *h, void *arg);

/** sip_store_apply() of one PUT of @p b (for b->aor). */
int sip_store_put(struct sip_store *st, const struct sip_binding *b,
		  sip_store_done_h *h, void *arg);

/** sip_store_apply() of one DEL of (@p aor, @p key). */
int sip_store_del(struct sip_store *st, const char *aor, const char *key,
		  sip_store_done_h *h, void *arg);

/**
 * Remove expired bindings now, from the index and (in one transaction)
 * the file; the store also does this every conf.sweep_ms. Redis expires
 * keys by itself: a no-op there. Returns the number removed.
 */
size_t sip_store_sweep(struct sip_store *st);

/**
 * The user (@p username, @p domain); both compared byte for byte.
 * Handler: 0 with the user, ENOENT, or a backend error as for lookups.
 * Returns 0, ECANCELED, ENOMEM.
 */
int sip_store_user_get(struct sip_store *st, const char *username,
		       const char *domain, sip_store_user_h *h, void *arg);

/**
 * Insert or replace user @p u (copied; username and domain required,
 * else EINVAL). Completes as sip_store_apply() does.
 */
int sip_store_user_put(struct sip_store *st, const struct sip_user *u,
		       sip_store_done_h *h, void *arg);

/** Remove a user; the handler gets 0 even if it did not exist. */
int sip_store_user_del(struct sip_store *st, const char *username,
		       const char *domain, sip_store_done_h *h, void *arg);

/** Every user, ordered by domain then username. */
int sip_store_user_list(struct sip_store *st, sip_store_users_h *h, void *arg);

/**
 * Run @p h(@p arg, 0) on the store's loop after the current callback
 * has returned, in order with the store's own deferred completions
 * (ECANCELED if the store is released first). Lets a caller complete a
 * request asynchronously in every case, including those it decides at
 * once. Returns 0, ECANCELED or ENOMEM.
 */
int sip_store_defer(struct sip_store *st, sip_store_done_h *h, void *arg);

/**
 * Seconds of @p b's lifetime left at @p now (ms since the Epoch),
 * rounded up; 0 when expired.
 */
uint32_t sip_binding_remaining(const struct sip_binding *b, uint64_t now);

/** Debug dump: backend, counters, connection state. Sticky errors. */
void sip_store_debug(struct sip_buf *buf, const struct sip_store *st);

#endif
