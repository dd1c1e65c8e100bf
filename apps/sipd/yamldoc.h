/*
 * yamldoc.h - load one YAML document from text with libyaml, and format
 * "FILE:LINE: message" errors.
 *
 * Private to the daemon (apps/sipd/).
 */
#ifndef SIPD_YAMLDOC_H
#define SIPD_YAMLDOC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

/**
 * Parse @p text (@p len bytes, need not be NUL-terminated) into @p doc,
 * which must hold exactly one non-empty YAML document.
 *
 * @p name names the text in messages (a file name). On failure a message
 * "NAME:LINE: what is wrong" goes to @p err (@p errlen bytes, always
 * NUL-terminated when errlen > 0; err may be NULL when errlen is 0) and
 * @p doc is left uninitialized.
 *
 * Returns 0 (then the caller owns @p doc and frees it with
 * yaml_document_delete()), EINVAL for a syntax error, an empty text or more
 * than one document, ENOMEM when out of memory.
 */
int sipd_yaml_load(yaml_document_t *doc, const char *name, const char *text,
		   size_t len, char *err, size_t errlen);

/**
 * True when @p node is YAML's null: a plain scalar "", "~", "null", "Null"
 * or "NULL" (what `key:` with nothing after it gives). NULL node: false.
 */
bool sipd_yaml_is_null(const yaml_node_t *node);

/** 1-based line of @p node, or @p fallback when node is NULL. */
int sipd_yaml_line(const yaml_node_t *node, int fallback);

/**
 * Write "NAME:LINE: " and the printf-formatted message into @p err
 * (truncating; nothing when errlen is 0). Returns EINVAL, so callers can
 * `return sipd_yaml_errf(...)`.
 */
int sipd_yaml_errf(char *err, size_t errlen, const char *name, int line,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** As sipd_yaml_errf() with a va_list. */
int sipd_yaml_verrf(char *err, size_t errlen, const char *name, int line,
		    const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

#endif
