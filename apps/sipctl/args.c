/*
 * args.c - sipctl's command line (see args.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/ladder.h"

#include "args.h"

#define CMD(c) (1u << (c))
#define ALL 0xFFFFu
#define TRACE_FILTERS (CMD(SIPCTL_TRACE))

enum opt_id {
	O_URL, O_TOKEN, O_JSON, O_HELP, O_COLOR, O_NO_COLOR,
	O_PASSWORD, O_PASSWORD_STDIN, O_REALM,
	O_CALL_ID, O_METHOD, O_USER, O_ADDR, O_SINCE, O_FOLLOW, O_PCAP,
	O_LIMIT, O_INTERVAL, O_BRIEF, O_ON, O_OFF,
	O_SVG, O_HTML, O_FILE, O_ASCII,
};

struct opt {
	const char *name;
	enum opt_id id;
	bool arg;
	unsigned cmds;           /* commands that take it */
};

static const struct opt opts[] = {
	{ "--url", O_URL, true, ALL },
	{ "--token", O_TOKEN, true, ALL },
	{ "--json", O_JSON, false, ALL },
	{ "--help", O_HELP, false, ALL },
	{ "-h", O_HELP, false, ALL },
	{ "--color", O_COLOR, false, CMD(SIPCTL_TRACE) | CMD(SIPCTL_LADDER) },
	{ "--no-color", O_NO_COLOR, false, CMD(SIPCTL_TRACE) | CMD(SIPCTL_LADDER) },
	{ "--password", O_PASSWORD, true, CMD(SIPCTL_USER_ADD) },
	{ "--password-stdin", O_PASSWORD_STDIN, false, CMD(SIPCTL_USER_ADD) },
	{ "--realm", O_REALM, true, CMD(SIPCTL_USER_ADD) },
	{ "--call-id", O_CALL_ID, true, TRACE_FILTERS },
	{ "--method", O_METHOD, true, TRACE_FILTERS },
	{ "--user", O_USER, true, TRACE_FILTERS },
	{ "--addr", O_ADDR, true, TRACE_FILTERS },
	{ "--since", O_SINCE, true, TRACE_FILTERS },
	{ "--follow", O_FOLLOW, false, CMD(SIPCTL_TRACE) },
	{ "-f", O_FOLLOW, false, CMD(SIPCTL_TRACE) },
	{ "--pcap", O_PCAP, true, CMD(SIPCTL_TRACE) },
	{ "--limit", O_LIMIT, true, CMD(SIPCTL_TRACE) | CMD(SIPCTL_LADDER) },
	{ "--interval", O_INTERVAL, true, CMD(SIPCTL_TRACE) },
	{ "--brief", O_BRIEF, false, CMD(SIPCTL_TRACE) },
	{ "--on", O_ON, false, CMD(SIPCTL_TRACE) },
	{ "--off", O_OFF, false, CMD(SIPCTL_TRACE) },
	{ "--svg", O_SVG, true, CMD(SIPCTL_LADDER) },
	{ "--html", O_HTML, true, CMD(SIPCTL_LADDER) },
	{ "--file", O_FILE, true, CMD(SIPCTL_LADDER) },
	{ "--ascii", O_ASCII, false, CMD(SIPCTL_LADDER) },
};

enum { MAX_WORDS = 8, MAX_OPTS = 32 };

struct seen {
	const struct opt *o;
	const char *val;
};

struct cmdspec {
	const char *word, *sub;
	enum sipctl_cmd cmd;
	size_t nargs;            /* arguments after the command words */
	const char *argname;
};

static const struct cmdspec cmds[] = {
	{ "status", NULL, SIPCTL_STATUS, 0, NULL },
	{ "reg", "list", SIPCTL_REG_LIST, 0, NULL },
	{ "reg", "show", SIPCTL_REG_SHOW, 1, "AOR" },
	{ "reg", "rm", SIPCTL_REG_RM, 1, "AOR" },
	{ "user", "add", SIPCTL_USER_ADD, 1, "NAME" },
	{ "user", "rm", SIPCTL_USER_RM, 1, "NAME" },
	{ "user", "list", SIPCTL_USER_LIST, 0, NULL },
	{ "calls", NULL, SIPCTL_CALLS, 0, NULL },
	{ "reload", NULL, SIPCTL_RELOAD, 0, NULL },
	{ "trace", NULL, SIPCTL_TRACE, 0, NULL },
	{ "ladder", NULL, SIPCTL_LADDER, 1, "CALL-ID" },
	{ "help", NULL, SIPCTL_HELP, 0, NULL },
};

