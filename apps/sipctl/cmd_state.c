/*
 * cmd_state.c - sipctl's commands on sipd's state through the API
 * (API.md): status, reg list|show|rm, user add|rm|list, calls, reload.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sipctl.h"
#include "table.h"

enum { TEXT = 512, PATH = 1024 };

/* "key:  value" lines, keys padded to one width. */
static void kv(struct sipctl *c, const char *key, const char *value)
{
	fprintf(c->out, "%-15s%s\n", key, value);
}

static void uptime(long long s, char *buf, size_t size)
{
	if (s >= 86400)
		snprintf(buf, size, "%lldd %02lldh %02lldm", s / 86400,
			 s % 86400 / 3600, s % 3600 / 60);
	else if (s >= 3600)
		snprintf(buf, size, "%lldh %02lldm %02llds", s / 3600,
			 s % 3600 / 60, s % 60);
	else if (s >= 60)
		snprintf(buf, size, "%lldm %02llds", s / 60, s % 60);
	else
		snprintf(buf, size, "%llds", s);
}

/* "udp 127.0.0.1:5060, tcp [::1]:5060" */
static void listeners(json_t *arr, char *buf, size_t size)
{
	size_t i, at = 0;
	json_t *l;

	buf[0] = '\0';
	json_array_foreach(arr, i, l) {
		const char *a = json_string_value(json_object_get(l, "address"));
		bool v6 = a && strchr(a, ':');

		at += (size_t)snprintf(buf + at, at < size ? size - at : 0,
			"%s%s %s%s%s:%" JSON_INTEGER_FORMAT, i ? ", " : "",
			json_string_value(json_object_get(l, "transport")) ?: "?",
			v6 ? "[" : "", a ? a : "?", v6 ? "]" : "",
			json_integer_value(json_object_get(l, "port")));
	}
	if (!at)
		snprintf(buf, size, "-");
}

/* "requests_in 12, responses_in 3, ..." in the API's order. */
static void stats(json_t *o, char *buf, size_t size)
{
	const char *k;
	json_t *v;
	size_t at = 0;
	char val[64];

	buf[0] = '\0';
	json_object_foreach(o, k, v) {
		at += (size_t)snprintf(buf + at, at < size ? size - at : 0,
				       "%s%s %s", at ? ", " : "", k,
				       sipctl_json_text(v, val, sizeof(val)));
	}
	if (!at)
		snprintf(buf, size, "-");
}

int sipctl_cmd_status(struct sipctl *c)
{
	char buf[2048], up[64];
	json_t *j;
	int e = sipctl_api_json(c, "GET", "/api/status", NULL, &j);

	if (e || !j)
		return e;
	uptime(json_integer_value(json_object_get(j, "uptime_s")), up, sizeof(up));
	fprintf(c->out, "sipd %s, up %s\n",
		sipctl_json_text(json_object_get(j, "version"), buf, sizeof(buf)), up);
	kv(c, "roles:", sipctl_json_text(json_object_get(j, "roles"), buf, sizeof(buf)));
	listeners(json_object_get(j, "listen"), buf, sizeof(buf));
	kv(c, "listen:", buf);
	kv(c, "transactions:", sipctl_json_text(json_object_get(j, "transactions"), buf, sizeof(buf)));
	kv(c, "registrations:", sipctl_json_text(json_object_get(j, "registrations"), buf, sizeof(buf)));
	kv(c, "calls:", sipctl_json_text(json_object_get(j, "calls"), buf, sizeof(buf)));
	stats(json_object_get(j, "stats"), buf, sizeof(buf));
	kv(c, "stats:", buf);
	json_decref(j);
	return SIPCTL_EXIT_OK;
}

/* ---- registrations ------------------------------------------------------- */

static int print_table(struct sipctl *c, struct sipctl_table *t, const char *none)
{
	int e;

	if (!sipctl_table_rows(t)) {
		fprintf(c->out, "%s\n", none);
		sipctl_table_free(t);
		return SIPCTL_EXIT_OK;
	}
	e = sipctl_table_print(t, c->out);
	sipctl_table_free(t);
	if (e) {
		fprintf(c->err, "sipctl: cannot print: %s\n", strerror(e));
		return SIPCTL_EXIT_REFUSED;
	}
	return SIPCTL_EXIT_OK;
}

