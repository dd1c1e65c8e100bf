/*
 * api.c - calling sipd's HTTP API (API.md) and mapping its answers to
 * sipctl's messages and exit statuses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipctl.h"

/* The API's {"error": "..."} text, or the HTTP reason phrase. */
static void error_text(const struct sipctl_http_resp *r, char *buf, size_t size)
{
	json_t *j = r->len ? json_loadb(r->body, r->len, 0, NULL) : NULL;
	const char *s = json_string_value(json_object_get(j, "error"));

	snprintf(buf, size, "%s", s ? s : r->reason);
	json_decref(j);
}

static const char *hint(int status)
{
	switch (status) {
	case 401: return " (give the API token with --token or SIPCTL_TOKEN)";
	case 403: return " (without a token sipd serves loopback clients only)";
	default: return "";
	}
}

int sipctl_api(struct sipctl *c, const char *method, const char *path,
	       json_t *body, struct sipctl_http_resp *r)
{
	struct sipctl_http_req q = { .method = method, .path = path,
				     .token = c->a->token };
	char err[512], text[512];
	char *js = NULL;
	int e;

	if (body) {
		js = json_dumps(body, JSON_COMPACT);
		if (!js) {
			fprintf(c->err, "sipctl: out of memory\n");
			return SIPCTL_EXIT_REFUSED;
		}
		q.ctype = "application/json";
		q.body = js;
		q.len = strlen(js);
	}
	e = sipctl_http(&c->url, &q, r, err, sizeof(err));
	free(js);
	if (e) {
		fprintf(c->err, "sipctl: %s (is sipd running with http.enabled, "
			"and is --url right?)\n", err);
		return e == ENOMEM ? SIPCTL_EXIT_REFUSED : SIPCTL_EXIT_CONNECT;
	}
	if (r->status >= 200 && r->status < 300)
		return SIPCTL_EXIT_OK;
	error_text(r, text, sizeof(text));
	fprintf(c->err, "sipctl: %s %s: %d %s%s\n", method, path, r->status,
		text, hint(r->status));
	if (c->a->json && r->len) {
		fwrite(r->body, 1, r->len, c->out);
		if (r->body[r->len - 1] != '\n')
			fputc('\n', c->out);
	}
	sipctl_http_resp_free(r);
	return SIPCTL_EXIT_REFUSED;
}

int sipctl_api_json(struct sipctl *c, const char *method, const char *path,
		    json_t *body, json_t **jp)
{
	struct sipctl_http_resp r;
	json_error_t je;
	int e = sipctl_api(c, method, path, body, &r);

	*jp = NULL;
	if (e)
		return e;
	if (c->a->json) {
		fwrite(r.body, 1, r.len, c->out);
		if (r.len && r.body[r.len - 1] != '\n')
			fputc('\n', c->out);
		sipctl_http_resp_free(&r);
		return SIPCTL_EXIT_OK;
	}
	*jp = r.len ? json_loadb(r.body, r.len, 0, &je) : json_object();
	sipctl_http_resp_free(&r);
	if (!*jp) {
		fprintf(c->err, "sipctl: %s %s: the answer is not JSON: %s\n",
			method, path, je.text);
		return SIPCTL_EXIT_REFUSED;
	}
	return SIPCTL_EXIT_OK;
}

static void scalar(json_t *v, char *buf, size_t size)
{
	char *s;

	switch (json_typeof(v)) {
	case JSON_STRING: snprintf(buf, size, "%s", json_string_value(v)); break;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: snprintf(buf, size, "%g", json_real_value(v)); break;
	case JSON_TRUE: snprintf(buf, size, "yes"); break;
	case JSON_FALSE: snprintf(buf, size, "no"); break;
	case JSON_NULL: snprintf(buf, size, "-"); break;
	default:
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		snprintf(buf, size, "%s", s ? s : "?");
		free(s);
	}
}

const char *sipctl_json_text(json_t *v, char *buf, size_t size)
{
	size_t i, at;
	json_t *x;

	if (!v) {
		snprintf(buf, size, "-");
		return buf;
	}
	if (!json_is_array(v)) {
		scalar(v, buf, size);
		return buf;
	}
	buf[0] = '\0';
	json_array_foreach(v, i, x) {
		at = strlen(buf);
		if (i && at + 2 < size)
			strcpy(buf + at, ", "), at += 2;
		scalar(x, buf + at, size - at);
	}
	if (!json_array_size(v))
		snprintf(buf, size, "-");
	return buf;
}
