/*
 * store_sqlite_test.c - the "sqlite" backend on a real file in a
 * temporary directory: WAL mode; a change completes only once committed
 * (visible to another connection from inside its handler); group commit
 * (N changes in one loop turn, one transaction); durability across
 * kill -9 (a child writes 1,000 bindings, waits for their handlers, then
 * SIGKILLs itself; reopening brings every binding back with its
 * remaining expiry); expired rows skipped on load and swept from the
 * file; a failing transaction reports EIO; release flushes.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "sip/mem.h"
#include "sip/store.h"

static char dir[64];
static char path[128];
static uint64_t vclock;

static const uint64_t T0 = 1700000000000ULL;

static uint64_t virtual_now(void *arg)
{
	return vclock;
}

static char logged[512];

static void on_log(void *arg, const char *line)
{
	snprintf(logged, sizeof(logged), "%s", line);
}

static void rm_files(void)
{
	const char *suffix[] = { "", "-wal", "-shm" };
	char p[160];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

static int setup(void **state)
{
	strcpy(dir, "/tmp/sipd-store-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/sipd.db", dir);
	vclock = T0;
	logged[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	rm_files();
	rmdir(dir);
	return 0;
}

static struct sip_store *open_store(uv_loop_t *loop)
{
	struct sip_store_conf conf = {
		.backend = "sqlite", .sqlite_path = path, .clock = virtual_now,
		.log = on_log,
	};
	struct sip_store *st;
	int err = sip_store_open(&st, loop, &conf);

	if (err)
		fail_msg("open: %d: %s", err, logged);
	return st;
}

static void close_store(struct sip_store *st, uv_loop_t *loop)
{
	sip_mem_deref(st);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

static struct sip_binding mkb(const char *aor, const char *key, uint64_t expires)
{
	struct sip_binding b = {
		.aor = aor, .key = key, .contact = "sip:ua@192.0.2.1:5060",
		.callid = "abc@192.0.2.1", .cseq = 7, .expires = expires, .q = 800,
		.instance = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>",
		.reg_id = 1, .path = "<sip:edge.example.com;lr>",
		.received = "192.0.2.1:5060", .transport = "UDP",
		.socket = "198.51.100.1:5060", .user_agent = "test/1.0",
		.updated = vclock,
	};

	return b;
}

/* A second connection, as another process would see the file. */
static long count_rows(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

struct done {
	int calls;
	int err;
	long rows_seen;        /* rows in the file when the handler ran */
};

static void on_done(void *arg, int err)
{
	struct done *d = arg;

	d->calls++;
	d->err = err;
}

static void on_done_count(void *arg, int err)
{
	struct done *d = arg;

	d->calls++;
	d->err = err;
	d->rows_seen = count_rows("SELECT count(*) FROM bindings");
}

static void run_until(uv_loop_t *loop, const int *calls, int want)
{
	for (int i = 0; i < 100000 && *calls < want; i++)
		uv_run(loop, UV_RUN_ONCE);
	assert_int_equal(*calls, want);
}

struct lookup {
	int calls;
	int err;
	struct sip_bindings *bs;   /* referenced */
};

static void on_lookup(void *arg, int err, struct sip_bindings *bs)
{
	struct lookup *l = arg;

	l->calls++;
	l->err = err;
	l->bs = sip_mem_ref(bs);
}

static struct sip_bindings *lookup(struct sip_store *st, uv_loop_t *loop,
				   const char *aor)
{
	struct lookup l = { 0 };

	assert_int_equal(sip_store_lookup(st, aor, on_lookup, &l), 0);
	run_until(loop, &l.calls, 1);
	assert_int_equal(l.err, 0);
	return l.bs;
}

static void test_wal_and_roundtrip(void **state)
{
	long live = sip_mem_live();
	uv_loop_t loop;
	struct sip_store *st;
	struct sip_binding b = mkb("sip:alice@example.com", "k1", T0 + 3600000);
	struct sip_user u = { "alice", "example.com",
			      "0123456789abcdef0123456789abcdef", NULL, "default" };
	struct sip_bindings *bs;
	struct done d = { 0 };
	sqlite3 *db;
	sqlite3_stmt *s;

	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	assert_string_equal(sip_store_backend(st), "sqlite");
	assert_int_equal(sip_store_put(st, &b, on_done_count, &d), 0);
	assert_int_equal(sip_store_user_put(st, &u, on_done, &d), 0);
	run_until(&loop, &d.calls, 2);
	assert_int_equal(d.err, 0);
	/* from inside the handler the row was already in the file */
	assert_int_equal(d.rows_seen, 1);
	close_store(st, &loop);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);

	vclock += 1000;
	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	assert_int_equal(sip_store_stats(st)->bindings, 1);
	assert_int_equal(sip_store_stats(st)->users, 1);
	bs = lookup(st, &loop, "sip:alice@example.com");
	assert_int_equal(bs->n, 1);
	assert_string_equal(bs->v[0].key, "k1");
	assert_string_equal(bs->v[0].contact, b.contact);
	assert_string_equal(bs->v[0].callid, b.callid);
	assert_int_equal(bs->v[0].cseq, 7);
	assert_int_equal(bs->v[0].q, 800);
	assert_string_equal(bs->v[0].instance, b.instance);
	assert_int_equal(bs->v[0].reg_id, 1);
	assert_string_equal(bs->v[0].path, b.path);
	assert_string_equal(bs->v[0].received, b.received);
	assert_string_equal(bs->v[0].transport, "UDP");
	assert_string_equal(bs->v[0].socket, b.socket);
	assert_string_equal(bs->v[0].user_agent, "test/1.0");
	assert_int_equal(bs->v[0].updated, T0);
	assert_int_equal(sip_binding_remaining(&bs->v[0], vclock), 3599);
	sip_mem_deref(bs);
	close_store(st, &loop);
	assert_int_equal(sip_mem_live(), live);
}