static void reg_rows(struct sipctl_table *t, json_t *reg)
{
	char aor[TEXT], v[4][TEXT];
	json_t *cs = json_object_get(reg, "contacts"), *ct;
	size_t i;

	sipctl_json_text(json_object_get(reg, "aor"), aor, sizeof(aor));
	json_array_foreach(cs, i, ct) {
		const char *row[] = {
			aor,
			sipctl_json_text(json_object_get(ct, "uri"), v[0], TEXT),
			sipctl_json_text(json_object_get(ct, "expires"), v[1], TEXT),
			sipctl_json_text(json_object_get(ct, "q"), v[2], TEXT),
			sipctl_json_text(json_object_get(ct, "source"), v[3], TEXT),
		};
		sipctl_table_row(t, row);
	}
	if (!json_array_size(cs)) {
		const char *row[] = { aor, NULL, NULL, NULL, NULL };

		sipctl_table_row(t, row);
	}
}

static int reg_list(struct sipctl *c)
{
	static const char *const head[] = { "AOR", "CONTACT", "EXPIRES", "Q",
					    "SOURCE", NULL };
	struct sipctl_table t;
	json_t *j, *r;
	size_t i;
	int e = sipctl_api_json(c, "GET", "/api/registrations", NULL, &j);

	if (e || !j)
		return e;
	if (sipctl_table_init(&t, head)) {
		json_decref(j);
		return SIPCTL_EXIT_REFUSED;
	}
	json_array_foreach(json_object_get(j, "registrations"), i, r)
		reg_rows(&t, r);
	json_decref(j);
	return print_table(c, &t, "no registrations");
}

/* Every member of a contact, one per line. */
static void contact_show(struct sipctl *c, json_t *ct)
{
	char buf[TEXT], key[64];
	const char *k;
	json_t *v;

	fprintf(c->out, "  %s\n", sipctl_json_text(json_object_get(ct, "uri"),
						   buf, sizeof(buf)));
	json_object_foreach(ct, k, v) {
		if (!strcmp(k, "uri"))
			continue;
		snprintf(key, sizeof(key), "%s:", k);
		fprintf(c->out, "    %-12s %s\n", key,
			sipctl_json_text(v, buf, sizeof(buf)));
	}
}

static int reg_path(struct sipctl *c, char *path, size_t size)
{
	snprintf(path, size, "/api/registrations/");
	if (sipctl_url_encode(path, size, c->a->arg)) {
		fprintf(c->err, "sipctl: the AOR is too long\n");
		return SIPCTL_EXIT_USAGE;
	}
	return 0;
}

static int reg_show(struct sipctl *c)
{
	char path[PATH], buf[TEXT];
	json_t *j, *cs, *ct;
	size_t i;
	int e = reg_path(c, path, sizeof(path));

	if (!e)
		e = sipctl_api_json(c, "GET", path, NULL, &j);
	if (e || !j)
		return e;
	cs = json_object_get(j, "contacts");
	fprintf(c->out, "%s: %zu contact%s\n",
		sipctl_json_text(json_object_get(j, "aor"), buf, sizeof(buf)),
		json_array_size(cs), json_array_size(cs) == 1 ? "" : "s");
	json_array_foreach(cs, i, ct)
		contact_show(c, ct);
	json_decref(j);
	return SIPCTL_EXIT_OK;
}

static int reg_rm(struct sipctl *c)
{
	struct sipctl_http_resp r;
	char path[PATH];
	int e = reg_path(c, path, sizeof(path));

	if (!e)
		e = sipctl_api(c, "DELETE", path, NULL, &r);
	if (e)
		return e;
	sipctl_http_resp_free(&r);
	if (!c->a->json)
		fprintf(c->out, "removed the registrations of %s\n", c->a->arg);
	return SIPCTL_EXIT_OK;
}

int sipctl_cmd_reg(struct sipctl *c)
{
	switch (c->a->cmd) {
	case SIPCTL_REG_SHOW: return reg_show(c);
	case SIPCTL_REG_RM: return reg_rm(c);
	default: return reg_list(c);
	}
}

/* ---- users --------------------------------------------------------------- */

/* One line from @p f without its line end. 0, or EIO at end of file. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t n;

	if (!fgets(buf, (int)size, f))
		return EIO;
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

/* Ask twice on the terminal, without echo. */
static int prompt(struct sipctl *c, char *buf, size_t size)
{
	struct termios old, quiet;
	char again[256];
	int e;

	if (tcgetattr(STDIN_FILENO, &old))
		return EIO;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	fprintf(c->err, "password for %s: ", c->a->arg);
	e = read_line(stdin, buf, size);
	fprintf(c->err, "\nagain: ");
	if (!e)
		e = read_line(stdin, again, sizeof(again));
	fputc('\n', c->err);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (!e && strcmp(buf, again)) {
		fprintf(c->err, "sipctl: the passwords differ\n");
		return EINVAL;
	}
	return e;
}

