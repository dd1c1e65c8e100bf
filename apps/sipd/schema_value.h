/*
 * schema_value.h - scalar keys of a schema (schema.h): convert one YAML
 * scalar into its C field, and the type-mismatch messages.
 *
 * Private to the daemon (apps/sipd/).
 */
#ifndef SIPD_SCHEMA_VALUE_H
#define SIPD_SCHEMA_VALUE_H

#include <stddef.h>

#include <yaml.h>

#include "schema.h"

/**
 * Convert scalar @p node into @p field (the C field of @p key, of a
 * scalar type) after checking its type and range. ctx->path names the key.
 * Returns 0, EINVAL (message in ctx->err) or ENOMEM. Strings are malloc'd
 * into the field, which must be NULL before.
 */
int sipd_schema_value_scalar(struct sipd_schema_ctx *ctx,
			     const struct sipd_schema_key *key, void *field,
			     const yaml_node_t *node);

/**
 * Report that @p node is not what @p key wants ("log must be a map, not a
 * list"), at the node's line. Returns EINVAL.
 */
int sipd_schema_value_type_error(struct sipd_schema_ctx *ctx,
				 const struct sipd_schema_key *key,
				 const yaml_node_t *node);

/** "a map", "a list" or "a single value" (also for NULL). */
const char *sipd_schema_value_kind(const yaml_node_t *node);

/** Size of the C field of @p key (a scalar type or a map). */
size_t sipd_schema_value_size(const struct sipd_schema_key *key);

#endif
