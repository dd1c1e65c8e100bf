/*
 * journal.h - private to the "sqlite" backend: the journal (journal.c:
 * queue, writer thread, group commit) and the database file it writes
 * (sqlite.c: schema, statements, loading) share these structures.
 */
#ifndef STORE_JOURNAL_H
#define STORE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>
#include <uv.h>

#include "store/store.h"

/* What an entry asks the file for. */
enum jent_kind {
	JE_APPLY,
	JE_USER_PUT,
	JE_USER_DEL,
	JE_EXPIRE,
};

/* One queued change (a whole sip_store_apply(), a user put or delete, a
 * sweep), with the handler to run once it is committed. */
struct store_jent {
	struct store_jent *next;
	enum jent_kind kind;
	sip_store_done_h *h;
	void *arg;
	int err;                        /* written by the writer */
	uint64_t now;                   /* JE_EXPIRE */
	const char *aor;                /* JE_APPLY */
	size_t n;
	struct sip_binding_change *c;   /* JE_APPLY: n copies */
	struct sip_user u;              /* JE_USER_*: copy */
	char strs[];
};

/* The journal: the file and the queue in front of it (journal.c). */
struct store_journal {
	struct sip_store *st;           /* borrowed: the owner */
	sqlite3 *db;
	sqlite3_stmt *put, *del, *expire, *uput, *udel;
	/* loop thread */
	struct store_jent *open, **open_tail;
	size_t nopen;
	bool busy;                      /* a batch is with the writer */
	uv_prepare_t prepare;           /* data: this object */
	uv_idle_t idle;
	uv_async_t async;
	bool handles;                   /* the three are initialised */
	bool closed;
	/* shared with the writer, under lock */
	uv_mutex_t lock;
	uv_cond_t cond;
	bool sync_init;
	struct store_jent *todo;
	struct store_jent *done, **done_tail;
	bool stop;
	uint64_t d_commits, d_rows, d_errors;  /* not yet in st->stats */
	char errmsg[256];               /* last failure, for the log */
	uv_thread_t thread;
	bool thread_started;
};

/**
 * Open (create) the file of j->st->conf.sqlite_path: WAL mode, the
 * synchronous level, the schema (checking its version), the statements;
 * delete the bindings expired at @p now and load the others and every
 * user into @p mem. Loop thread, before the writer starts. Returns 0 or
 * EIO (logged with SQLite's message) or ENOMEM.
 */
int sqlite_file_open(struct store_journal *j, struct store_mem *mem,
		     uint64_t now);

/**
 * Write @p batch in one transaction (BEGIN IMMEDIATE ... COMMIT, or
 * ROLLBACK). Writer thread. Returns 0 with @p *rows the rows written, or
 * EIO with SQLite's message in @p errmsg.
 */
int sqlite_write_batch(struct store_journal *j, const struct store_jent *batch,
		       uint64_t *rows, char *errmsg, size_t errsize);

/** Finalize the statements and close the file (NULL-safe, idempotent). */
void sqlite_file_close(struct store_journal *j);

#endif