static int password(struct sipctl *c, char *buf, size_t size)
{
	if (c->a->password) {
		snprintf(buf, size, "%s", c->a->password);
		return 0;
	}
	if (c->a->password_stdin) {
		if (read_line(stdin, buf, size) || !*buf) {
			fprintf(c->err, "sipctl: --password-stdin: no password on stdin\n");
			return SIPCTL_EXIT_USAGE;
		}
		return 0;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(c->err, "sipctl: user add: give --password P or "
			"--password-stdin (stdin is not a terminal to ask on)\n");
		return SIPCTL_EXIT_USAGE;
	}
	if (prompt(c, buf, size) || !*buf)
		return SIPCTL_EXIT_USAGE;
	return 0;
}

static int user_add(struct sipctl *c)
{
	char pw[256];
	json_t *body, *j;
	int e = password(c, pw, sizeof(pw));

	if (e)
		return e;
	body = json_pack("{s:s, s:s}", "user", c->a->arg, "password", pw);
	explicit_bzero(pw, sizeof(pw));
	if (body && c->a->realm)
		json_object_set_new(body, "realm", json_string(c->a->realm));
	if (!body) {
		fprintf(c->err, "sipctl: the user name must be UTF-8\n");
		return SIPCTL_EXIT_USAGE;
	}
	e = sipctl_api_json(c, "POST", "/api/users", body, &j);
	json_decref(body);
	if (e || !j)
		return e;
	json_decref(j);
	fprintf(c->out, "added user %s\n", c->a->arg);
	return SIPCTL_EXIT_OK;
}

static int user_rm(struct sipctl *c)
{
	struct sipctl_http_resp r;
	char path[PATH] = "/api/users/";
	int e;

	if (sipctl_url_encode(path, sizeof(path), c->a->arg)) {
		fprintf(c->err, "sipctl: the user name is too long\n");
		return SIPCTL_EXIT_USAGE;
	}
	e = sipctl_api(c, "DELETE", path, NULL, &r);
	if (e)
		return e;
	sipctl_http_resp_free(&r);
	if (!c->a->json)
		fprintf(c->out, "removed user %s\n", c->a->arg);
	return SIPCTL_EXIT_OK;
}

static int user_list(struct sipctl *c)
{
	static const char *const head[] = { "USER", "REALM", NULL };
	struct sipctl_table t;
	char v[2][TEXT];
	json_t *j, *u;
	size_t i;
	int e = sipctl_api_json(c, "GET", "/api/users", NULL, &j);

	if (e || !j)
		return e;
	if (sipctl_table_init(&t, head)) {
		json_decref(j);
		return SIPCTL_EXIT_REFUSED;
	}
	json_array_foreach(json_object_get(j, "users"), i, u) {
		const char *row[] = {
			sipctl_json_text(json_object_get(u, "user"), v[0], TEXT),
			sipctl_json_text(json_object_get(u, "realm"), v[1], TEXT),
		};
		sipctl_table_row(&t, row);
	}
	json_decref(j);
	return print_table(c, &t, "no users");
}

int sipctl_cmd_user(struct sipctl *c)
{
	switch (c->a->cmd) {
	case SIPCTL_USER_ADD: return user_add(c);
	case SIPCTL_USER_RM: return user_rm(c);
	default: return user_list(c);
	}
}

/* ---- calls, reload ----------------------------------------------------- */

int sipctl_cmd_calls(struct sipctl *c)
{
	static const char *const head[] = { "CALL-ID", "FROM", "TO", "STATE",
					    "STARTED", "ANSWERED", NULL };
	static const char *const keys[] = { "call_id", "from", "to", "state",
					    "started", "answered" };
	struct sipctl_table t;
	char v[6][TEXT];
	const char *row[6];
	json_t *j, *call;
	size_t i, k;
	int e = sipctl_api_json(c, "GET", "/api/calls", NULL, &j);

	if (e || !j)
		return e;
	if (sipctl_table_init(&t, head)) {
		json_decref(j);
		return SIPCTL_EXIT_REFUSED;
	}
	json_array_foreach(json_object_get(j, "calls"), i, call) {
		for (k = 0; k < 6; k++)
			row[k] = sipctl_json_text(json_object_get(call, keys[k]),
						  v[k], TEXT);
		sipctl_table_row(&t, row);
	}
	json_decref(j);
	return print_table(c, &t, "no calls");
}

int sipctl_cmd_reload(struct sipctl *c)
{
	json_t *j;
	int e = sipctl_api_json(c, "POST", "/api/reload", NULL, &j);

	if (e || !j)
		return e;
	json_decref(j);
	fprintf(c->out, "configuration reloaded\n");
	return SIPCTL_EXIT_OK;
}
