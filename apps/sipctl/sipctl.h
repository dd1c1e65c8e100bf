/*
 * sipctl.h - what sipctl's commands share: the parsed command line, the
 * API's address, the output streams, and the API call helpers (api.c).
 */
#ifndef SIPCTL_H
#define SIPCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "args.h"
#include "httpc.h"

struct sipctl {
	const struct sipctl_args *a;
	struct sipctl_url url;
	FILE *out;              /* results (stdout) */
	FILE *err;              /* messages (stderr) */
	bool color;             /* ANSI colours on out */
};

/**
 * Call the API: @p method on @p path (with query, encoded), with the JSON
 * @p body (borrowed, may be NULL). A 2xx answer returns 0 with @p r
 * filled (free with sipctl_http_resp_free()). Otherwise prints why on
 * c->err ("sipctl: GET /api/x: 404 not found: <the API's error>"; with
 * --json the error body also goes to c->out as it is) and returns the
 * exit status: SIPCTL_EXIT_REFUSED for an HTTP error status,
 * SIPCTL_EXIT_CONNECT when there was no HTTP answer.
 */
int sipctl_api(struct sipctl *c, const char *method, const char *path,
	       json_t *body, struct sipctl_http_resp *r);

/**
 * sipctl_api() then the body as JSON into @p *jp (json_decref() it).
 * With --json the body is printed on c->out as it is and *jp is NULL.
 * A body that is not JSON is reported and gives SIPCTL_EXIT_REFUSED.
 */
int sipctl_api_json(struct sipctl *c, const char *method, const char *path,
		    json_t *body, json_t **jp);

/** A scalar JSON value as text into @p buf ("-" for null or absent;
 * arrays of scalars joined with ", "; other values compact JSON). */
const char *sipctl_json_text(json_t *v, char *buf, size_t size);

/* The commands: each returns an exit status. */
int sipctl_cmd_status(struct sipctl *c);
int sipctl_cmd_reg(struct sipctl *c);
int sipctl_cmd_user(struct sipctl *c);
int sipctl_cmd_calls(struct sipctl *c);
int sipctl_cmd_reload(struct sipctl *c);
int sipctl_cmd_trace(struct sipctl *c);
int sipctl_cmd_ladder(struct sipctl *c);

#endif
