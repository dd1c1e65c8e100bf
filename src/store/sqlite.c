/*
 * sqlite.c - the database file of the "sqlite" backend: one file in WAL
 * mode (readers never block the writer, a commit is one append to the
 * WAL), synchronous=FULL unless configured NORMAL, the schema below
 * (version in PRAGMA user_version), prepared statements for every change,
 * and loading the unexpired bindings and the users back at start-up.
 * journal.c decides when to write; this file knows how.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store/journal.h"

static const char *const schema =
	"CREATE TABLE IF NOT EXISTS bindings("
	" aor TEXT NOT NULL, bkey TEXT NOT NULL, contact TEXT NOT NULL,"
	" callid TEXT NOT NULL, cseq INTEGER NOT NULL, expires INTEGER NOT NULL,"
	" q INTEGER NOT NULL, instance TEXT, reg_id INTEGER NOT NULL,"
	" path TEXT, received TEXT, transport TEXT, socket TEXT,"
	" user_agent TEXT, updated INTEGER NOT NULL,"
	" PRIMARY KEY(aor, bkey)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS bindings_expires ON bindings(expires);"
	"CREATE TABLE IF NOT EXISTS users("
	" username TEXT NOT NULL, domain TEXT NOT NULL, ha1_md5 TEXT,"
	" ha1_sha256 TEXT, perm TEXT,"
	" PRIMARY KEY(domain, username)) WITHOUT ROWID;"
	"PRAGMA user_version = 1;";

enum { SCHEMA_VERSION = 1 };

#define BINDING_COLS \
	"aor, bkey, contact, callid, cseq, expires, q, instance, reg_id," \
	" path, received, transport, socket, user_agent, updated"


/* ---- writing (writer thread) ---- */

static int bind_text(sqlite3_stmt *s, int col, const char *v)
{
	return v ? sqlite3_bind_text(s, col, v, -1, SQLITE_STATIC)
		 : sqlite3_bind_null(s, col);
}

static int step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int write_binding(struct store_journal *j, const struct sip_binding *b)
{
	sqlite3_stmt *s = j->put;
	int rc = SQLITE_OK;

	if (rc == SQLITE_OK) rc = bind_text(s, 1, b->aor);
	if (rc == SQLITE_OK) rc = bind_text(s, 2, b->key);
	if (rc == SQLITE_OK) rc = bind_text(s, 3, b->contact);
	if (rc == SQLITE_OK) rc = bind_text(s, 4, b->callid);
	if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 5, b->cseq);
	if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 6, (sqlite3_int64)b->expires);
	if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 7, b->q);
	if (rc == SQLITE_OK) rc = bind_text(s, 8, b->instance);
	if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 9, b->reg_id);
	if (rc == SQLITE_OK) rc = bind_text(s, 10, b->path);
	if (rc == SQLITE_OK) rc = bind_text(s, 11, b->received);
	if (rc == SQLITE_OK) rc = bind_text(s, 12, b->transport);
	if (rc == SQLITE_OK) rc = bind_text(s, 13, b->socket);
	if (rc == SQLITE_OK) rc = bind_text(s, 14, b->user_agent);
	if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 15, (sqlite3_int64)b->updated);
	return rc == SQLITE_OK ? step_reset(s) : rc;
}

static int write_del(struct store_journal *j, const char *aor, const char *key)
{
	int rc = bind_text(j->del, 1, aor);

	if (rc == SQLITE_OK)
		rc = bind_text(j->del, 2, key);
	return rc == SQLITE_OK ? step_reset(j->del) : rc;
}

static int write_user(struct store_journal *j, const struct sip_user *u)
{
	sqlite3_stmt *s = j->uput;
	int rc = bind_text(s, 1, u->username);

	if (rc == SQLITE_OK) rc = bind_text(s, 2, u->domain);
	if (rc == SQLITE_OK) rc = bind_text(s, 3, u->ha1_md5);
	if (rc == SQLITE_OK) rc = bind_text(s, 4, u->ha1_sha256);
	if (rc == SQLITE_OK) rc = bind_text(s, 5, u->perm);
	return rc == SQLITE_OK ? step_reset(s) : rc;
}

