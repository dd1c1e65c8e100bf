/*
 * store.h - private to src/store/: the backend operations table, the
 * pieces the backends share (deferred calls, record copies, the memory
 * index, the SQLite journal, the text codec of Redis values) and the
 * struct sip_store they hang off.
 */
#ifndef STORE_PRIV_H
#define STORE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "sip/buf.h"
#include "sip/store.h"

/* ---- the operations table (one per backend) ---- */

struct store_ops {
	const char *name;
	/* set st->be; 0 or an errno value */
	int (*open)(struct sip_store *st);
	/* flush what is pending, run pending handlers with ECANCELED, close
	 * handles (they finish closing on a later loop iteration) */
	void (*close)(struct sip_store *st);
	/* as the public functions of the same name; arguments checked */
	int (*lookup)(struct sip_store *st, const char *aor,
		      sip_store_bindings_h *h, void *arg);
	/* every binding; NULL: the backend cannot list (ENOTSUP) */
	int (*list)(struct sip_store *st, sip_store_bindings_h *h, void *arg);
	int (*apply)(struct sip_store *st, const char *aor,
		     const struct sip_binding_change *c, size_t n,
		     sip_store_done_h *h, void *arg);
	int (*user_get)(struct sip_store *st, const char *username,
			const char *domain, sip_store_user_h *h, void *arg);
	int (*user_put)(struct sip_store *st, const struct sip_user *u,
			sip_store_done_h *h, void *arg);
	int (*user_del)(struct sip_store *st, const char *username,
			const char *domain, sip_store_done_h *h, void *arg);
	int (*user_list)(struct sip_store *st, sip_store_users_h *h, void *arg);
	size_t (*sweep)(struct sip_store *st);
	void (*debug)(struct sip_buf *b, const struct sip_store *st);
};

extern const struct store_ops store_memory_ops;  /* local.c */
extern const struct store_ops store_sqlite_ops;  /* local.c + journal.c */
extern const struct store_ops store_redis_ops;   /* redis*.c */

struct store_defer;

struct sip_store {
	const struct store_ops *ops;
	void *be;                     /* backend state, a sip_mem object */
	uv_loop_t *loop;              /* borrowed */
	struct sip_store_conf conf;   /* strings point into strbuf */
	char *strbuf;                 /* owned (malloc) */
	struct store_defer *defer;    /* owned */
	struct sip_store_stats stats;
	bool closing;                 /* released: every call fails */
};

