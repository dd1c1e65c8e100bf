/*
 * sipctl_args_test.c - sipctl's command line (args.c): commands and
 * their arguments, options anywhere, globals from the environment,
 * usage errors with their message, --since durations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "args.h"

static char err[256];

/* Parse a NULL-terminated list of words after "sipctl". */
static int parse(struct sipctl_args *a, const char *env_url,
		 const char *env_token, ...)
{
	char *argv[32] = { "sipctl" };
	int argc = 1;
	va_list ap;
	const char *w;

	va_start(ap, env_token);
	while ((w = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)w;
	va_end(ap);
	return sipctl_args_parse(a, argc, argv, env_url, env_token, err, sizeof(err));
}

static void test_commands(void **state)
{
	struct sipctl_args a;

	(void)state;
	assert_int_equal(parse(&a, NULL, NULL, "status", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_STATUS);
	assert_string_equal(a.url, SIPCTL_DEFAULT_URL);
	assert_null(a.token);
	assert_false(a.json);
	assert_int_equal(parse(&a, NULL, NULL, "reg", "list", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_REG_LIST);
	assert_int_equal(parse(&a, NULL, NULL, "reg", "show", "sip:alice@example.com", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_REG_SHOW);
	assert_string_equal(a.arg, "sip:alice@example.com");
	assert_int_equal(parse(&a, NULL, NULL, "reg", "rm", "alice", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_REG_RM);
	assert_int_equal(parse(&a, NULL, NULL, "user", "list", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_USER_LIST);
	assert_int_equal(parse(&a, NULL, NULL, "user", "rm", "bob", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_USER_RM);
	assert_int_equal(parse(&a, NULL, NULL, "calls", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_CALLS);
	assert_int_equal(parse(&a, NULL, NULL, "reload", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_RELOAD);
	assert_int_equal(parse(&a, NULL, NULL, "help", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_HELP);
	assert_int_equal(parse(&a, NULL, NULL, "reg", "list", "-h", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_HELP);
}

static void test_options_anywhere(void **state)
{
	struct sipctl_args a;

	(void)state;
	assert_int_equal(parse(&a, NULL, NULL, "--json", "user", "add", "bob",
			       "--password=s3cret", "--realm", "example.com",
			       "--url", "http://[::1]:9000", NULL), 0);
	assert_int_equal(a.cmd, SIPCTL_USER_ADD);
	assert_string_equal(a.arg, "bob");
	assert_string_equal(a.password, "s3cret");
	assert_string_equal(a.realm, "example.com");
	assert_string_equal(a.url, "http://[::1]:9000");
	assert_true(a.json);
	/* "--" ends the options: a call id may start with '-' */
	assert_int_equal(parse(&a, NULL, NULL, "ladder", "--ascii", "--", "-x-@h", NULL), 0);
	assert_string_equal(a.arg, "-x-@h");
	assert_true(a.ascii);
	assert_int_equal(parse(&a, NULL, NULL, "trace", "--call-id", "c1", "--method",
			       "INVITE", "--user", "alice", "--addr", "127.0.0.1",
			       "--since", "10m", "-f", "--interval", "100",
			       "--limit", "5", "--color", NULL), 0);
	assert_string_equal(a.call_id, "c1");
	assert_string_equal(a.method, "INVITE");
	assert_string_equal(a.user, "alice");
	assert_string_equal(a.addr, "127.0.0.1");
	assert_string_equal(a.since, "10m");
	assert_true(a.follow);
	assert_int_equal(a.interval_ms, 100);
	assert_int_equal(a.limit, 5);
	assert_int_equal(a.color, SIPCTL_COLOR_ALWAYS);
	assert_int_equal(a.trace_switch, -1);
	assert_int_equal(parse(&a, NULL, NULL, "trace", "--on", NULL), 0);
	assert_int_equal(a.trace_switch, 1);
	assert_int_equal(parse(&a, NULL, NULL, "trace", "--off", NULL), 0);
	assert_int_equal(a.trace_switch, 0);
}

static void test_environment(void **state)
{
	struct sipctl_args a;

	(void)state;
	assert_int_equal(parse(&a, "http://127.0.0.1:1234", "tok", "status", NULL), 0);
	assert_string_equal(a.url, "http://127.0.0.1:1234");
	assert_string_equal(a.token, "tok");
	/* the flags win over the environment; empty variables are unset */
	assert_int_equal(parse(&a, "http://127.0.0.1:1234", "tok", "--token", "t2",
			       "--url", "http://h", "status", NULL), 0);
	assert_string_equal(a.url, "http://h");
	assert_string_equal(a.token, "t2");
	assert_int_equal(parse(&a, "", "", "status", NULL), 0);
	assert_string_equal(a.url, SIPCTL_DEFAULT_URL);
	assert_null(a.token);
}

static void usage_error(const char *want, ...)
{
	char *argv[32] = { "sipctl" };
	struct sipctl_args a;
	int argc = 1;
	va_list ap;
	const char *w;

	va_start(ap, want);
	while ((w = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)w;
	va_end(ap);
	assert_int_equal(sipctl_args_parse(&a, argc, argv, NULL, NULL, err,
					   sizeof(err)), EINVAL);
	assert_string_equal(err, want);
}

static void test_usage_errors(void **state)
{
	(void)state;
	usage_error("no command given", NULL);
	usage_error("unknown command 'stats'", "stats", NULL);
	usage_error("reg: want list, show AOR or rm AOR", "reg", NULL);
	usage_error("user: want add NAME, rm NAME or list", "user", "del", "x", NULL);
	usage_error("reg show: missing AOR", "reg", "show", NULL);
	usage_error("status: unexpected argument 'now'", "status", "now", NULL);
	usage_error("ladder: missing CALL-ID", "ladder", "--svg", "x.svg", NULL);
	usage_error("unknown option --colour", "trace", "--colour", NULL);
	usage_error("--token needs a value", "status", "--token", NULL);
	usage_error("--json takes no value", "--json=1", "status", NULL);
	usage_error("--password is not an option of this command",
		    "user", "rm", "bob", "--password", "x", NULL);
	usage_error("-f is not an option of this command", "ladder", "c", "-f", NULL);
	usage_error("give --password or --password-stdin, not both",
		    "user", "add", "bob", "--password", "x", "--password-stdin", NULL);
	usage_error("give --svg or --html, not both", "ladder", "c", "--svg", "a",
		    "--html", "b", NULL);
	usage_error("--pcap writes a file once: it cannot --follow", "trace",
		    "--pcap", "x.pcap", "--follow", NULL);
	usage_error("--limit: want a number from 1 to 1000000", "trace", "--limit", "0", NULL);
	usage_error("--limit: want a number from 1 to 1000000", "trace", "--limit", "5x", NULL);
	usage_error("--interval: want milliseconds from 50 to 60000", "trace",
		    "--interval", "10", NULL);
	usage_error("--since: want an RFC 3339 time (2026-11-24T06:00:00Z) or a "
		    "duration (30s, 10m, 2h, 1d)", "trace", "--since", "yesterday", NULL);
	usage_error("--on and --off switch tracing and take no other trace option",
		    "trace", "--on", "--follow", NULL);
	usage_error("--on and --off switch tracing and take no other trace option",
		    "trace", "--off", "--call-id", "x", NULL);
	usage_error("--on is not an option of this command", "ladder", "c", "--on", NULL);
	usage_error("--password: the password is empty", "user", "add", "bob",
		    "--password=", NULL);
}

static void test_since(void **state)
{
	char out[40];
	time_t now = 1795500000; /* 2026-11-24T06:00:00Z */

	(void)state;
	assert_int_equal(sipctl_since("10m", now, out, sizeof(out)), 0);
	assert_string_equal(out, "2026-11-24T05:50:00Z");
	assert_int_equal(sipctl_since("1d", now, out, sizeof(out)), 0);
	assert_string_equal(out, "2026-11-23T06:00:00Z");
	assert_int_equal(sipctl_since("30s", now, out, sizeof(out)), 0);
	assert_string_equal(out, "2026-11-24T05:59:30Z");
	assert_int_equal(sipctl_since("2026-11-24T06:00:00.5+01:00", now, out, sizeof(out)), 0);
	assert_string_equal(out, "2026-11-24T06:00:00.5+01:00");
	assert_int_equal(sipctl_since("10", now, out, sizeof(out)), EINVAL);
	assert_int_equal(sipctl_since("-10m", now, out, sizeof(out)), EINVAL);
	assert_int_equal(sipctl_since("10w", now, out, sizeof(out)), EINVAL);
	assert_int_equal(sipctl_since("m", now, out, sizeof(out)), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_options_anywhere),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_since),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
