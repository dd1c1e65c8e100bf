/*
 * schema.c - walk a libyaml document against schema tables (schema.h):
 * maps, lists, defaults, unknown/duplicate/missing keys. Scalars are
 * converted in schema_value.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "schema_value.h"
#include "yamldoc.h"

/* Name of the built-in defaults in messages: an error there is a bug in a
 * schema table, which the unit tests catch. */
#define DEFAULT_NAME "built-in default"

static int walk_map(struct sipd_schema_ctx *ctx,
		    const struct sipd_schema_map *map, void *obj,
		    const yaml_node_t *node, int line);

int sipd_schema_error(struct sipd_schema_ctx *ctx, int line,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sipd_yaml_verrf(ctx->err, ctx->errlen, ctx->name, line, fmt, ap);
	va_end(ap);
	return EINVAL;
}

static const yaml_node_t *node_at(const struct sipd_schema_ctx *ctx, int id)
{
	return yaml_document_get_node(ctx->doc, id);
}

const yaml_node_t *sipd_schema_value(const struct sipd_schema_ctx *ctx,
				     const yaml_node_t *map, const char *key)
{
	size_t len = strlen(key);

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node_at(ctx, p->key);

		if (k->type == YAML_SCALAR_NODE && k->data.scalar.length == len &&
		    !memcmp(k->data.scalar.value, key, len))
			return node_at(ctx, p->value);
	}
	return NULL;
}

const yaml_node_t *sipd_schema_item(const struct sipd_schema_ctx *ctx,
				    const yaml_node_t *seq, size_t i)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    i >= (size_t)(seq->data.sequence.items.top -
			  seq->data.sequence.items.start))
		return NULL;
	return node_at(ctx, seq->data.sequence.items.start[i]);
}

/* Path handling: push returns the old length, which pop restores. */
static size_t push_key(struct sipd_schema_ctx *ctx, const char *name)
{
	size_t n = strlen(ctx->path);

	snprintf(ctx->path + n, sizeof(ctx->path) - n, "%s%s", n ? "." : "",
		 name);
	return n;
}

static size_t push_index(struct sipd_schema_ctx *ctx, size_t i)
{
	size_t n = strlen(ctx->path);

	snprintf(ctx->path + n, sizeof(ctx->path) - n, "[%zu]", i);
	return n;
}

static void pop(struct sipd_schema_ctx *ctx, size_t n)
{
	ctx->path[n] = '\0';
}

static bool is_container(const struct sipd_schema_key *key)
{
	return key->type == SIPD_SCHEMA_MAP || key->type == SIPD_SCHEMA_LIST;
}

/* A null map or list ("log:" alone) counts as absent: defaults apply. */
static bool is_absent(const struct sipd_schema_key *key, const yaml_node_t *v)
{
	return !v || (is_container(key) && sipd_yaml_is_null(v));
}

static int list(struct sipd_schema_ctx *ctx, const struct sipd_schema_key *key,
		void *obj, const yaml_node_t *node)
{
	const struct sipd_schema_key *elem = key->elem;
	int line = sipd_yaml_line(node, 0);
	size_t esize = sipd_schema_value_size(elem);
	size_t n;
	char *items;

	if (node->type != YAML_SEQUENCE_NODE)
		return sipd_schema_value_type_error(ctx, key, node);
	n = (size_t)(node->data.sequence.items.top -
		     node->data.sequence.items.start);
	if ((long long)n < key->min)
		return sipd_schema_error(ctx, line,
					 "%s must have at least %lld entr%s",
					 ctx->path, key->min,
					 key->min == 1 ? "y" : "ies");
	if (key->max && (long long)n > key->max)
		return sipd_schema_error(ctx, line,
					 "%s must have at most %lld entr%s",
					 ctx->path, key->max,
					 key->max == 1 ? "y" : "ies");
	items = calloc(n ? n : 1, esize);
	if (!items)
		return ENOMEM;
	/* Owned by obj from here on, so a failure below frees them. */
	memcpy((char *)obj + key->offset, &items, sizeof(items));
	memcpy((char *)obj + key->count_offset, &n, sizeof(n));

	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *item = sipd_schema_item(ctx, node, i);
		size_t old = push_index(ctx, i);
		char *field = items + i * esize;
		int e;

		if (elem->type == SIPD_SCHEMA_MAP && item->type != YAML_MAPPING_NODE)
			e = sipd_schema_value_type_error(ctx, elem, item);
		else if (elem->type == SIPD_SCHEMA_MAP)
			e = walk_map(ctx, elem->map, field, item,
				     sipd_yaml_line(item, line));
		else
			e = sipd_schema_value_scalar(ctx, elem, field, item);
		pop(ctx, old);
		if (e)
			return e;
	}
	return 0;
}

