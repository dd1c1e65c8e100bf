/*
 * api_trace.c - GET /api/trace (JSON), GET /api/trace.pcap and POST
 * /api/trace {"enabled": bool} (API.md). The ring is read on the loop,
 * filtered (trace_filter.h) and answered at once.
 *
 * Which entries when more match than `limit`: with `after` (a poller
 * following the trace) the oldest ones after it, so nothing is skipped
 * and the next poll continues from `next`; without it, the newest ones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/pcap.h"

#include "json.h"
#include "log.h"
#include "mgmt.h"
#include "sipd.h"
#include "trace.h"
#include "trace_filter.h"

/* What one request selects: pointers into the ring, valid while the
 * request is being answered (the ring does not change meanwhile: the
 * loop is ours). */
struct pick {
	const struct sipd_trace_filter *f;
	const struct sipd_trace_entry **v;
	size_t n, cap;         /* cap = limit */
	size_t skip;           /* without `after`: matches pushed out */
	bool oldest;           /* keep the first `limit` matches */
};

static bool pick_one(const struct sipd_trace_entry *e, void *arg)
{
	struct pick *p = arg;

	if (!sipd_trace_filter_match(p->f, e))
		return true;
	if (p->n < p->cap) {
		p->v[p->n++] = e;
		return true;
	}
	if (p->oldest)
		return false;
	/* a window over the newest matches */
	memmove(p->v, p->v + 1, (p->cap - 1) * sizeof(*p->v));
	p->v[p->cap - 1] = e;
	p->skip++;
	return true;
}

static const char *query(void *arg, const char *name)
{
	return sip_http_query(arg, name);
}

/* One entry as JSON, written straight into @p b: a 10,000-entry answer
 * built as a jansson tree first took several times as long, all of it on
 * the loop. Strings through sipd_json_str() (json.c): valid UTF-8 kept,
 * other bytes as \u00XX, so a Latin-1 header survives. */
static void entry_json(struct sip_buf *b, const struct sipd_trace_entry *e)
{
	char t[SIPD_TIME_LEN], local[SIP_TP_ADDRSTRLEN], peer[SIP_TP_ADDRSTRLEN];

	sipd_time_iso(t, &e->time);
	sip_tp_addr_fmt(&e->local, local);
	sip_tp_addr_fmt(&e->peer, peer);
	sip_buf_printf(b, "{\"seq\":%llu,\"time\":\"%s\",\"dir\":\"%s\","
		       "\"transport\":\"%s\",\"local\":", (unsigned long long)e->seq,
		       t, sipd_trace_dir_name(e->dir), sipd_mgmt_tp_name(e->kind));
	sipd_json_str(b, local, strlen(local));
	sip_buf_puts(b, ",\"peer\":");
	sipd_json_str(b, peer, strlen(peer));
	sip_buf_printf(b, ",\"bytes\":%zu,\"sip\":", e->len);
	sipd_json_str(b, e->bytes, e->len);
	sip_buf_putc(b, '}');
}

static void answer_json(struct sipd *sd, struct sip_http_req *rq,
			const struct pick *p, const struct sipd_trace_filter *f)
{
	uint64_t next = f->after;
	struct sip_buf b;

	sip_buf_init(&b);
	sip_buf_puts(&b, "{\"entries\":[");
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			sip_buf_putc(&b, ',');
		entry_json(&b, p->v[i]);
		next = p->v[i]->seq;
	}
	sip_buf_printf(&b, "],\"next\":%llu,\"dropped\":%llu,\"enabled\":%s,"
		       "\"last\":%llu}", (unsigned long long)next,
		       (unsigned long long)sipd_trace_dropped(sd->trace),
		       sipd_trace_on(sd->trace) ? "true" : "false",
		       (unsigned long long)sipd_trace_last_seq(sd->trace));
	if (sip_buf_err(&b))
		sip_http_reply_error(rq, 500, "out of memory");
	else
		sip_http_reply(rq, 200, "application/json", b.p, b.len);
	sip_buf_reset(&b);
}

/* The unspecified address of @p like's family (our side when unknown). */
static struct sip_tp_addr any_of(const struct sip_tp_addr *like)
{
	struct sip_tp_addr a;

	memset(&a, 0, sizeof(a));
	a.u.sa.sa_family = (sa_family_t)sip_tp_addr_af(like);
	a.len = like->len;
	return a;
}

static void answer_pcap(struct sip_http_req *rq, const struct pick *p)
{
	struct sip_buf out;
	struct sip_pcap w;

	sip_buf_init(&out);
	sip_pcap_init(&w, &out);
	for (size_t i = 0; i < p->n; i++) {
		const struct sipd_trace_entry *e = p->v[i];
		struct sip_tp_addr local = e->local.len ? e->local : any_of(&e->peer);
		bool in = e->dir == SIPD_TRACE_RECV;
		struct sip_pcap_pkt pk = {
			.time = e->time, .tcp = e->kind != SIP_TP_UDP,
			.src = in ? &e->peer : &local, .dst = in ? &local : &e->peer,
			.payload = e->bytes, .len = e->len,
		};

		(void)sip_pcap_add(&w, &pk);   /* mixed families: left out */
	}
	if (sip_buf_err(&out))
		sip_http_reply_error(rq, 500, "out of memory");
	else
		sip_http_reply(rq, 200, "application/vnd.tcpdump.pcap", out.p,
			       out.len);
	sip_buf_reset(&out);
}

void sipd_api_trace(struct sipd *sd, struct sip_http_req *rq, bool pcap)
{
	struct sipd_trace_filter f;
	struct pick p = { .f = &f };
	char err[160];

	if (sipd_trace_filter_parse(&f, query, rq, err, sizeof(err))) {
		sip_http_reply_error(rq, 400, err);
		return;
	}
	p.cap = f.limit;
	p.oldest = sip_http_query(rq, "after") != NULL;
	p.v = malloc(p.cap * sizeof(*p.v));
	if (!p.v) {
		sip_http_reply_error(rq, 500, "out of memory");
		return;
	}
	sipd_trace_ring_foreach(sd->trace, pick_one, &p);
	if (pcap)
		answer_pcap(rq, &p);
	else
		answer_json(sd, rq, &p, &f);
	free(p.v);
}

void sipd_api_trace_set(struct sipd *sd, struct sip_http_req *rq)
{
	json_error_t jerr;
	const char *body;
	size_t len;
	int on = 0;
	json_t *j;

	body = sip_http_body(rq, &len);
	j = json_loadb(body, len, 0, &jerr);
	if (!j || json_unpack(j, "{s:b}", "enabled", &on)) {
		json_decref(j);
		sip_http_reply_error(rq, 400, "want a JSON body {\"enabled\": true|false}");
		return;
	}
	json_decref(j);
	if (!on && sd->trace_cli) {
		sip_http_reply_error(rq, 409, "tracing was turned on with --trace");
		return;
	}
	sipd_trace_enable(sd->trace, on);
	/* so that status shows it, and a reload compares with it */
	sd->cfg->trace.enabled = on;
	sipd_log(&sd->log, SIPD_LOG_INFO, "trace", "enabled", on ? "true" : "false",
		 "from", "HTTP API", NULL);
	sip_http_reply_json(rq, 200, json_pack("{s:b}", "enabled", on));
}
