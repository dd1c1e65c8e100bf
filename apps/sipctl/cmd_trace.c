/*
 * cmd_trace.c - `sipctl trace` (sipd's message trace through
 * GET /api/trace, live with --follow by polling after=next, or as a pcap
 * file from GET /api/trace.pcap) and `sipctl ladder` (one call drawn by
 * src/mgmt/ladder.c, from the API or a saved JSON trace).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/ladder.h"

#include "sipctl.h"

enum { PATH = 4096 };

/* --follow stops on SIGINT/SIGTERM: the handler can only set a flag, and
 * a signal handler has no argument to carry it in. */
static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int add_query(char *path, size_t size, const char *key, const char *val)
{
	size_t at = strlen(path);

	if (!val)
		return 0;
	if (at + strlen(key) + 2 >= size)
		return E2BIG;
	snprintf(path + at, size - at, "%s%s=", strchr(path, '?') ? "&" : "?", key);
	return sipctl_url_encode(path, size, val);
}

/* "/api/trace?call_id=...&method=..." from the filters. */
static int trace_path(struct sipctl *c, const char *base, uint64_t after,
		      char *path, size_t size)
{
	const struct sipctl_args *a = c->a;
	char since[40], num[2][24];
	const char *q[][2] = {
		{ "call_id", a->cmd == SIPCTL_LADDER ? a->arg : a->call_id },
		{ "method", a->method },
		{ "user", a->user },
		{ "addr", a->addr },
		{ "since", a->since ? since : NULL },
		{ "after", after ? num[0] : NULL },
		{ "limit", a->limit ? num[1] : NULL },
	};

	snprintf(path, size, "%s", base);
	if (a->since && sipctl_since(a->since, time(NULL), since, sizeof(since)))
		return SIPCTL_EXIT_USAGE;
	snprintf(num[0], sizeof(num[0]), "%llu", (unsigned long long)after);
	snprintf(num[1], sizeof(num[1]), "%u", a->limit);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		if (add_query(path, size, q[i][0], q[i][1])) {
			fprintf(c->err, "sipctl: the filters are too long\n");
			return SIPCTL_EXIT_USAGE;
		}
	}
	return 0;
}

/* ---- printing entries -------------------------------------------------- */

static const char *kind_color(const struct sip_ladder_entry *e)
{
	if (e->len > 8 && !memcmp(e->sip, "SIP/2.0 ", 8)) {
		switch (e->sip[8]) {
		case '1': return "\033[33m";
		case '2': return "\033[32m";
		default: return "\033[31m";
		}
	}
	return "\033[36m";
}

static void fmt_time(char *buf, size_t size, int64_t us, bool date)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;
	char hms[32];

	gmtime_r(&s, &tm);
	strftime(hms, sizeof(hms), date ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03d%s", hms, (int)(us % 1000000 / 1000),
		 date ? "Z" : "");
}

/* The message text with CRs dropped and control characters but TAB and
 * LF shown as '?' (a peer's bytes must not drive the terminal). */
static void put_text(FILE *f, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\r')
			continue;
		fputc(ch < 0x20 && ch != '\n' && ch != '\t' ? '?' :
		      ch == 0x7F ? '?' : ch, f);
	}
}

/* The start line, cut at 100 bytes. */
static void put_first_line(FILE *f, const struct sip_ladder_entry *e)
{
	const char *eol = memchr(e->sip, '\n', e->len);
	size_t n = eol ? (size_t)(eol - e->sip) : e->len;

	while (n && e->sip[n - 1] == '\r')
		n--;
	put_text(f, e->sip, n > 100 ? 100 : n);
}

static void print_entry(struct sipctl *c, const struct sip_ladder_entry *e)
{
	char t[40], cid[128];
	bool send = e->sent;

	fmt_time(t, sizeof(t), e->time_us, !c->a->brief);
	if (c->color)
		fputs(kind_color(e), c->out);
	if (c->a->brief) {
		if (sip_ladder_call_id(e->sip, e->len, cid, sizeof(cid)))
			snprintf(cid, sizeof(cid), "-");
		fprintf(c->out, "%s %s %s %s %s  ", t, send ? "send" : "recv",
			e->local, send ? "->" : "<-", e->peer);
		put_first_line(c->out, e);
		fprintf(c->out, "%s  %s\n", c->color ? "\033[0m" : "", cid);
		return;
	}
	fprintf(c->out, "%s %s %s %s %s %s (%zu bytes)%s\n", t,
		send ? "send" : "recv", e->transport, e->local, send ? "->" : "<-",
		e->peer, e->len, c->color ? "\033[0m" : "");
	put_text(c->out, e->sip, e->len);
	if (!e->len || e->sip[e->len - 1] != '\n')
		fputc('\n', c->out);
	fputc('\n', c->out);
}