/* Convert @p node into the field of @p key inside @p obj. */
static int convert(struct sipd_schema_ctx *ctx,
		   const struct sipd_schema_key *key, void *obj,
		   const yaml_node_t *node)
{
	void *field = (char *)obj + key->offset;

	switch (key->type) {
	case SIPD_SCHEMA_MAP:
		if (node->type != YAML_MAPPING_NODE)
			return sipd_schema_value_type_error(ctx, key, node);
		return walk_map(ctx, key->map, field, node,
				sipd_yaml_line(node, 0));
	case SIPD_SCHEMA_LIST:
		return list(ctx, key, obj, node);
	default:
		return sipd_schema_value_scalar(ctx, key, field, node);
	}
}

/* The default is YAML text too, so it goes through the same conversion
 * (and a list default such as listen's needs no special code). */
static int apply_default(struct sipd_schema_ctx *ctx,
			 const struct sipd_schema_key *key, void *obj)
{
	struct sipd_schema_ctx sub = *ctx;
	yaml_document_t doc;
	int e;

	e = sipd_yaml_load(&doc, DEFAULT_NAME, key->def, strlen(key->def),
			   ctx->err, ctx->errlen);
	if (e)
		return e;
	sub.doc = &doc;
	sub.name = DEFAULT_NAME;
	e = convert(&sub, key, obj, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	return e;
}

static const struct sipd_schema_key *find_key(const struct sipd_schema_map *map,
					      const yaml_node_t *k)
{
	for (const struct sipd_schema_key *key = map->keys; key->name; key++)
		if (strlen(key->name) == k->data.scalar.length &&
		    !memcmp(key->name, k->data.scalar.value, k->data.scalar.length))
			return key;
	return NULL;
}

static const char *where(const struct sipd_schema_ctx *ctx)
{
	return ctx->path[0] ? "in " : "at top level";
}

/* Keys must be scalars and appear once (libyaml keeps duplicates). */
static int check_key(struct sipd_schema_ctx *ctx, const yaml_node_t *node,
		     const yaml_node_pair_t *pair)
{
	const yaml_node_t *k = node_at(ctx, pair->key);
	int line = sipd_yaml_line(k, 0);

	if (k->type != YAML_SCALAR_NODE)
		return sipd_schema_error(ctx, line, "a key %s%s must be a name, "
					 "not a %s", where(ctx), ctx->path,
					 k->type == YAML_MAPPING_NODE ? "map" :
					 "list");
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < pair;
	     p++) {
		const yaml_node_t *prev = node_at(ctx, p->key);

		if (prev->type == YAML_SCALAR_NODE &&
		    prev->data.scalar.length == k->data.scalar.length &&
		    !memcmp(prev->data.scalar.value, k->data.scalar.value,
			    k->data.scalar.length))
			return sipd_schema_error(ctx, line,
				"duplicate key '%s' %s%s (first at line %d)",
				(const char *)k->data.scalar.value, where(ctx),
				ctx->path, sipd_yaml_line(prev, 0));
	}
	return 0;
}

