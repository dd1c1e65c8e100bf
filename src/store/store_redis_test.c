/*
 * store_redis_test.c - the "redis" backend against a real redis-server
 * that the test starts itself: loopback only, a free port, a temporary
 * directory, no persistence, stopped by PID. Two stores on the same Redis
 * see each other's bindings and users; bindings expire by TTL; the
 * connection comes back after Redis restarts; operations fail cleanly
 * while it is down. Skipped (with a message) only when redis-server is
 * not installed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>

#include "sip/mem.h"
#include "sip/store.h"

static const char *redis_bin;
static char dir[64];
static uint16_t port;
static pid_t redis_pid = -1;

static const char *find_redis(void)
{
	static const char *const paths[] = {
		"/usr/bin/redis-server", "/usr/local/bin/redis-server",
		"/usr/sbin/redis-server",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	}
	return NULL;
}

static uint16_t free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t p = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    !getsockname(fd, (struct sockaddr *)&sin, &len))
		p = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return p;
}

static bool can_connect(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	if (fd >= 0)
		close(fd);
	return ok;
}

static int start_redis(void)
{
	char portstr[8];

	snprintf(portstr, sizeof(portstr), "%u", port);
	fflush(NULL);
	redis_pid = fork();
	if (redis_pid < 0)
		return -1;
	if (redis_pid == 0) {
		if (chdir(dir))
			_exit(127);
		execl(redis_bin, redis_bin, "--port", portstr, "--bind", "127.0.0.1",
		      "--save", "", "--appendonly", "no", "--dir", dir,
		      "--logfile", "redis.log", "--daemonize", "no", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		if (can_connect())
			return 0;
		usleep(10000);
	}
	return -1;
}

static void stop_redis(int sig)
{
	int status;

	if (redis_pid <= 0)
		return;
	kill(redis_pid, sig);
	waitpid(redis_pid, &status, 0);
	redis_pid = -1;
}

static int group_setup(void **state)
{
	redis_bin = find_redis();
	if (!redis_bin)
		return 0;
	strcpy(dir, "/tmp/sipd-redis-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	port = free_port();
	if (!port || start_redis())
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	char p[128];

	if (!redis_bin)
		return 0;
	stop_redis(SIGTERM);
	snprintf(p, sizeof(p), "%s/redis.log", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static void need_redis(void)
{
	if (!redis_bin) {
		print_message("SKIP: redis-server is not installed "
			      "(make deps installs it)\n");
		skip();
	}
}

/* ---- helpers ---- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct sip_store *open_store(uv_loop_t *loop, const char *prefix)
{
	struct sip_store_conf conf = {
		.backend = "redis", .redis_host = "127.0.0.1", .redis_port = port,
		.redis_prefix = prefix, .redis_db = 3,
	};
	struct sip_store *st;

	assert_int_equal(sip_store_open(&st, loop, &conf), 0);
	assert_string_equal(sip_store_backend(st), "redis");
	return st;
}

struct res {
	int calls;
	int err;
	size_t n;
	char contacts[4][64];
	char aor[64];
	char ua[64];
	char user[64];
	char md5[64];
};

static void on_done(void *arg, int err)
{
	struct res *r = arg;

	r->calls++;
	r->err = err;
}

static void on_bindings(void *arg, int err, struct sip_bindings *bs)
{
	struct res *r = arg;

	r->calls++;
	r->err = err;
	r->n = bs ? bs->n : 0;
	for (size_t i = 0; bs && i < bs->n && i < 4; i++)
		snprintf(r->contacts[i], sizeof(r->contacts[i]), "%s", bs->v[i].contact);
	if (bs && bs->n) {
		snprintf(r->aor, sizeof(r->aor), "%s", bs->v[0].aor);
		snprintf(r->ua, sizeof(r->ua), "%s",
			 bs->v[0].user_agent ? bs->v[0].user_agent : "");
	}
}

static void on_user(void *arg, int err, const struct sip_user *u)
{
	struct res *r = arg;

	r->calls++;
	r->err = err;
	if (u) {
		snprintf(r->user, sizeof(r->user), "%s@%s", u->username, u->domain);
		snprintf(r->md5, sizeof(r->md5), "%s", u->ha1_md5 ? u->ha1_md5 : "");
	}
}

static void on_users(void *arg, int err, struct sip_users *us)
{
	struct res *r = arg;

	r->calls++;
	r->err = err;
	r->n = us ? us->n : 0;
	if (us && us->n)
		snprintf(r->user, sizeof(r->user), "%s@%s", us->v[0].username,
			 us->v[0].domain);
}

static void run_until(uv_loop_t *loop, const int *calls, int want)
{
	for (int i = 0; i < 2000 && *calls < want; i++)
		uv_run(loop, UV_RUN_NOWAIT), usleep(1000);
	assert_int_equal(*calls, want);
}

static struct sip_binding mkb(const char *aor, const char *key,
			      const char *contact, uint64_t expires)
{
	struct sip_binding b = {
		.aor = aor, .key = key, .contact = contact,
		.callid = "c1@host", .cseq = 1, .expires = expires, .q = -1,
		.user_agent = "multi\nline % agent", .updated = now_ms(),
	};

	return b;
}

static void lookup(struct sip_store *st, uv_loop_t *loop, const char *aor,
		   struct res *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(sip_store_lookup(st, aor, on_bindings, r), 0);
	run_until(loop, &r->calls, 1);
}

/* Release; other stores may still keep the loop busy, so only turn it a
 * few times for the handles to close. */