static const struct opt *find_opt(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strlen(opts[i].name) == n && !strncmp(opts[i].name, s, n))
			return &opts[i];
	return NULL;
}

/* Split argv into options and words. */
static int split(int argc, char **argv, struct seen *sv, size_t *nsv,
		 const char **words, size_t *nw, char *err, size_t errsize)
{
	bool opts_done = false;

	*nsv = *nw = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *eq;
		const struct opt *o;

		if (!opts_done && !strcmp(s, "--")) {
			opts_done = true;
			continue;
		}
		if (opts_done || s[0] != '-' || !s[1]) {
			if (*nw == MAX_WORDS) {
				snprintf(err, errsize, "too many arguments");
				return EINVAL;
			}
			words[(*nw)++] = s;
			continue;
		}
		eq = strchr(s, '=');
		o = find_opt(s, eq ? (size_t)(eq - s) : strlen(s));
		if (!o) {
			snprintf(err, errsize, "unknown option %.*s",
				 (int)(eq ? eq - s : (int)strlen(s)), s);
			return EINVAL;
		}
		if (*nsv == MAX_OPTS) {
			snprintf(err, errsize, "too many options");
			return EINVAL;
		}
		sv[*nsv].o = o;
		sv[*nsv].val = NULL;
		if (o->arg && eq) {
			sv[*nsv].val = eq + 1;
		} else if (o->arg) {
			if (i + 1 >= argc) {
				snprintf(err, errsize, "%s needs a value", o->name);
				return EINVAL;
			}
			sv[*nsv].val = argv[++i];
		} else if (eq) {
			snprintf(err, errsize, "%s takes no value", o->name);
			return EINVAL;
		}
		(*nsv)++;
	}
	return 0;
}

static int find_cmd(struct sipctl_args *a, const char **w, size_t nw,
		    char *err, size_t errsize)
{
	const struct cmdspec *c;
	size_t used;

	if (!nw) {
		snprintf(err, errsize, "no command given");
		return EINVAL;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		c = &cmds[i];
		if (strcmp(c->word, w[0]))
			continue;
		if (c->sub && (nw < 2 || strcmp(c->sub, w[1])))
			continue;
		used = c->sub ? 2 : 1;
		if (nw - used != c->nargs) {
			if (nw - used < c->nargs)
				snprintf(err, errsize, "%s%s%s: missing %s", c->word,
					 c->sub ? " " : "", c->sub ? c->sub : "",
					 c->argname);
			else
				snprintf(err, errsize, "%s%s%s: unexpected argument '%s'",
					 c->word, c->sub ? " " : "",
					 c->sub ? c->sub : "", w[used + c->nargs]);
			return EINVAL;
		}
		a->cmd = c->cmd;
		a->arg = c->nargs ? w[used] : NULL;
		return 0;
	}
	if (!strcmp(w[0], "reg") || !strcmp(w[0], "user"))
		snprintf(err, errsize, "%s: want %s", w[0], !strcmp(w[0], "reg") ?
			 "list, show AOR or rm AOR" : "add NAME, rm NAME or list");
	else
		snprintf(err, errsize, "unknown command '%s'", w[0]);
	return EINVAL;
}

