/*
 * schema_value.c - scalar keys of a schema: string, int, bool, enum,
 * address and host fields, each checked against its row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalar.h"
#include "schema_value.h"
#include "yamldoc.h"

/* Longest piece of a bad value quoted back in a message. */
#define QUOTE_MAX 64

/* "debug, info, notice" for enum messages. */
#define NAMES_MAX 256

static const char *text(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

static int qlen(const yaml_node_t *node)
{
	size_t len = node->data.scalar.length;

	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static bool quoted(const yaml_node_t *node)
{
	return node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
}

size_t sipd_schema_value_size(const struct sipd_schema_key *key)
{
	switch (key->type) {
	case SIPD_SCHEMA_INT:
		return sizeof(unsigned);
	case SIPD_SCHEMA_BOOL:
		return sizeof(bool);
	case SIPD_SCHEMA_ENUM:
		return sizeof(int);
	case SIPD_SCHEMA_MAP:
		return key->map->size;
	default:
		return sizeof(char *);
	}
}

const char *sipd_schema_value_kind(const yaml_node_t *node)
{
	if (node && node->type == YAML_MAPPING_NODE)
		return "a map";
	if (node && node->type == YAML_SEQUENCE_NODE)
		return "a list";
	return "a single value";
}

static const char *wanted(const struct sipd_schema_key *key)
{
	switch (key->type) {
	case SIPD_SCHEMA_STRING:
		return "a string";
	case SIPD_SCHEMA_INT:
		return "an integer";
	case SIPD_SCHEMA_BOOL:
		return "true or false";
	case SIPD_SCHEMA_ENUM:
		return "a name";
	case SIPD_SCHEMA_ADDRESS:
		return "an IP address";
	case SIPD_SCHEMA_HOST:
		return "a host name";
	case SIPD_SCHEMA_LIST:
		return "a list";
	default:
		return "a map";
	}
}

static int enum_error(struct sipd_schema_ctx *ctx,
		      const struct sipd_schema_key *key, int line)
{
	char names[NAMES_MAX];
	size_t n = 0;

	names[0] = '\0';
	for (size_t i = 0; key->names[i] && n < sizeof(names); i++) {
		int w = snprintf(names + n, sizeof(names) - n, "%s%s",
				 i ? ", " : "", key->names[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
	return sipd_schema_error(ctx, line, "%s must be one of %s", ctx->path,
				 names);
}

int sipd_schema_value_type_error(struct sipd_schema_ctx *ctx,
				 const struct sipd_schema_key *key,
				 const yaml_node_t *node)
{
	int line = sipd_yaml_line(node, 0);

	if (sipd_yaml_is_null(node))
		return sipd_schema_error(ctx, line, "%s has no value",
					 ctx->path);
	if (key->type == SIPD_SCHEMA_ENUM)
		return enum_error(ctx, key, line);
	if (node->type == YAML_SCALAR_NODE)
		return sipd_schema_error(ctx, line, "%s must be %s, not '%.*s'",
					 ctx->path, wanted(key), qlen(node),
					 text(node));
	return sipd_schema_error(ctx, line, "%s must be %s, not %s", ctx->path,
				 wanted(key), sipd_schema_value_kind(node));
}

static int set_string(struct sipd_schema_ctx *ctx, void *field,
		      const yaml_node_t *node)
{
	char *s;

	if (!node->data.scalar.length)
		return sipd_schema_error(ctx, sipd_yaml_line(node, 0),
					 "%s must not be empty", ctx->path);
	s = strdup(text(node));
	if (!s)
		return ENOMEM;
	*(char **)field = s;
	return 0;
}

static int set_int(struct sipd_schema_ctx *ctx,
		   const struct sipd_schema_key *key, void *field,
		   const yaml_node_t *node)
{
	int line = sipd_yaml_line(node, 0);
	long long v = 0;
	int e;

	if (quoted(node))
		return sipd_schema_error(ctx, line, "%s must be an integer, "
					 "not a quoted string", ctx->path);
	e = sipd_scalar_int(text(node), node->data.scalar.length, &v);
	if (e == EINVAL)
		return sipd_schema_value_type_error(ctx, key, node);
	if (e || v < key->min || v > key->max)
		return sipd_schema_error(ctx, line,
					 "%s: %.*s is out of range %lld-%lld",
					 ctx->path, qlen(node), text(node),
					 key->min, key->max);
	*(unsigned *)field = (unsigned)v;
	return 0;
}

static int set_bool(struct sipd_schema_ctx *ctx,
		    const struct sipd_schema_key *key, void *field,
		    const yaml_node_t *node)
{
	if (quoted(node))
		return sipd_schema_error(ctx, sipd_yaml_line(node, 0),
					 "%s must be true or false, "
					 "not a quoted string", ctx->path);
	if (sipd_scalar_bool(text(node), node->data.scalar.length,
			     (bool *)field))
		return sipd_schema_value_type_error(ctx, key, node);
	return 0;
}

static int set_enum(struct sipd_schema_ctx *ctx,
		    const struct sipd_schema_key *key, void *field,
		    const yaml_node_t *node)
{
	int i = sipd_scalar_enum(key->names, text(node),
				 node->data.scalar.length);

	if (i < 0)
		return enum_error(ctx, key, sipd_yaml_line(node, 0));
	*(int *)field = i;
	return 0;
}

static int set_address(struct sipd_schema_ctx *ctx,
		       const struct sipd_schema_key *key, void *field,
		       const yaml_node_t *node)
{
	size_t len = node->data.scalar.length;
	bool ok = key->type == SIPD_SCHEMA_ADDRESS ?
		  !sipd_scalar_ip(text(node), len, NULL, NULL) :
		  sipd_scalar_is_host(text(node), len);

	if (!ok)
		return sipd_schema_error(ctx, sipd_yaml_line(node, 0),
					 "%s: invalid %s '%.*s'", ctx->path,
					 key->type == SIPD_SCHEMA_ADDRESS ?
					 "IP address" : "host name",
					 qlen(node), text(node));
	return set_string(ctx, field, node);
}

int sipd_schema_value_scalar(struct sipd_schema_ctx *ctx,
			     const struct sipd_schema_key *key, void *field,
			     const yaml_node_t *node)
{
	int line = sipd_yaml_line(node, 0);

	if (node->type != YAML_SCALAR_NODE || sipd_yaml_is_null(node))
		return sipd_schema_value_type_error(ctx, key, node);
	if (memchr(text(node), '\0', node->data.scalar.length))
		return sipd_schema_error(ctx, line, "%s contains a NUL byte",
					 ctx->path);
	switch (key->type) {
	case SIPD_SCHEMA_INT:
		return set_int(ctx, key, field, node);
	case SIPD_SCHEMA_BOOL:
		return set_bool(ctx, key, field, node);
	case SIPD_SCHEMA_ENUM:
		return set_enum(ctx, key, field, node);
	case SIPD_SCHEMA_ADDRESS:
	case SIPD_SCHEMA_HOST:
		return set_address(ctx, key, field, node);
	default:
		return set_string(ctx, field, node);
	}
}
