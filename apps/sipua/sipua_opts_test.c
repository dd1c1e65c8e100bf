/*
 * sipua_opts_test.c - sipua's command line and account file: commands
 * and their arguments, flag values, --at scripts, the YAML file with
 * flags overriding it, and FILE:LINE errors (exit status 2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sipua.h"

static int parse(struct ua_opts *o, ...)
{
	char *argv[32] = { "sipua" };
	int argc = 1, err;
	va_list ap;

	va_start(ap, o);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	optind = 0;    /* getopt_long starts over */
	err = ua_opts_parse(o, argc, argv);
	return err;
}

static char *write_file(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sipua_opts_test.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_call(void **state)
{
	struct ua_opts o;

	assert_int_equal(parse(&o, "--user", "alice", "--local-port", "5070",
			       "--transport", "tcp", "--record", "a.wav", "--dtmf", "12#",
			       "--duration", "2.5", "--100rel", "require",
			       "--session-expires", "120", "call", "sip:b@127.0.0.1", NULL), 0);
	assert_string_equal(o.command, "call");
	assert_string_equal(o.target, "sip:b@127.0.0.1");
	assert_string_equal(o.user, "alice");
	assert_int_equal(o.local_port, 5070);
	assert_int_equal(o.transport, SIP_TP_TCP);
	assert_string_equal(o.record, "a.wav");
	assert_string_equal(o.dtmf, "12#");
	assert_true(o.duration > 2.49 && o.duration < 2.51);
	assert_int_equal(o.rel100, 2);
	assert_int_equal(o.session_expires, 120);
	assert_int_equal(o.min_se, 90);            /* RFC 4028's default */
	assert_string_equal(o.local_ip, "127.0.0.1");
	ua_opts_free(&o);
}

static void test_at_and_message(void **state)
{
	struct ua_opts o;

	assert_int_equal(parse(&o, "--at", "1.5:hold", "--at", "3:transfer sip:c@h",
			       "message", "sip:b@h", "hi there", NULL), 0);
	assert_int_equal(o.nat, 2);
	assert_true(o.at[0].secs > 1.49 && o.at[0].secs < 1.51);
	assert_string_equal(o.at[0].cmd, "hold");
	assert_string_equal(o.at[1].cmd, "transfer sip:c@h");
	assert_string_equal(o.text, "hi there");
	ua_opts_free(&o);
}

static void test_usage_errors(void **state)
{
	struct ua_opts o;

	assert_int_equal(parse(&o, "dance", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "call", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "--transport", "sctp", "answer", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "--dtmf", "12x", "answer", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "--decline", "200", "answer", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "--at", "soon", "answer", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "register", NULL), UA_EXIT_USAGE);  /* no user */
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "answer", "extra", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
	assert_int_equal(parse(&o, "--play", "/nonexistent.wav", "answer", NULL), UA_EXIT_USAGE);
	ua_opts_free(&o);
}

static void test_file(void **state)
{
	struct ua_opts o;
	char *path = write_file("# account\nuser: bob\npassword: pw\ndomain: example.test\n"
				"proxy: 127.0.0.1:5060\ntransport: tcp\nlocal_port: 5099\n");

	/* a flag after -c wins over the file, wherever it stands */
	assert_int_equal(parse(&o, "--user", "carol", "-c", path, "register", NULL), 0);
	assert_string_equal(o.user, "carol");
	assert_string_equal(o.password, "pw");
	assert_string_equal(o.domain, "example.test");
	assert_string_equal(o.proxy, "127.0.0.1:5060");
	assert_int_equal(o.transport, SIP_TP_TCP);
	assert_int_equal(o.local_port, 5099);
	ua_opts_free(&o);
	unlink(path);
}

static void test_file_errors(void **state)
{
	struct ua_opts o;
	const char *bad[] = {
		"user: bob\ncolour: blue\n",          /* unknown key, line 2 */
		"user: bob\ntransport: sctp\n",       /* bad value, line 2 */
		"user: bob\nlocal_port: 70000\n",     /* out of range */
		"user: [bob]\n",                      /* a list */
		"user: bob\n  : :\n",                 /* YAML syntax */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *path = write_file(bad[i]);

		assert_int_equal(parse(&o, "-c", path, "register", NULL), UA_EXIT_USAGE);
		ua_opts_free(&o);
		unlink(path);
	}
	assert_int_equal(parse(&o, "-c", "/nonexistent/sipua.yaml", "register", NULL),
			 UA_EXIT_USAGE);
	ua_opts_free(&o);
}

static void test_results(void **state)
{
	assert_int_equal(ua_exit_for(486), UA_EXIT_BUSY);
	assert_int_equal(ua_exit_for(600), UA_EXIT_BUSY);
	assert_int_equal(ua_exit_for(404), UA_EXIT_NOTFOUND);
	assert_int_equal(ua_exit_for(408), UA_EXIT_TIMEOUT);
	assert_int_equal(ua_exit_for(407), UA_EXIT_AUTH);
	assert_int_equal(ua_exit_for(403), UA_EXIT_AUTH);
	assert_int_equal(ua_exit_for(487), UA_EXIT_CANCELLED);
	assert_int_equal(ua_exit_for(603), UA_EXIT_DECLINED);
	assert_int_equal(ua_exit_for(500), UA_EXIT_DECLINED);
	assert_int_equal(ua_exit_for(200), UA_EXIT_OK);
	assert_string_equal(ua_result_for(486), "busy");
	assert_string_equal(ua_result_for(604), "notfound");
	assert_string_equal(ua_result_for(401), "authfailed");
	assert_string_equal(ua_result_for(503), "failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call),
		cmocka_unit_test(test_at_and_message),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_results),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
