/*
 * ladder.h - ladder (sequence) diagrams of one call from sipd's message
 * trace, for sipctl and the status page.
 *
 * Input is the list of trace entries of one call, oldest first, as sipd
 * records them (apps/sipd/trace.h; the HTTP API's /api/trace entries and
 * the `trace.format: json` lines carry the same fields): time, direction
 * (sipd sent or received it), transport, sipd's local address, the peer's
 * address, and the message text.
 *
 * The diagram has one column per host: sipd (all its local addresses in
 * one column) and one per peer address, in order of first appearance (a
 * call through the proxy comes out caller | sipd | callee). Each message
 * is one arrow labelled with its method, or "code reason (CSeq method)"
 * for a response, with its time relative to the first message (whose
 * absolute time is in the heading). A message identical byte for byte to
 * an earlier one on the same path (same direction, transport, local and
 * peer address) is a retransmission (RFC 3261 §17: retransmissions are
 * resent unchanged) and is drawn dashed and marked "(retransmission)".
 *
 * Three renderings, each writing to a FILE* (open_memstream() gives a
 * buffer) and nothing else:
 *  - sip_ladder_text(): terminal text, UTF-8 box drawing or ASCII,
 *    ANSI colours only when asked;
 *  - sip_ladder_svg(): a standalone SVG document (valid XML: text
 *    escaped, invalid UTF-8 and control characters replaced);
 *  - sip_ladder_html(): one self-contained HTML page (no external
 *    assets) with the SVG and every raw message; clicking an arrow
 *    opens its message (plain JavaScript).
 *
 * sip_ladder_trace_parse() (tracejson.c) reads such entries from JSON:
 * an API answer {"entries":[...]} or JSON lines as sipd writes them.
 */
#ifndef SIP_LADDER_H
#define SIP_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** One traced message. Every pointer is borrowed. */
struct sip_ladder_entry {
	int64_t time_us;        /* wall clock, microseconds since the epoch */
	bool sent;              /* sipd sent it (dir "send"); else received */
	const char *transport;  /* "udp", "tcp", ... */
	const char *local;      /* sipd's address, "ip:port" or "[ip6]:port" */
	const char *peer;       /* the other side's address */
	const char *sip;        /* the message bytes as on the wire */
	size_t len;
};

enum sip_ladder_flags {
	SIP_LADDER_ASCII = 1 << 0,  /* text: ASCII instead of box drawing */
	SIP_LADDER_COLOR = 1 << 1,  /* text: ANSI colours */
};

struct sip_ladder_opts {
	unsigned flags;             /* enum sip_ladder_flags */
	const char *title;          /* heading, e.g. the Call-ID; NULL: none */
	const char *self;           /* name of sipd's column; NULL: "sipd" */
};

/* Limits: longer labels are cut (with "..."), more columns refused. */
enum {
	SIP_LADDER_MAX_LABEL = 48,  /* characters of one arrow label */
	SIP_LADDER_MAX_COLS = 32,   /* hosts */
};

/**
 * Draw the ladder of the @p n entries @p e (oldest first) on @p f as
 * text. @p o may be NULL (UTF-8, no colour, no title).
 * Returns 0; EINVAL for more than SIP_LADDER_MAX_COLS hosts; ENOMEM; EIO
 * when writing failed. Nothing is drawn but the heading when n is 0.
 */
int sip_ladder_text(FILE *f, const struct sip_ladder_entry *e, size_t n,
		    const struct sip_ladder_opts *o);

/**
 * The same ladder as an SVG document (XML declaration included). Each
 * arrow is a <g class="msg" id="m{i}"> (i counts from 0 in input order)
 * holding its line and label. Flags are ignored. Returns as
 * sip_ladder_text().
 */
int sip_ladder_svg(FILE *f, const struct sip_ladder_entry *e, size_t n,
		   const struct sip_ladder_opts *o);

/**
 * A self-contained HTML5 page: heading, the SVG ladder inline, and for
 * each message a <details id="raw{i}"> with its header line and its text;
 * clicking arrow i opens and shows raw{i}. Returns as sip_ladder_text().
 */
int sip_ladder_html(FILE *f, const struct sip_ladder_entry *e, size_t n,
		    const struct sip_ladder_opts *o);

/**
 * The Call-ID of message @p sip / @p len, copied NUL-terminated into
 * @p buf (size @p size, cut if longer). Returns 0, or EBADMSG when the
 * message has no readable Call-ID.
 */
int sip_ladder_call_id(const char *sip, size_t len, char *buf, size_t size);

/**
 * Trace entries read from JSON (tracejson.c), owning their strings.
 */
struct sip_ladder_trace {
	struct sip_ladder_entry *entries;
	size_t n;
	uint64_t next;          /* the API's "next" (0 when absent) */
	uint64_t dropped;       /* the API's "dropped" (0 when absent) */
	/* private: the strings the entries point into */
	char **strs;
	size_t nstrs;
};

/**
 * Read trace entries from @p text / @p len: either one JSON object with
 * an "entries" array (the answer of GET /api/trace), or JSON lines, one
 * entry object per line (sipd's trace with `trace.format: json`; empty
 * lines and lines that are not trace records, e.g. log lines without a
 * "sip" member, are skipped). Each entry needs "time" (RFC 3339), "dir"
 * ("send" or "recv"), "local", "peer" and "sip"; "transport" is
 * optional. On success fills @p t (free with sip_ladder_trace_free()).
 * Returns 0; EBADMSG with @p err (size @p errsize, may be 0) saying which
 * line/entry and why; ENOMEM.
 */
int sip_ladder_trace_parse(struct sip_ladder_trace *t, const char *text,
			   size_t len, char *err, size_t errsize);

/**
 * Keep only the entries whose message has Call-ID @p call_id (exact).
 * Returns the number kept.
 */
size_t sip_ladder_trace_filter_call(struct sip_ladder_trace *t,
				    const char *call_id);

/** Free what sip_ladder_trace_parse() filled (the struct itself is the
 * caller's). Safe on a zeroed struct. */
void sip_ladder_trace_free(struct sip_ladder_trace *t);

/**
 * Parse an RFC 3339 time ("2026-11-24T06:00:00.123Z", offsets and any
 * number of fraction digits allowed) into microseconds since the epoch.
 * Returns 0 or EINVAL.
 */
int sip_ladder_time_parse(const char *s, int64_t *us);

#endif