static void close_store(struct sip_store *st, uv_loop_t *loop)
{
	sip_mem_deref(st);
	for (int i = 0; i < 5; i++)
		uv_run(loop, UV_RUN_NOWAIT);
}

/* Everything released: the loop must run dry and close. */
static void finish(uv_loop_t *loop)
{
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

/* A plain synchronous client, to look at keys directly. */
static long long redis_int(const char *cmd, const char *key)
{
	redisContext *c = redisConnect("127.0.0.1", port);
	redisReply *rep;
	long long v = -100;

	assert_non_null(c);
	assert_int_equal(c->err, 0);
	rep = redisCommand(c, "SELECT 3");
	freeReplyObject(rep);
	rep = redisCommand(c, "%s %s", cmd, key);
	if (rep && rep->type == REDIS_REPLY_INTEGER)
		v = rep->integer;
	freeReplyObject(rep);
	redisFree(c);
	return v;
}

/* ---- tests ---- */

static void test_two_nodes_share(void **state)
{
	uv_loop_t loop;
	struct sip_store *a, *b;
	struct res r = { 0 };
	uint64_t now;
	struct sip_binding b1, b2;
	struct sip_user u = { "alice", "example.com", "00112233445566778899aabbccddeeff",
			      NULL, "default" };

	need_redis();
	now = now_ms();
	b1 = mkb("sip:alice@example.com", "k1", "sip:alice@192.0.2.1", now + 60000);
	b2 = mkb("sip:alice@example.com", "k2", "sip:alice@192.0.2.2", now + 60000);
	assert_int_equal(uv_loop_init(&loop), 0);
	a = open_store(&loop, "t1:");
	b = open_store(&loop, "t1:");

	assert_int_equal(sip_store_put(a, &b1, on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, 0);
	assert_int_equal(sip_store_stats(a)->commits, 1);

	/* node b sees what node a wrote */
	lookup(b, &loop, "sip:alice@example.com", &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.contacts[0], "sip:alice@192.0.2.1");
	assert_string_equal(r.aor, "sip:alice@example.com");
	/* escaped in the stored text, intact when read back */
	assert_string_equal(r.ua, "multi\nline % agent");

	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_put(b, &b2, on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	lookup(a, &loop, "sip:alice@example.com", &r);
	assert_int_equal(r.n, 2);

	/* a delete through b is seen by a */
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_del(b, "sip:alice@example.com", "k1", on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	lookup(a, &loop, "sip:alice@example.com", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.contacts[0], "sip:alice@192.0.2.2");

	/* another prefix is another namespace */
	{
		struct sip_store *c = open_store(&loop, "other:");

		lookup(c, &loop, "sip:alice@example.com", &r);
		assert_int_equal(r.err, 0);
		assert_int_equal(r.n, 0);
		close_store(c, &loop);
	}

	/* users */
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_put(a, &u, on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_get(b, "alice", "example.com", on_user, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, 0);
	assert_string_equal(r.user, "alice@example.com");
	assert_string_equal(r.md5, u.ha1_md5);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_get(b, "bob", "example.com", on_user, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, ENOENT);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_list(b, on_users, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.user, "alice@example.com");
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_del(a, "alice", "example.com", on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_list(b, on_users, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.n, 0);

	close_store(a, &loop);
	close_store(b, &loop);
	finish(&loop);
}

static void test_ttl_expiry(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct res r = { 0 };
	uint64_t now;
	struct sip_binding b1, b2;

	need_redis();
	now = now_ms();
	b1 = mkb("sip:ttl@example.com", "short", "sip:ttl@192.0.2.1", now + 300);
	b2 = mkb("sip:ttl2@example.com", "short", "sip:ttl2@192.0.2.1", now + 300);
	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop, "t2:");
	assert_int_equal(sip_store_put(st, &b1, on_done, &r), 0);
	assert_int_equal(sip_store_put(st, &b2, on_done, &r), 0);
	b2.key = "long";
	b2.contact = "sip:ttl2@192.0.2.2";
	b2.expires = now + 60000;
	assert_int_equal(sip_store_put(st, &b2, on_done, &r), 0);
	run_until(&loop, &r.calls, 3);
	assert_int_equal(r.err, 0);
	/* the key carries the TTL of its longest binding */
	assert_true(redis_int("PTTL", "t2:aor:sip:ttl@example.com") > 0);
	assert_true(redis_int("PTTL", "t2:aor:sip:ttl@example.com") <= 300);
	assert_true(redis_int("PTTL", "t2:aor:sip:ttl2@example.com") > 30000);

	usleep(450000);
	/* Redis removed the key by itself */
	assert_int_equal(redis_int("EXISTS", "t2:aor:sip:ttl@example.com"), 0);
	lookup(st, &loop, "sip:ttl@example.com", &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 0);
	/* the short binding of a key kept alive by a long one is filtered,
	 * then dropped from the hash */
	lookup(st, &loop, "sip:ttl2@example.com", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.contacts[0], "sip:ttl2@192.0.2.2");
	lookup(st, &loop, "sip:ttl2@example.com", &r);
	assert_int_equal(redis_int("HLEN", "t2:aor:sip:ttl2@example.com"), 1);
	close_store(st, &loop);
	finish(&loop);
}

static void test_reconnect(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct res r = { 0 };
	struct sip_binding b;
	int err = -1;

	need_redis();
	b = mkb("sip:re@example.com", "k", "sip:re@192.0.2.1", now_ms() + 60000);
	assert_int_equal(uv_loop_init(&loop), 0);
	st = open_store(&loop, "t3:");
	assert_int_equal(sip_store_put(st, &b, on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, 0);

	stop_redis(SIGKILL);
	/* down: the operation fails, its handler still runs once */
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_lookup(st, "sip:re@example.com", on_bindings, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_true(r.err == ENOTCONN || r.err == ECONNRESET);

	assert_int_equal(start_redis(), 0);
	/* back: within the back-off, writes go through again */
	for (int i = 0; i < 100 && err; i++) {
		memset(&r, 0, sizeof(r));
		assert_int_equal(sip_store_put(st, &b, on_done, &r), 0);
		run_until(&loop, &r.calls, 1);
		err = r.err;
		if (err)
			usleep(50000);
	}
	assert_int_equal(err, 0);
	assert_true(sip_store_stats(st)->reconnects >= 1);
	lookup(st, &loop, "sip:re@example.com", &r);
	assert_int_equal(r.n, 1);
	close_store(st, &loop);
	finish(&loop);
}

static void test_down_at_open_and_release(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct sip_store_conf conf = {
		.backend = "redis", .redis_port = free_port(),
	};
	struct res r = { 0 }, r2 = { 0 };
	struct sip_binding b = mkb("sip:x@example.com", "k", "sip:x@192.0.2.1",
				   now_ms() + 60000);

	need_redis();
	assert_int_equal(uv_loop_init(&loop), 0);
	/* nobody listens there: open still succeeds, operations fail */
	assert_int_equal(sip_store_open(&st, &loop, &conf), 0);
	assert_int_equal(sip_store_lookup(st, "sip:x@example.com", on_bindings, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_true(r.err == ENOTCONN || r.err == ECONNRESET);
	close_store(st, &loop);

	/* released with a request in flight: ECANCELED, exactly once */
	st = open_store(&loop, "t4:");
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_put(st, &b, on_done, &r), 0);
	assert_int_equal(sip_store_lookup(st, "sip:x@example.com", on_bindings, &r2), 0);
	close_store(st, &loop);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.err, ECANCELED);
	assert_int_equal(r2.calls, 1);
	assert_int_equal(r2.err, ECANCELED);
	finish(&loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_nodes_share),
		cmocka_unit_test(test_ttl_expiry),
		cmocka_unit_test(test_reconnect),
		cmocka_unit_test(test_down_at_open_and_release),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