/** Log a printf-formatted line through conf.log, if set (store.c). */
void store_log(const struct sip_store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- deferred calls (defer.c) ---- */

struct store_call;

/** Body of a deferred call: @p err is 0, or ECANCELED when dropped. */
typedef void (store_call_h)(struct store_call *c, int err);

/**
 * Header of a deferred call: the FIRST member of a sip_mem object, whose
 * reference the queue takes over and drops after running it.
 */
struct store_call {
	struct store_call *next;
	store_call_h *run;
};

/** Queue of calls run from an idle handle on @p loop. 0 or ENOMEM. */
int store_defer_alloc(struct store_defer **dp, uv_loop_t *loop);

/**
 * Queue @p c (run set): it runs on the next loop iteration, in order.
 * Takes over the caller's reference to the object @p c heads.
 */
void store_defer_push(struct store_defer *d, struct store_call *c);

/**
 * Run every queued call with ECANCELED, stop, and close the handle (the
 * object lives until libuv has closed it). Further pushes run their
 * call with ECANCELED at once.
 */
void store_defer_close(struct store_defer *d);

/**
 * Close @p h (if not closing yet) whose data is a sip_mem object: that
 * object is referenced until libuv's close callback.
 */
void store_uv_close(uv_handle_t *h);

/* ---- record copies (record.c) ---- */

/** Bytes needed by the strings of @p b (NULs included). */
size_t store_binding_strsize(const struct sip_binding *b);

/**
 * Copy @p src into @p dst with its strings appended at @p *pool, which
 * advances (store_binding_strsize() bytes).
 */
void store_binding_copy(struct sip_binding *dst, const struct sip_binding *src,
			char **pool);

/** As for bindings. */
size_t store_user_strsize(const struct sip_user *u);
void store_user_copy(struct sip_user *dst, const struct sip_user *src,
		     char **pool);

/**
 * A result object holding copies of the @p n bindings @p v points to.
 * NULL when out of memory.
 */
struct sip_bindings *store_bindings_new(const struct sip_binding *const *v,
					size_t n);

/** As for bindings; the list is sorted by domain then username. */
struct sip_users *store_users_new(const struct sip_user *const *v, size_t n);

/**
 * Check changes for sip_store_apply(): every key set, PUTs with contact
 * and call-id, every binding's aor (when set) equal to @p aor.
 * Returns 0 or EINVAL.
 */
int store_changes_check(const char *aor, const struct sip_binding_change *c,
			size_t n);

/* ---- the memory index (mem.c; the hash table in map.c) ---- */

struct store_map_node {
	struct store_map_node *next;   /* bucket chain */
	uint64_t hash;
	const char *key;               /* borrowed from the containing object */
	size_t klen;
};

struct store_map {
	struct store_map_node **tab;   /* owned (malloc) */
	size_t size;                   /* power of two, or 0 */
	size_t count;
	uint64_t seed;
};

/** Empty map with a random seed. 0 or ENOMEM. */
int store_map_init(struct store_map *mp);

/** Free the bucket table (the nodes belong to their owners). */
void store_map_reset(struct store_map *mp);

/** Node with key (@p key, @p klen), or NULL. */
struct store_map_node *store_map_find(const struct store_map *mp,
				      const char *key, size_t klen);

/**
 * Link @p n (key and klen set, not present yet). Never fails: when the
 * table cannot grow it just gets more crowded.
 */
void store_map_insert(struct store_map *mp, struct store_map_node *n);

/** Unlink @p n (must be linked). */
void store_map_remove(struct store_map *mp, struct store_map_node *n);

/**
 * Call @p fn for every node. @p fn may free the node it is given (the
 * map is then left for store_map_reset() only) but must not change the
 * map otherwise.
 */
void store_map_foreach(const struct store_map *mp,
		       void (*fn)(struct store_map_node *n, void *arg), void *arg);

struct store_mem;

/** Empty index whose expiry clock reads @p now. sip_mem object. */
int store_mem_alloc(struct store_mem **mp, uint64_t now);

/**
 * Apply @p n checked changes to @p aor, all or none: ENOMEM leaves the
 * index untouched. Returns 0 or ENOMEM.
 */
int store_mem_apply(struct store_mem *m, const char *aor,
		    const struct sip_binding_change *c, size_t n);

/**
 * Bindings of @p aor unexpired at @p now into a new result @p *out
 * (n may be 0). Returns 0 or ENOMEM.
 */
int store_mem_get(struct store_mem *m, const char *aor, uint64_t now,
		  struct sip_bindings **out);

/**
 * Every binding unexpired at @p now, ordered by AOR, into a new result
 * @p *out. Returns 0 or ENOMEM.
 */
int store_mem_list(struct store_mem *m, uint64_t now, struct sip_bindings **out);

/** Remove every binding expired at @p now. Returns how many. */
size_t store_mem_sweep(struct store_mem *m, uint64_t now);

/** Number of bindings / AORs held (expired ones not swept included). */
size_t store_mem_count(const struct store_mem *m);
size_t store_mem_aors(const struct store_mem *m);

/** Insert or replace a user. 0 or ENOMEM. */
int store_mem_user_put(struct store_mem *m, const struct sip_user *u);

/** Remove a user; false when absent. */
bool store_mem_user_del(struct store_mem *m, const char *username,
			const char *domain);

/** The user as a one-element list in @p *out: 0, ENOENT or ENOMEM. */
int store_mem_user_get(struct store_mem *m, const char *username,
		       const char *domain, struct sip_users **out);

/** Every user (sorted). 0 or ENOMEM. */
int store_mem_user_list(struct store_mem *m, struct sip_users **out);

/** Number of users. */
size_t store_mem_users(const struct store_mem *m);

/* ---- the SQLite journal (journal.c, the file in sqlite.c) ---- */

struct store_journal;

/**
 * Open (create) the database file of st->conf, set WAL mode, create the
 * schema, delete expired bindings and load the rest and every user into
 * @p mem, then start the writer thread. Returns 0, EIO (logged with
 * SQLite's message) or ENOMEM.
 */
int store_journal_open(struct store_journal **jp, struct sip_store *st,
		       struct store_mem *mem);

/** A journal entry being built: see store_journal_submit(). */
struct store_jent;

/**
 * New entries, not queued yet, so the caller can change the index only
 * once nothing can fail any more: bindings changes of @p aor (copied),
 * a user put (copied), a user delete. NULL when out of memory.
 */
struct store_jent *store_jent_apply(const char *aor,
				    const struct sip_binding_change *c, size_t n);
struct store_jent *store_jent_user_put(const struct sip_user *u);
struct store_jent *store_jent_user_del(const char *username, const char *domain);
struct store_jent *store_jent_expire(uint64_t now);

/**
 * Queue @p e (ownership passes); it is written in the transaction of the
 * current loop turn and @p h (may be NULL) runs once that committed: 0,
 * or EIO when the transaction failed; ECANCELED on close.
 */
void store_journal_submit(struct store_journal *j, struct store_jent *e,
			  sip_store_done_h *h, void *arg);

/**
 * Write everything queued (blocking until committed), stop the writer
 * thread, run pending handlers with ECANCELED, close the file and the
 * handles.
 */
void store_journal_close(struct store_journal *j);

/** Debug line: file, queue lengths. */
void store_journal_debug(struct sip_buf *b, const struct store_journal *j);

/* ---- hiredis on libuv (redis_uv.c) ---- */

struct redisAsyncContext;

/**
 * Attach @p ac to @p loop: hiredis' read/write hooks drive a uv_poll_t
 * that hiredis' cleanup hook closes. Returns 0, EEXIST (already
 * attached), EBADF or ENOMEM.
 */
int store_redis_attach(struct redisAsyncContext *ac, uv_loop_t *loop);

/* ---- text form of records, for Redis values (codec.c) ---- */

/**
 * Encode the fields of @p b other than aor and key as "name=value" lines
 * ('%', CR, LF escaped as %XX). Errors are sticky in @p out.
 */
void store_codec_binding_encode(struct sip_buf *out, const struct sip_binding *b);

/**
 * Decode @p len bytes at @p p into @p b, whose strings are written into
 * @p scratch (at least @p len + 1 bytes) and point there; aor and key are
 * set to the arguments (borrowed). Unknown names are skipped (a newer
 * writer). Returns 0, or EBADMSG when contact, callid or expires is
 * missing or a number or escape is bad.
 */
int store_codec_binding_decode(struct sip_binding *b, const char *p, size_t len,
			       char *scratch, const char *aor, const char *key);

#endif
