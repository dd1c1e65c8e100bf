/*
 * schema.h - table-driven validation of a YAML document into a C struct.
 *
 * A map (a YAML mapping) is described by a table of keys: name, type,
 * where the value goes (offsetof), whether it is required, its default
 * (as YAML text), its range or names. sipd_schema_fill() walks a libyaml
 * document against the tables, fills the struct and stops at the first
 * mistake with "FILE:LINE: what is wrong". Adding a configuration key is
 * adding a row; rules that span keys go in the map's check hook.
 *
 * Private to the daemon (apps/sipd/).
 */
#ifndef SIPD_SCHEMA_H
#define SIPD_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

/** Longest dotted key path in messages ("listen[1].port"), with NUL. */
#define SIPD_SCHEMA_PATH_MAX 128

/** Value types, and the C field each one fills. */
enum sipd_schema_type {
	SIPD_SCHEMA_STRING,  /**< char *, malloc'd, never empty */
	SIPD_SCHEMA_INT,     /**< unsigned int, decimal, within [min, max] */
	SIPD_SCHEMA_BOOL,    /**< bool: true or false */
	SIPD_SCHEMA_ENUM,    /**< an enum (int-sized): index into names */
	SIPD_SCHEMA_ADDRESS, /**< char *, malloc'd: IPv4 or IPv6 literal */
	SIPD_SCHEMA_HOST,    /**< char *, malloc'd: host name or IP literal */
	SIPD_SCHEMA_LIST,    /**< malloc'd array + size_t count (no nesting) */
	SIPD_SCHEMA_MAP,     /**< a struct embedded in the parent struct */
};

struct sipd_schema_ctx;
struct sipd_schema_map;

/**
 * Rules spanning the keys of one map, and defaults that depend on other
 * keys. Called once the map's keys are converted and defaulted, with the
 * filled struct @p obj, the map's node in the document (NULL when the map
 * is absent or null) and the line to blame when @p node is NULL.
 * ctx->path names the map. Returns 0 or sipd_schema_error()'s value.
 */
typedef int (sipd_schema_check_h)(struct sipd_schema_ctx *ctx, void *obj,
				  const yaml_node_t *node, int line);

/** One key of a map; a row with name NULL ends the table. */
struct sipd_schema_key {
	const char *name;
	enum sipd_schema_type type;
	size_t offset;               /**< of the field in the map's struct */
	bool required;               /**< absent: error at the parent's line */
	const char *def;             /**< default as YAML text, NULL: zero */
	long long min, max;          /**< INT: range; LIST: entries (max 0:
					any number) */
	const char *const *names;    /**< ENUM: value names, NULL-terminated */
	const struct sipd_schema_map *map;  /**< MAP, or LIST of maps */
	const struct sipd_schema_key *elem; /**< LIST: the entries' type
					       (name and offset unused) */
	size_t count_offset;         /**< LIST: the size_t entry count */
};

/** A map: the struct it fills and its keys. */
struct sipd_schema_map {
	size_t size;                 /**< sizeof the struct (list entries) */
	const struct sipd_schema_key *keys;
	sipd_schema_check_h *check;  /**< NULL: no cross-key rules */
};

/** Where a walk is: the document, names for messages, the error buffer. */
struct sipd_schema_ctx {
	yaml_document_t *doc;        /**< borrowed */
	const char *name;            /**< borrowed: the file name */
	char *err;                   /**< borrowed: "FILE:LINE: message" */
	size_t errlen;
	char path[SIPD_SCHEMA_PATH_MAX]; /**< key being read, "" at the top */
};

/**
 * Fill @p obj (a zeroed struct of map->size bytes) from the root of
 * ctx->doc, which must be a mapping, following @p map. Absent keys get
 * their defaults; the first mistake stops the walk.
 *
 * Returns 0, EINVAL (message in ctx->err) or ENOMEM. On failure @p obj may
 * hold some values: release it with sipd_schema_free() either way.
 */
int sipd_schema_fill(struct sipd_schema_ctx *ctx,
		     const struct sipd_schema_map *map, void *obj);

/**
 * Free what sipd_schema_fill() allocated inside @p obj (strings, lists)
 * and zero those fields; @p obj itself stays. NULL obj is a no-op.
 */
void sipd_schema_free(const struct sipd_schema_map *map, void *obj);

/**
 * Write "FILE:LINE: message" into ctx->err. Returns EINVAL.
 * For check hooks; the message names what it is about (ctx->path).
 */
int sipd_schema_error(struct sipd_schema_ctx *ctx, int line,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Value of @p key in mapping @p map, or NULL (absent, map not a map). */
const yaml_node_t *sipd_schema_value(const struct sipd_schema_ctx *ctx,
				     const yaml_node_t *map, const char *key);

/** Entry @p i of sequence @p seq, or NULL (out of range, not a list). */
const yaml_node_t *sipd_schema_item(const struct sipd_schema_ctx *ctx,
				    const yaml_node_t *seq, size_t i);

#endif