static int write_user_del(struct store_journal *j, const struct sip_user *u)
{
	int rc = bind_text(j->udel, 1, u->username);

	if (rc == SQLITE_OK)
		rc = bind_text(j->udel, 2, u->domain);
	return rc == SQLITE_OK ? step_reset(j->udel) : rc;
}

static int write_expire(struct store_journal *j, uint64_t now)
{
	int rc = sqlite3_bind_int64(j->expire, 1, (sqlite3_int64)now);

	return rc == SQLITE_OK ? step_reset(j->expire) : rc;
}

static int write_entry(struct store_journal *j, const struct store_jent *e,
		       uint64_t *rows)
{
	int rc = SQLITE_OK;

	switch (e->kind) {
	case JE_APPLY:
		for (size_t i = 0; i < e->n && rc == SQLITE_OK; i++) {
			const struct sip_binding *b = &e->c[i].b;

			rc = e->c[i].op == SIP_BINDING_PUT ? write_binding(j, b)
							 : write_del(j, b->aor, b->key);
			(*rows)++;
		}
		return rc;
	case JE_USER_PUT:
		(*rows)++;
		return write_user(j, &e->u);
	case JE_USER_DEL:
		(*rows)++;
		return write_user_del(j, &e->u);
	case JE_EXPIRE:
		(*rows)++;
		return write_expire(j, e->now);
	}
	return SQLITE_MISUSE;
}

int sqlite_write_batch(struct store_journal *j, const struct store_jent *batch,
		       uint64_t *rows, char *errmsg, size_t errsize)
{
	int rc = sqlite3_exec(j->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	for (const struct store_jent *e = batch; e && rc == SQLITE_OK; e = e->next)
		rc = write_entry(j, e, rows);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	snprintf(errmsg, errsize, "%s", sqlite3_errmsg(j->db));
	if (!sqlite3_get_autocommit(j->db))
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	*rows = 0;
	return EIO;
}


/* ---- opening and closing (loop thread) ---- */

static int fail(struct store_journal *j, const char *what)
{
	store_log(j->st, "sqlite: %s: %s: %s", j->st->conf.sqlite_path, what,
		  j->db ? sqlite3_errmsg(j->db) : "out of memory");
	return EIO;
}

static int exec(struct store_journal *j, const char *sql)
{
	return sqlite3_exec(j->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
		: fail(j, sql);
}

static int prepare_stmts(struct store_journal *j)
{
	static const struct {
		size_t off;
		const char *sql;
	} stmts[] = {
		{ offsetof(struct store_journal, put),
		  "INSERT OR REPLACE INTO bindings(" BINDING_COLS ") VALUES"
		  "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)" },
		{ offsetof(struct store_journal, del),
		  "DELETE FROM bindings WHERE aor = ?1 AND bkey = ?2" },
		{ offsetof(struct store_journal, expire),
		  "DELETE FROM bindings WHERE expires <= ?1" },
		{ offsetof(struct store_journal, uput),
		  "INSERT OR REPLACE INTO users(username, domain, ha1_md5,"
		  " ha1_sha256, perm) VALUES(?1,?2,?3,?4,?5)" },
		{ offsetof(struct store_journal, udel),
		  "DELETE FROM users WHERE username = ?1 AND domain = ?2" },
	};

	for (size_t i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		sqlite3_stmt **sp = (sqlite3_stmt **)((char *)j + stmts[i].off);

		if (sqlite3_prepare_v3(j->db, stmts[i].sql, -1,
				       SQLITE_PREPARE_PERSISTENT, sp, NULL))
			return fail(j, stmts[i].sql);
	}
	return 0;
}

static int check_version(struct store_journal *j)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &s, NULL))
		return fail(j, "PRAGMA user_version");
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v > SCHEMA_VERSION) {
		store_log(j->st, "sqlite: %s: schema version %d is newer than %d",
			  j->st->conf.sqlite_path, v, SCHEMA_VERSION);
		return EIO;
	}
	return 0;
}