static int walk_pairs(struct sipd_schema_ctx *ctx,
		      const struct sipd_schema_map *map, void *obj,
		      const yaml_node_t *node)
{
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     p < node->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node_at(ctx, p->key);
		const yaml_node_t *v = node_at(ctx, p->value);
		const struct sipd_schema_key *key;
		size_t old;
		int e;

		e = check_key(ctx, node, p);
		if (e)
			return e;
		key = find_key(map, k);
		if (!key)
			return sipd_schema_error(ctx, sipd_yaml_line(k, 0),
				"unknown key '%s' %s%s",
				(const char *)k->data.scalar.value, where(ctx),
				ctx->path);
		if (is_absent(key, v))
			continue;
		old = push_key(ctx, key->name);
		e = convert(ctx, key, obj, v);
		pop(ctx, old);
		if (e)
			return e;
	}
	return 0;
}

static int fill_absent(struct sipd_schema_ctx *ctx,
		       const struct sipd_schema_map *map, void *obj,
		       const yaml_node_t *node, int line)
{
	for (const struct sipd_schema_key *key = map->keys; key->name; key++) {
		const yaml_node_t *v = sipd_schema_value(ctx, node, key->name);
		size_t old;
		int e = 0;

		if (!is_absent(key, v))
			continue;
		if (key->required)
			return sipd_schema_error(ctx, line,
				"missing required key '%s' %s%s", key->name,
				where(ctx), ctx->path);
		old = push_key(ctx, key->name);
		if (key->def)
			e = apply_default(ctx, key, obj);
		else if (key->type == SIPD_SCHEMA_MAP)
			e = walk_map(ctx, key->map, (char *)obj + key->offset,
				     NULL, sipd_yaml_line(v, line));
		pop(ctx, old);
		if (e)
			return e;
	}
	return 0;
}

static int walk_map(struct sipd_schema_ctx *ctx,
		    const struct sipd_schema_map *map, void *obj,
		    const yaml_node_t *node, int line)
{
	int e;

	if (node) {
		e = walk_pairs(ctx, map, obj, node);
		if (e)
			return e;
	}
	e = fill_absent(ctx, map, obj, node, line);
	if (e)
		return e;
	return map->check ? map->check(ctx, obj, node, line) : 0;
}

int sipd_schema_fill(struct sipd_schema_ctx *ctx,
		     const struct sipd_schema_map *map, void *obj)
{
	const yaml_node_t *root = yaml_document_get_root_node(ctx->doc);

	ctx->path[0] = '\0';
	if (!root || root->type != YAML_MAPPING_NODE)
		return sipd_schema_error(ctx, sipd_yaml_line(root, 1),
			"the top level must be a map of sections, not %s",
			sipd_schema_value_kind(root));
	return walk_map(ctx, map, obj, root, sipd_yaml_line(root, 1));
}

static void free_field(const struct sipd_schema_key *key, void *obj);

static void free_list(const struct sipd_schema_key *key, void *obj)
{
	size_t esize = sipd_schema_value_size(key->elem);
	char *items;
	size_t n;

	memcpy(&items, (char *)obj + key->offset, sizeof(items));
	memcpy(&n, (char *)obj + key->count_offset, sizeof(n));
	for (size_t i = 0; items && i < n; i++)
		free_field(key->elem, items + i * esize);
	free(items);
	items = NULL;
	n = 0;
	memcpy((char *)obj + key->offset, &items, sizeof(items));
	memcpy((char *)obj + key->count_offset, &n, sizeof(n));
}

static void free_field(const struct sipd_schema_key *key, void *obj)
{
	char **s = (char **)((char *)obj + key->offset);

	switch (key->type) {
	case SIPD_SCHEMA_STRING:
	case SIPD_SCHEMA_ADDRESS:
	case SIPD_SCHEMA_HOST:
		free(*s);
		*s = NULL;
		break;
	case SIPD_SCHEMA_MAP:
		sipd_schema_free(key->map, (char *)obj + key->offset);
		break;
	case SIPD_SCHEMA_LIST:
		free_list(key, obj);
		break;
	default:
		break;
	}
}

void sipd_schema_free(const struct sipd_schema_map *map, void *obj)
{
	if (!obj)
		return;
	for (const struct sipd_schema_key *key = map->keys; key->name; key++)
		free_field(key, obj);
}
