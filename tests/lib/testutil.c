/*
 * testutil.c - helpers shared by the unit tests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/msg.h"
#include "testutil.h"

char *tu_read_data(const char *rel, size_t *lenp)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", SIPD_TEST_DATA, rel);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		abort();
	}
	fclose(f);
	buf[n] = '\0';
	*lenp = (size_t)n;
	return buf;
}

char *tu_crlf(const char *text, size_t *lenp)
{
	size_t n = strlen(text), j = 0;
	char *out = malloc(2 * n + 1);

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			out[j++] = '\r';
		out[j++] = text[i];
	}
	out[j] = '\0';
	*lenp = j;
	return out;
}

struct sip_msg *tu_msg(const char *text)
{
	struct sip_msg *m = NULL;
	const char *why = "?";
	size_t len;
	char *wire = tu_crlf(text, &len);

	if (sip_msg_decode(&m, wire, len, NULL, 0, &why)) {
		fprintf(stderr, "tu_msg: cannot decode (%s):\n%s\n", why, text);
		abort();
	}
	free(wire);
	return m;
}

struct sip_msg *tu_msgf(const char *fmt, ...)
{
	enum { MAX = 65536 };
	char *text = malloc(MAX);
	struct sip_msg *m;
	va_list ap;

	if (!text)
		abort();
	va_start(ap, fmt);
	vsnprintf(text, MAX, fmt, ap);
	va_end(ap);
	m = tu_msg(text);
	free(text);
	return m;
}
