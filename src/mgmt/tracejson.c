/*
 * tracejson.c - trace entries from JSON (include/sip/ladder.h): the
 * answer of GET /api/trace or sipd's JSON trace lines (RFC 8259 via
 * jansson), and RFC 3339 §5.6 date-times.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "sip/ladder.h"

enum { MAX_ENTRIES = 1000000 };

static int digits(const char **sp, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*sp)[i]))
			return EINVAL;
		v = v * 10 + ((*sp)[i] - '0');
	}
	*sp += n;
	*out = v;
	return 0;
}

static int expect(const char **sp, const char *set)
{
	if (!**sp || !strchr(set, **sp))
		return EINVAL;
	(*sp)++;
	return 0;
}

/* Fraction of a second after '.', as microseconds (digits past the 6th
 * are read and dropped). */
static int64_t fraction(const char **sp)
{
	int64_t us = 0, scale = 100000;

	while (isdigit((unsigned char)**sp)) {
		us += (**sp - '0') * scale;
		scale /= 10;
		(*sp)++;
	}
	return us;
}

int sip_ladder_time_parse(const char *s, int64_t *us)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t frac = 0, t;

	if (!s || digits(&s, 4, &y) || expect(&s, "-") || digits(&s, 2, &mo) ||
	    expect(&s, "-") || digits(&s, 2, &d) || expect(&s, "Tt ") ||
	    digits(&s, 2, &h) || expect(&s, ":") || digits(&s, 2, &mi) ||
	    expect(&s, ":") || digits(&s, 2, &sec))
		return EINVAL;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return EINVAL;
		frac = fraction(&s);
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &oh) || expect(&s, ":") || digits(&s, 2, &om))
			return EINVAL;
	} else {
		return EINVAL;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		return EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm);
	t -= sign * (oh * 3600 + om * 60);
	*us = t * 1000000 + frac;
	return 0;
}

static const char *str_member(json_t *o, const char *key, size_t *len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	if (len)
		*len = json_string_length(v);
	return json_string_value(v);
}

/* Add one entry object to @p t (its strings copied into one block). */
static int add_entry(struct sip_ladder_trace *t, json_t *o, size_t *cap,
		     const char **why)
{
	const char *time_s, *dir, *tp, *local, *peer, *sip;
	size_t ltp, llocal, lpeer, lsip;
	struct sip_ladder_entry *e;
	char *blk;

	time_s = str_member(o, "time", NULL);
	dir = str_member(o, "dir", NULL);
	tp = str_member(o, "transport", &ltp);
	local = str_member(o, "local", &llocal);
	peer = str_member(o, "peer", &lpeer);
	sip = str_member(o, "sip", &lsip);
	if (!time_s || !dir || !local || !peer || !sip) {
		*why = "an entry needs string members time, dir, local, peer and sip";
		return EBADMSG;
	}
	if (strcmp(dir, "send") && strcmp(dir, "recv")) {
		*why = "\"dir\" must be \"send\" or \"recv\"";
		return EBADMSG;
	}
	if (!tp)
		tp = "", ltp = 0;
	if (t->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct sip_ladder_entry *ne;
		char **ns;

		if (nc > MAX_ENTRIES) {
			*why = "too many entries";
			return EBADMSG;
		}
		ne = realloc(t->entries, nc * sizeof(*ne));
		if (!ne)
			return ENOMEM;
		t->entries = ne;
		ns = realloc(t->strs, nc * sizeof(*ns));
		if (!ns)
			return ENOMEM;
		t->strs = ns;
		*cap = nc;
	}
	e = &t->entries[t->n];
	memset(e, 0, sizeof(*e));
	if (sip_ladder_time_parse(time_s, &e->time_us)) {
		*why = "\"time\" is not an RFC 3339 date-time";
		return EBADMSG;
	}
	blk = malloc(ltp + llocal + lpeer + lsip + 4);
	if (!blk)
		return ENOMEM;
	e->transport = memcpy(blk, tp, ltp + 1);
	e->local = memcpy(blk + ltp + 1, local, llocal + 1);
	e->peer = memcpy(blk + ltp + llocal + 2, peer, lpeer + 1);
	blk += ltp + llocal + lpeer + 3;
	memcpy(blk, sip, lsip);
	blk[lsip] = '\0';
	e->sip = blk;
	e->len = lsip;
	e->sent = !strcmp(dir, "send");
	t->strs[t->n] = (char *)e->transport;
	t->n++;
	t->nstrs = t->n;
	return 0;
}

