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

#endif