/* One poll: GET, print, and the new "next". */
static int trace_once(struct sipctl *c, uint64_t *after, uint64_t *dropped)
{
	struct sip_ladder_trace t;
	struct sipctl_http_resp r;
	char path[PATH], err[256];
	int e = trace_path(c, "/api/trace", *after, path, sizeof(path));

	if (!e)
		e = sipctl_api(c, "GET", path, NULL, &r);
	if (e)
		return e;
	if (sip_ladder_trace_parse(&t, r.body, r.len, err, sizeof(err))) {
		fprintf(c->err, "sipctl: GET %s: bad trace answer: %s\n", path, err);
		sipctl_http_resp_free(&r);
		return SIPCTL_EXIT_REFUSED;
	}
	if (c->a->json) {
		if (t.n || !c->a->follow) {
			fwrite(r.body, 1, r.len, c->out);
			if (r.len && r.body[r.len - 1] != '\n')
				fputc('\n', c->out);
		}
	} else {
		for (size_t i = 0; i < t.n; i++)
			print_entry(c, &t.entries[i]);
	}
	if (t.dropped > *dropped && *dropped != UINT64_MAX)
		fprintf(c->err, "sipctl: sipd's trace ring has dropped %llu "
			"message(s) so far (trace.ring_size)\n",
			(unsigned long long)t.dropped);
	*dropped = t.dropped;
	if (t.next > *after)
		*after = t.next;
	fflush(c->out);
	sip_ladder_trace_free(&t);
	sipctl_http_resp_free(&r);
	return SIPCTL_EXIT_OK;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);  /* a signal cuts it short: fine */
}

static int trace_follow(struct sipctl *c)
{
	struct sigaction sa = { .sa_handler = on_stop };
	uint64_t after = 0, dropped = UINT64_MAX;
	int e;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* the first answer's "dropped" is history, not news */
	e = trace_once(c, &after, &dropped);
	while (!e && !stop_requested) {
		sleep_ms(c->a->interval_ms);
		if (!stop_requested)
			e = trace_once(c, &after, &dropped);
	}
	return e;
}

static FILE *open_out(struct sipctl *c, const char *name, const char *mode)
{
	FILE *f = strcmp(name, "-") ? fopen(name, mode) : c->out;

	if (!f)
		fprintf(c->err, "sipctl: cannot write %s: %s\n", name, strerror(errno));
	return f;
}

static int close_out(struct sipctl *c, FILE *f, const char *name)
{
	int bad = ferror(f);

	if (f == c->out)
		bad |= fflush(f);
	else
		bad |= fclose(f);
	if (bad) {
		fprintf(c->err, "sipctl: writing %s failed\n", name);
		return SIPCTL_EXIT_REFUSED;
	}
	return SIPCTL_EXIT_OK;
}

static int trace_pcap(struct sipctl *c)
{
	struct sipctl_http_resp r;
	char path[PATH];
	FILE *f;
	int e = trace_path(c, "/api/trace.pcap", 0, path, sizeof(path));

	if (!e)
		e = sipctl_api(c, "GET", path, NULL, &r);
	if (e)
		return e;
	f = open_out(c, c->a->pcap, "wb");
	if (f) {
		fwrite(r.body, 1, r.len, f);
		e = close_out(c, f, c->a->pcap);
	} else {
		e = SIPCTL_EXIT_REFUSED;
	}
	if (!e && strcmp(c->a->pcap, "-"))
		fprintf(c->out, "wrote %s (%zu bytes)\n", c->a->pcap, r.len);
	sipctl_http_resp_free(&r);
	return e;
}

/* --on / --off: POST /api/trace {"enabled": bool}. */
static int trace_switch(struct sipctl *c)
{
	json_t *body = json_pack("{s:b}", "enabled", c->a->trace_switch), *j;
	int e;

	if (!body) {
		fprintf(c->err, "sipctl: out of memory\n");
		return SIPCTL_EXIT_REFUSED;
	}
	e = sipctl_api_json(c, "POST", "/api/trace", body, &j);
	json_decref(body);
	if (e || !j)
		return e;
	fprintf(c->out, "tracing %s\n",
		json_is_true(json_object_get(j, "enabled")) ? "on" : "off");
	json_decref(j);
	return SIPCTL_EXIT_OK;
}