static uint64_t uint_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ?
	       (uint64_t)json_integer_value(v) : 0;
}

static int parse_answer(struct sip_ladder_trace *t, json_t *root, char *err,
			size_t errsize)
{
	json_t *arr = json_object_get(root, "entries"), *o;
	const char *why = NULL;
	size_t cap = 0, i;
	int rc;

	if (!json_is_array(arr)) {
		snprintf(err, errsize, "\"entries\" is not an array");
		return EBADMSG;
	}
	json_array_foreach(arr, i, o) {
		rc = json_is_object(o) ? add_entry(t, o, &cap, &why) : EBADMSG;
		if (rc) {
			if (rc == EBADMSG)
				snprintf(err, errsize, "entry %zu: %s", i,
					 why ? why : "not an object");
			return rc;
		}
	}
	t->next = uint_member(root, "next");
	t->dropped = uint_member(root, "dropped");
	return 0;
}

static int parse_lines(struct sip_ladder_trace *t, const char *text,
		       size_t len, char *err, size_t errsize)
{
	const char *p = text, *end = text + len, *eol, *why = NULL;
	size_t cap = 0, line = 0;
	json_error_t je;
	json_t *o;
	int rc;

	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line++;
		while (p < eol && isspace((unsigned char)*p))
			p++;
		if (p == eol)
			continue;
		o = json_loadb(p, (size_t)(eol - p), JSON_ALLOW_NUL, &je);
		if (!o) {
			snprintf(err, errsize, "line %zu: %s", line, je.text);
			return EBADMSG;
		}
		rc = 0;
		/* log lines share the stream: only records with "sip" count */
		if (json_is_object(o) && json_object_get(o, "sip"))
			rc = add_entry(t, o, &cap, &why);
		json_decref(o);
		if (rc) {
			if (rc == EBADMSG)
				snprintf(err, errsize, "line %zu: %s", line, why);
			return rc;
		}
	}
	return 0;
}

int sip_ladder_trace_parse(struct sip_ladder_trace *t, const char *text,
			   size_t len, char *err, size_t errsize)
{
	char dummy[1];
	json_t *root;
	int rc;

	if (!errsize)
		err = dummy, errsize = sizeof(dummy);
	err[0] = '\0';
	memset(t, 0, sizeof(*t));
	root = json_loadb(text, len, JSON_ALLOW_NUL, NULL);
	if (root && json_is_object(root) && json_object_get(root, "entries"))
		rc = parse_answer(t, root, err, errsize);
	else
		rc = parse_lines(t, text, len, err, errsize);
	json_decref(root);
	if (rc)
		sip_ladder_trace_free(t);
	return rc;
}

size_t sip_ladder_trace_filter_call(struct sip_ladder_trace *t,
				    const char *call_id)
{
	char cid[256];
	size_t i, k = 0;

	for (i = 0; i < t->n; i++) {
		const struct sip_ladder_entry *e = &t->entries[i];

		if (!sip_ladder_call_id(e->sip, e->len, cid, sizeof(cid)) &&
		    !strcmp(cid, call_id)) {
			t->entries[k] = *e;
			t->strs[k++] = t->strs[i];
		} else {
			free(t->strs[i]);
		}
	}
	t->n = t->nstrs = k;
	return k;
}

void sip_ladder_trace_free(struct sip_ladder_trace *t)
{
	for (size_t i = 0; i < t->nstrs; i++)
		free(t->strs[i]);
	free(t->strs);
	free(t->entries);
	memset(t, 0, sizeof(*t));
}
