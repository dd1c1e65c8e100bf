/*
 * yamldoc.c - one YAML document from text through libyaml's document API,
 * with the line of every syntax error (libyaml's marks are 0-based).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "yamldoc.h"

int sipd_yaml_verrf(char *err, size_t errlen, const char *name, int line,
		    const char *fmt, va_list ap)
{
	int n;

	if (!errlen)
		return EINVAL;
	n = snprintf(err, errlen, "%s:%d: ", name, line);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return EINVAL;
}

int sipd_yaml_errf(char *err, size_t errlen, const char *name, int line,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sipd_yaml_verrf(err, errlen, name, line, fmt, ap);
	va_end(ap);
	return EINVAL;
}

int sipd_yaml_line(const yaml_node_t *node, int fallback)
{
	return node ? (int)node->start_mark.line + 1 : fallback;
}

bool sipd_yaml_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	const char *v;

	if (!node || node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)node->data.scalar.value;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (node->data.scalar.length == strlen(nulls[i]) &&
		    !memcmp(v, nulls[i], node->data.scalar.length))
			return true;
	return false;
}

static int nomem(char *err, size_t errlen, const char *name)
{
	if (errlen)
		snprintf(err, errlen, "%s: out of memory", name);
	return ENOMEM;
}

/* Reader errors (bad UTF-8, control characters) carry only a byte offset. */
static int offset_line(const char *text, size_t len, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

static int syntax_error(const yaml_parser_t *p, const char *name,
			const char *text, size_t len, char *err, size_t errlen)
{
	const char *problem = p->problem ? p->problem : "malformed YAML";
	int line;

	if (p->error == YAML_MEMORY_ERROR)
		return nomem(err, errlen, name);
	if (p->error == YAML_READER_ERROR)
		line = offset_line(text, len, p->problem_offset);
	else
		line = (int)p->problem_mark.line + 1;
	if (p->context)
		return sipd_yaml_errf(err, errlen, name, line,
				      "YAML syntax error: %s (%s at line %d)",
				      problem, p->context,
				      (int)p->context_mark.line + 1);
	return sipd_yaml_errf(err, errlen, name, line,
			      "YAML syntax error: %s", problem);
}

/* After the first document the stream must end: a second one is refused
 * rather than silently ignored. */
static int expect_end(yaml_parser_t *parser, const char *name,
		      const char *text, size_t len, char *err, size_t errlen)
{
	yaml_document_t extra;
	int line;

	if (!yaml_parser_load(parser, &extra))
		return syntax_error(parser, name, text, len, err, errlen);
	if (!yaml_document_get_root_node(&extra)) {
		yaml_document_delete(&extra);
		return 0;
	}
	line = (int)extra.start_mark.line + 1;
	yaml_document_delete(&extra);
	return sipd_yaml_errf(err, errlen, name, line,
			      "only one YAML document is allowed");
}

int sipd_yaml_load(yaml_document_t *doc, const char *name, const char *text,
		   size_t len, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_node_t *root;
	int e;

	if (errlen)
		err[0] = '\0';
	if (!yaml_parser_initialize(&parser))
		return nomem(err, errlen, name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

	/* On failure yaml_parser_load() has already freed the document. */
	if (!yaml_parser_load(&parser, doc)) {
		e = syntax_error(&parser, name, text, len, err, errlen);
		goto out;
	}
	root = yaml_document_get_root_node(doc);
	if (!root || sipd_yaml_is_null(root))
		e = sipd_yaml_errf(err, errlen, name, 1,
				   "empty configuration");
	else
		e = expect_end(&parser, name, text, len, err, errlen);
	if (e)
		yaml_document_delete(doc);
out:
	yaml_parser_delete(&parser);
	return e;
}
