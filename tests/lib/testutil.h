/*
 * testutil.h - helpers shared by the unit tests: reading test data files.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>

/**
 * Read file @p rel (relative to tests/data) into a malloc'd buffer,
 * NUL-terminated; *lenp gets the length. Aborts the test process if the
 * file cannot be read.
 */
char *tu_read_data(const char *rel, size_t *lenp);

/**
 * Turn a readable test message into wire bytes: every "\n" not preceded by
 * "\r" becomes "\r\n". Returns a malloc'd copy; *lenp gets its length.
 */
char *tu_crlf(const char *text, size_t *lenp);

struct sip_msg;

/**
 * Decode the readable message @p text (LF line ends, made CRLF by
 * tu_crlf()) into a message the caller frees with sip_msg_free(). The
 * message keeps its own copy of the bytes. Aborts the test process when
 * the bytes cannot be decoded at all (a message with m->err set is
 * returned: tests of errors look at it).
 */
struct sip_msg *tu_msg(const char *text);

/** tu_msg() of a printf-formatted text (at most 64 KiB). */
struct sip_msg *tu_msgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