static const char *col_text(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

static int load_bindings(struct store_journal *j, struct store_mem *mem,
			 uint64_t now)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	if (sqlite3_prepare_v2(j->db, "SELECT " BINDING_COLS " FROM bindings"
			       " WHERE expires > ?1", -1, &s, NULL))
		return fail(j, "SELECT bindings");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sip_binding_change c = { .op = SIP_BINDING_PUT };
		struct sip_binding *b = &c.b;

		b->aor = col_text(s, 0);
		b->key = col_text(s, 1);
		b->contact = col_text(s, 2);
		b->callid = col_text(s, 3);
		b->cseq = (uint32_t)sqlite3_column_int64(s, 4);
		b->expires = (uint64_t)sqlite3_column_int64(s, 5);
		b->q = sqlite3_column_int(s, 6);
		b->instance = col_text(s, 7);
		b->reg_id = (uint32_t)sqlite3_column_int64(s, 8);
		b->path = col_text(s, 9);
		b->received = col_text(s, 10);
		b->transport = col_text(s, 11);
		b->socket = col_text(s, 12);
		b->user_agent = col_text(s, 13);
		b->updated = (uint64_t)sqlite3_column_int64(s, 14);
		if (!b->aor || !b->key || !b->contact || !b->callid)
			continue;  /* NOT NULL in the schema: a damaged row */
		err = store_mem_apply(mem, b->aor, &c, 1);
	}
	if (!err && rc != SQLITE_DONE)
		err = fail(j, "SELECT bindings");
	sqlite3_finalize(s);
	return err;
}

static int load_users(struct store_journal *j, struct store_mem *mem)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	if (sqlite3_prepare_v2(j->db, "SELECT username, domain, ha1_md5,"
			       " ha1_sha256, perm FROM users", -1, &s, NULL))
		return fail(j, "SELECT users");
	while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sip_user u = {
			.username = col_text(s, 0), .domain = col_text(s, 1),
			.ha1_md5 = col_text(s, 2), .ha1_sha256 = col_text(s, 3),
			.perm = col_text(s, 4),
		};

		if (u.username && u.domain)
			err = store_mem_user_put(mem, &u);
	}
	if (!err && rc != SQLITE_DONE)
		err = fail(j, "SELECT users");
	sqlite3_finalize(s);
	return err;
}

static int open_db(struct store_journal *j)
{
	const struct sip_store_conf *c = &j->st->conf;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX;
	int err;

	if (sqlite3_open_v2(c->sqlite_path, &j->db, flags, NULL))
		return fail(j, "open");
	sqlite3_busy_timeout(j->db, 5000);
	/* journal_mode answers with the mode in force: check it took */
	err = exec(j, "PRAGMA journal_mode = WAL");
	if (!err)
		err = exec(j, c->sqlite_sync_normal ? "PRAGMA synchronous = NORMAL"
						  : "PRAGMA synchronous = FULL");
	/* The file is written, not read (every read is answered from the
	 * memory index): a small page cache is enough for the B-tree pages
	 * that inserts touch; SQLite's default of 2 MB would be ~20 bytes
	 * more per registration at 100,000. */
	if (!err)
		err = exec(j, "PRAGMA cache_size = -512");
	if (!err)
		err = check_version(j);
	if (!err)
		err = exec(j, schema);
	return err;
}

static int check_wal(struct store_journal *j)
{
	sqlite3_stmt *s;
	bool wal = false;

	if (sqlite3_prepare_v2(j->db, "PRAGMA journal_mode", -1, &s, NULL))
		return fail(j, "PRAGMA journal_mode");
	if (sqlite3_step(s) == SQLITE_ROW)
		wal = !strcmp((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	if (!wal) {
		store_log(j->st, "sqlite: %s: WAL mode refused",
			  j->st->conf.sqlite_path);
		return EIO;
	}
	return 0;
}

void sqlite_file_close(struct store_journal *j)
{
	sqlite3_stmt **stmts[] = { &j->put, &j->del, &j->expire, &j->uput,
				   &j->udel };

	for (size_t i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		sqlite3_finalize(*stmts[i]);
		*stmts[i] = NULL;
	}
	sqlite3_close(j->db);
	j->db = NULL;
}


int sqlite_file_open(struct store_journal *j, struct store_mem *mem,
		     uint64_t now)
{
	int err = open_db(j);

	if (!err)
		err = check_wal(j);
	if (!err)
		err = prepare_stmts(j);
	if (!err)
		err = load_bindings(j, mem, now);
	if (!err)
		err = load_users(j, mem);
	/* what expired while we were down goes now, before anything new */
	if (!err)
		err = write_expire(j, now) == SQLITE_OK ? 0 : fail(j, "expire");
	return err;
}