static void test_group_commit(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct done d = { 0 };
	char aor[64];
	enum { N = 200 };

	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	/* N changes in one loop turn: one transaction */
	for (int i = 0; i < N; i++) {
		struct sip_binding b = mkb(aor, "k", T0 + 60000);

		snprintf(aor, sizeof(aor), "sip:u%d@example.com", i);
		assert_int_equal(sip_store_put(st, &b, on_done, &d), 0);
	}
	assert_int_equal(sip_store_stats(st)->commits, 0);
	run_until(&loop, &d.calls, N);
	assert_int_equal(d.err, 0);
	assert_int_equal(sip_store_stats(st)->commits, 1);
	assert_int_equal(sip_store_stats(st)->rows, N);
	assert_int_equal(count_rows("SELECT count(*) FROM bindings"), N);

	/* a later turn: the next transaction */
	assert_int_equal(sip_store_del(st, "sip:u0@example.com", "k", on_done, &d), 0);
	run_until(&loop, &d.calls, N + 1);
	assert_int_equal(sip_store_stats(st)->commits, 2);
	assert_int_equal(count_rows("SELECT count(*) FROM bindings"), N - 1);
	close_store(st, &loop);
}

/* ---- kill -9 ---- */

enum { KILL_N = 1000 };

struct child {
	struct sip_store *st;
	int done;
	int failed;
	int next;
};

static void child_put_some(struct child *c);

static void child_on_done(void *arg, int err)
{
	struct child *c = arg;

	if (err)
		c->failed++;
	c->done++;
	/* after the first batch committed, write the rest from handlers,
	 * so that several transactions are involved */
	if (c->done == 100)
		child_put_some(c);
}

static void child_put_some(struct child *c)
{
	char aor[64], key[32];
	int end = c->next == 0 ? 100 : KILL_N;

	for (; c->next < end; c->next++) {
		int i = c->next;
		struct sip_binding b = mkb(aor, key, T0 + 10000 + (uint64_t)i * 1000);

		snprintf(aor, sizeof(aor), "sip:user%d@example.com", i / 2);
		snprintf(key, sizeof(key), "key-%d", i % 2);
		b.cseq = (uint32_t)i;
		if (sip_store_put(c->st, &b, child_on_done, c))
			c->failed++;
	}
}

static void child_main(void)
{
	uv_loop_t loop;
	struct sip_store_conf conf = {
		.backend = "sqlite", .sqlite_path = path, .clock = virtual_now,
	};
	struct child c = { 0 };

	if (uv_loop_init(&loop) || sip_store_open(&c.st, &loop, &conf))
		_exit(2);
	child_put_some(&c);
	while (c.done < KILL_N)
		uv_run(&loop, UV_RUN_ONCE);
	if (c.failed)
		_exit(3);
	/* every handler ran: each binding was answered; now die hard,
	 * without closing anything */
	kill(getpid(), SIGKILL);
	_exit(4);
}