int sipctl_cmd_trace(struct sipctl *c)
{
	uint64_t after = 0, dropped = 0;

	if (c->a->trace_switch >= 0)
		return trace_switch(c);
	if (c->a->pcap)
		return trace_pcap(c);
	if (c->a->follow)
		return trace_follow(c);
	return trace_once(c, &after, &dropped);
}

/* ---- ladder --------------------------------------------------------------- */

/* The whole of @p name ("-": stdin) into a malloc'd buffer. */
static int read_file(struct sipctl *c, const char *name, char **bufp, size_t *lenp)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(c->err, "sipctl: cannot read %s: %s\n", name, strerror(errno));
		return SIPCTL_EXIT_REFUSED;
	}
	do {
		if (len == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				free(buf);
				if (f != stdin)
					fclose(f);
				fprintf(c->err, "sipctl: %s: out of memory\n", name);
				return SIPCTL_EXIT_REFUSED;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (f != stdin)
		fclose(f);
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* The entries of the call: from --file, or from the API. */
static int ladder_load(struct sipctl *c, struct sip_ladder_trace *t)
{
	struct sipctl_http_resp r = { 0 };
	char path[PATH], err[256];
	const char *from = c->a->file;
	char *text = NULL;
	size_t len = 0;
	int e;

	if (from) {
		e = read_file(c, from, &text, &len);
	} else {
		e = trace_path(c, "/api/trace", 0, path, sizeof(path));
		if (!e)
			e = sipctl_api(c, "GET", path, NULL, &r);
		text = r.body;
		len = r.len;
		from = path;
		if (!e && c->a->json) {
			fwrite(text, 1, len, c->out);
			if (len && text[len - 1] != '\n')
				fputc('\n', c->out);
			sipctl_http_resp_free(&r);
			return -1;
		}
	}
	if (e)
		return e;
	e = sip_ladder_trace_parse(t, text, len, err, sizeof(err));
	free(text);
	if (e) {
		fprintf(c->err, "sipctl: %s: %s\n", from,
			e == EBADMSG ? err : strerror(e));
		return SIPCTL_EXIT_REFUSED;
	}
	/* the API filters already; a file holds every call */
	if (!sip_ladder_trace_filter_call(t, c->a->arg)) {
		fprintf(c->err, "sipctl: no message of call %s in %s%s\n", c->a->arg,
			c->a->file ? c->a->file : "sipd's trace",
			c->a->file ? "" : " (is tracing on? trace.enabled, "
			"sipd --trace, or sipctl trace --on)");
		sip_ladder_trace_free(t);
		return SIPCTL_EXIT_REFUSED;
	}
	return 0;
}

int sipctl_cmd_ladder(struct sipctl *c)
{
	struct sip_ladder_trace t;
	struct sip_ladder_opts o = { .title = NULL };
	char title[300];
	const char *name = c->a->svg ? c->a->svg : c->a->html;
	FILE *f = c->out;
	int e;

	if (c->a->json && c->a->file) {
		fprintf(c->err, "sipctl: ladder: --json prints the API's answer; "
			"it does not go with --file\n");
		return SIPCTL_EXIT_USAGE;
	}
	e = ladder_load(c, &t);
	if (e)
		return e < 0 ? SIPCTL_EXIT_OK : e;
	snprintf(title, sizeof(title), "Call-ID: %s", c->a->arg);
	o.title = title;
	if (c->a->ascii)
		o.flags |= SIP_LADDER_ASCII;
	if (name) {
		f = open_out(c, name, "w");
		if (!f) {
			sip_ladder_trace_free(&t);
			return SIPCTL_EXIT_REFUSED;
		}
		e = c->a->svg ? sip_ladder_svg(f, t.entries, t.n, &o) :
				sip_ladder_html(f, t.entries, t.n, &o);
	} else {
		if (c->color)
			o.flags |= SIP_LADDER_COLOR;
		e = sip_ladder_text(f, t.entries, t.n, &o);
	}
	sip_ladder_trace_free(&t);
	if (e == EINVAL) {
		fprintf(c->err, "sipctl: ladder: more than %d hosts in the call\n",
			SIP_LADDER_MAX_COLS - 1);
		if (f != c->out)
			fclose(f);
		return SIPCTL_EXIT_REFUSED;
	}
	e = name ? close_out(c, f, name) : close_out(c, f, "stdout");
	if (!e && name && strcmp(name, "-"))
		fprintf(c->err, "wrote %s\n", name);
	return e;
}