static int number(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int set_opt(struct sipctl_args *a, const struct seen *s, char *err,
		   size_t errsize)
{
	char buf[40];

	switch (s->o->id) {
	case O_URL: a->url = s->val; break;
	case O_TOKEN: a->token = s->val; break;
	case O_JSON: a->json = true; break;
	case O_HELP: a->cmd = SIPCTL_HELP; break;
	case O_COLOR: a->color = SIPCTL_COLOR_ALWAYS; break;
	case O_NO_COLOR: a->color = SIPCTL_COLOR_NEVER; break;
	case O_PASSWORD: a->password = s->val; break;
	case O_PASSWORD_STDIN: a->password_stdin = true; break;
	case O_REALM: a->realm = s->val; break;
	case O_CALL_ID: a->call_id = s->val; break;
	case O_METHOD: a->method = s->val; break;
	case O_USER: a->user = s->val; break;
	case O_ADDR: a->addr = s->val; break;
	case O_SINCE:
		if (sipctl_since(s->val, 0, buf, sizeof(buf))) {
			snprintf(err, errsize, "--since: want an RFC 3339 time "
				 "(2026-11-24T06:00:00Z) or a duration (30s, 10m, 2h, 1d)");
			return EINVAL;
		}
		a->since = s->val;
		break;
	case O_FOLLOW: a->follow = true; break;
	case O_PCAP: a->pcap = s->val; break;
	case O_LIMIT:
		if (number(s->val, 1, 1000000, &a->limit)) {
			snprintf(err, errsize, "--limit: want a number from 1 to 1000000");
			return EINVAL;
		}
		break;
	case O_INTERVAL:
		if (number(s->val, 50, 60000, &a->interval_ms)) {
			snprintf(err, errsize, "--interval: want milliseconds from 50 to 60000");
			return EINVAL;
		}
		break;
	case O_BRIEF: a->brief = true; break;
	case O_ON: a->trace_switch = 1; break;
	case O_OFF: a->trace_switch = 0; break;
	case O_SVG: a->svg = s->val; break;
	case O_HTML: a->html = s->val; break;
	case O_FILE: a->file = s->val; break;
	case O_ASCII: a->ascii = true; break;
	}
	return 0;
}

static int conflicts(const struct sipctl_args *a, char *err, size_t errsize)
{
	const char *why = NULL;

	if (a->password && a->password_stdin)
		why = "give --password or --password-stdin, not both";
	else if (a->svg && a->html)
		why = "give --svg or --html, not both";
	else if (a->follow && a->pcap)
		why = "--pcap writes a file once: it cannot --follow";
	else if (a->trace_switch >= 0 && (a->follow || a->pcap || a->brief ||
					  a->call_id || a->method || a->user ||
					  a->addr || a->since || a->limit))
		why = "--on and --off switch tracing and take no other trace option";
	else if (a->cmd == SIPCTL_USER_ADD && a->password && !*a->password)
		why = "--password: the password is empty";
	else if (!*a->url)
		why = "--url is empty";
	if (why) {
		snprintf(err, errsize, "%s", why);
		return EINVAL;
	}
	return 0;
}

int sipctl_args_parse(struct sipctl_args *a, int argc, char **argv,
		      const char *env_url, const char *env_token,
		      char *err, size_t errsize)
{
	struct seen sv[MAX_OPTS];
	const char *words[MAX_WORDS];
	size_t nsv, nw, i;
	int e;

	memset(a, 0, sizeof(*a));
	a->url = env_url && *env_url ? env_url : SIPCTL_DEFAULT_URL;
	a->token = env_token && *env_token ? env_token : NULL;
	a->interval_ms = 500;
	a->trace_switch = -1;
	err[0] = '\0';
	e = split(argc, argv, sv, &nsv, words, &nw, err, errsize);
	if (e)
		return e;
	for (i = 0; i < nsv; i++)
		if (sv[i].o->id == O_HELP) {
			a->cmd = SIPCTL_HELP;
			return 0;
		}
	e = find_cmd(a, words, nw, err, errsize);
	if (e)
		return e;
	for (i = 0; i < nsv; i++) {
		if (!(sv[i].o->cmds & CMD(a->cmd))) {
			snprintf(err, errsize, "%s is not an option of this command",
				 sv[i].o->name);
			return EINVAL;
		}
		e = set_opt(a, &sv[i], err, errsize);
		if (e)
			return e;
	}
	return conflicts(a, err, errsize);
}

int sipctl_since(const char *in, time_t now, char *out, size_t size)
{
	int64_t us;
	char *end;
	unsigned long v;
	long mult;
	time_t t;
	struct tm tm;

	if (!sip_ladder_time_parse(in, &us)) {
		snprintf(out, size, "%s", in);
		return 0;
	}
	if (!*in || *in == '-' || *in == '+')
		return EINVAL;
	errno = 0;
	v = strtoul(in, &end, 10);
	if (errno || end == in || end[0] == '\0' || end[1] != '\0' || v > 10000000)
		return EINVAL;
	switch (*end) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: return EINVAL;
	}
	t = now - (time_t)v * mult;
	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}
