/*
 * log_test.c - the log: level filtering, the text and JSON line formats
 * with key fields, quoting, and the ISO 8601 time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

struct sink {
	char *out;
	size_t len;
	FILE *f;
	struct sipd_log log;
};

static void open_sink(struct sink *s, enum sipd_log_level level,
		      enum sipd_log_format format)
{
	struct sipd_config_log cfg = { .level = level, .format = format };

	memset(s, 0, sizeof(*s));
	s->f = open_memstream(&s->out, &s->len);
	assert_non_null(s->f);
	sipd_log_init(&s->log, s->f, &cfg);
}

/* The output without the leading time stamp (checked for its shape). */
static const char *after_time(struct sink *s, const char *prefix)
{
	const char *p;

	fflush(s->f);
	p = s->out + strlen(prefix);
	assert_int_equal(strncmp(s->out, prefix, strlen(prefix)), 0);
	/* 2025-01-02T03:04:05.678Z */
	assert_true(strlen(p) > 24);
	assert_true(p[4] == '-' && p[10] == 'T' && p[19] == '.' && p[23] == 'Z');
	return p + 24;
}

static void close_sink(struct sink *s)
{
	fclose(s->f);
	free(s->out);
}

static void test_text(void **state)
{
	struct sink s;

	(void)state;
	open_sink(&s, SIPD_LOG_INFO, SIPD_LOG_TEXT);
	sipd_log(&s.log, SIPD_LOG_NOTICE, "malformed request", "peer",
		 "192.0.2.1:5060", "reason", "Bad CSeq header", "none", NULL,
		 "empty", "", NULL);
	assert_string_equal(after_time(&s, ""),
		" notice malformed request peer=192.0.2.1:5060 "
		"reason=\"Bad CSeq header\" none=- empty=\"\"\n");
	close_sink(&s);
}

static void test_json(void **state)
{
	struct sink s;

	(void)state;
	open_sink(&s, SIPD_LOG_DEBUG, SIPD_LOG_JSON);
	sipd_log(&s.log, SIPD_LOG_WARNING, "say \"hi\"", "k", "a\nb", NULL);
	assert_string_equal(after_time(&s, "{\"time\":\""),
		"\",\"level\":\"warning\",\"msg\":\"say \\\"hi\\\"\","
		"\"k\":\"a\\nb\"}\n");
	close_sink(&s);
}

static void test_levels(void **state)
{
	struct sink s;

	(void)state;
	open_sink(&s, SIPD_LOG_NOTICE, SIPD_LOG_TEXT);
	assert_false(sipd_log_on(&s.log, SIPD_LOG_DEBUG));
	assert_false(sipd_log_on(&s.log, SIPD_LOG_INFO));
	assert_true(sipd_log_on(&s.log, SIPD_LOG_NOTICE));
	assert_true(sipd_log_on(&s.log, SIPD_LOG_ERROR));
	sipd_log(&s.log, SIPD_LOG_INFO, "hidden", NULL);
	sipd_logf(&s.log, SIPD_LOG_DEBUG, "hidden %d", 1);
	sipd_logf(&s.log, SIPD_LOG_ERROR, "shown %d", 2);
	assert_string_equal(after_time(&s, ""), " error shown 2\n");
	close_sink(&s);
	assert_string_equal(sipd_log_level_name(SIPD_LOG_DEBUG), "debug");
	assert_string_equal(sipd_log_level_name((enum sipd_log_level)99), "?");
	assert_string_equal(sipd_log_format_name(SIPD_LOG_JSON), "json");
}

static void test_time(void **state)
{
	struct timespec ts = { .tv_sec = 1735787045, .tv_nsec = 678999999 };
	char buf[SIPD_TIME_LEN];

	(void)state;
	assert_string_equal(sipd_time_iso(buf, &ts), "2025-01-02T03:04:05.678Z");
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	assert_string_equal(sipd_time_iso(buf, &ts), "1970-01-01T00:00:00.000Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