static void test_kill9_durability(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct sip_bindings *bs;
	int status;
	pid_t pid;
	char aor[64];

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_main();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	/* restart 5 s later: every binding back with what is left of it */
	vclock = T0 + 5000;
	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	assert_int_equal(sip_store_stats(st)->bindings, KILL_N);
	for (int u = 0; u < KILL_N / 2; u++) {
		snprintf(aor, sizeof(aor), "sip:user%d@example.com", u);
		bs = lookup(st, &loop, aor);
		assert_int_equal(bs->n, 2);
		for (size_t k = 0; k < 2; k++) {
			int i = 2 * u + (strcmp(bs->v[k].key, "key-0") ? 1 : 0);

			assert_int_equal(bs->v[k].cseq, i);
			assert_int_equal(bs->v[k].expires, T0 + 10000 + (uint64_t)i * 1000);
			assert_int_equal(sip_binding_remaining(&bs->v[k], vclock),
					 5 + i);
		}
		sip_mem_deref(bs);
	}
	close_store(st, &loop);
}

static void test_expired_not_loaded(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct done d = { 0 };
	struct sip_binding b1 = mkb("sip:short@example.com", "k", T0 + 1000);
	struct sip_binding b2 = mkb("sip:long@example.com", "k", T0 + 100000);

	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	assert_int_equal(sip_store_put(st, &b1, on_done, &d), 0);
	assert_int_equal(sip_store_put(st, &b2, on_done, &d), 0);
	run_until(&loop, &d.calls, 2);
	close_store(st, &loop);

	vclock = T0 + 1000;  /* exactly at expiry: gone */
	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	assert_int_equal(sip_store_stats(st)->bindings, 1);
	/* and removed from the file while opening */
	assert_int_equal(count_rows("SELECT count(*) FROM bindings"), 1);
	close_store(st, &loop);
}

static void test_sweep_deletes_rows(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct done d = { 0 };
	struct sip_binding b1 = mkb("sip:a@example.com", "k", T0 + 1000);
	struct sip_binding b2 = mkb("sip:b@example.com", "k", T0 + 100000);
	uint64_t commits;

	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	assert_int_equal(sip_store_put(st, &b1, on_done, &d), 0);
	assert_int_equal(sip_store_put(st, &b2, on_done, &d), 0);
	run_until(&loop, &d.calls, 2);
	commits = sip_store_stats(st)->commits;
	assert_int_equal(sip_store_sweep(st), 0);
	vclock = T0 + 1000;
	assert_int_equal(sip_store_sweep(st), 1);
	/* the delete travels as one more transaction, with no handler */
	for (int i = 0; i < 1000 && sip_store_stats(st)->commits == commits; i++)
		uv_run(&loop, UV_RUN_ONCE);
	assert_int_equal(sip_store_stats(st)->commits, commits + 1);
	assert_int_equal(count_rows("SELECT count(*) FROM bindings"), 1);
	assert_int_equal(count_rows("SELECT count(*) FROM bindings"
				    " WHERE aor = 'sip:b@example.com'"), 1);
	close_store(st, &loop);
}

static void test_write_failure(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct done d = { 0 };
	struct sip_binding b = mkb("sip:a@example.com", "k", T0 + 1000);
	sqlite3 *db;

	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	/* someone breaks the schema under us */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE bindings", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sip_store_put(st, &b, on_done, &d), 0);
	run_until(&loop, &d.calls, 1);
	assert_int_equal(d.err, EIO);
	assert_int_equal(sip_store_stats(st)->write_errors, 1);
	assert_non_null(strstr(logged, "transaction failed"));
	/* the index still holds it */
	assert_int_equal(sip_store_stats(st)->bindings, 1);
	close_store(st, &loop);
}

static void test_release_flushes(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct done d = { 0 };
	struct sip_binding b = mkb("sip:a@example.com", "k", T0 + 100000);

	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop);
	assert_int_equal(sip_store_put(st, &b, on_done, &d), 0);
	/* released in the same turn: written anyway, handler cancelled */
	close_store(st, &loop);
	assert_int_equal(d.calls, 1);
	assert_int_equal(d.err, ECANCELED);
	assert_int_equal(count_rows("SELECT count(*) FROM bindings"), 1);
}

static void test_not_a_database(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct sip_store_conf conf = {
		.backend = "sqlite", .sqlite_path = path, .log = on_log,
	};
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("this is not an SQLite database, not even close to one..........."
	      "................................................................",
	      f);
	fclose(f);
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(sip_store_open(&st, &loop, &conf), EIO);
	assert_non_null(strstr(logged, path));
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);

	conf.sqlite_path = "/nonexistent-dir/x/sipd.db";
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(sip_store_open(&st, &loop, &conf), EIO);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wal_and_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_durability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_not_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_deletes_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_flushes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
