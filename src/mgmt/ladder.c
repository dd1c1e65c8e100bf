/*
 * ladder.c - ladder diagrams of one call from trace entries (see
 * include/sip/ladder.h): a model (columns, one row per message) built
 * once, then drawn as text, SVG or an HTML page.
 *
 * Labels come from the message's start line and CSeq (RFC 3261 §7.1,
 * §7.2, §20.16); retransmissions are the byte-identical repeats that
 * RFC 3261 §17.1.1.2, §17.1.2.2 and §17.2.1 call for on unreliable
 * transports. The library's decoder reads the messages; one it cannot
 * read is still drawn, labelled with its first bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/ladder.h"
#include "sip/msg.h"

enum kind { K_REQ, K_1XX, K_2XX, K_ERR, K_BAD };

enum {
	LABEL_BYTES = SIP_LADDER_MAX_LABEL * 4 + 1,
	ADDR_BYTES = 64,
	SELF_ADDRS = 4,           /* local addresses listed under sipd */
};

struct col {
	char name[ADDR_BYTES];    /* peer address, or sipd's name */
	bool self;
};

struct row {
	size_t from, to;          /* columns */
	char label[LABEL_BYTES];  /* valid UTF-8, no control characters */
	size_t width;             /* characters in label */
	enum kind kind;
	bool retrans;
	int64_t rel_us;           /* time since the first message */
};

struct model {
	struct col cols[SIP_LADDER_MAX_COLS];
	size_t ncols;
	char selfaddr[SELF_ADDRS][ADDR_BYTES];
	size_t nself;             /* local addresses seen (may exceed SELF_ADDRS) */
	struct row *rows;
	size_t n;
	int64_t t0;
	bool mixed_tp;            /* more than one transport in the trace */
	const struct sip_ladder_entry *e;
	const char *title;
};

/* ---- UTF-8 and labels ------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (at most end - p bytes) with
 * its code point in *cp, or 0 when the bytes there are not valid UTF-8
 * (overlong forms, surrogates and values above U+10FFFF included). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end,
		       uint32_t *cp)
{
	size_t n, i;
	uint32_t c = p[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
		n = 2, c &= 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		n = 3, c &= 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Characters allowed in XML 1.0 text (besides TAB, LF, CR). */
static bool printable(uint32_t cp)
{
	return cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
	       cp != 0xFFFE && cp != 0xFFFF;
}

/* Append @p len bytes at @p p to the label @p r, as valid UTF-8 with
 * control characters and bad bytes turned into '?', at most
 * SIP_LADDER_MAX_LABEL characters ("..." marks a cut). */
static void label_add(struct row *r, const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p, *end = s + len;
	size_t at = strlen(r->label), n;
	uint32_t cp;

	while (s < end) {
		if (r->width == SIP_LADDER_MAX_LABEL) {
			/* make room for the cut mark over the last 3 */
			while (r->width > SIP_LADDER_MAX_LABEL - 3) {
				do
					at--;
				while ((r->label[at] & 0xC0) == 0x80);
				r->width--;
			}
			memcpy(r->label + at, "...", 4);
			r->width += 3;
			return;
		}
		n = utf8_len(s, end, &cp);
		if (!n || !printable(cp)) {
			r->label[at++] = '?';
			s += n ? n : 1;
		} else {
			memcpy(r->label + at, s, n);
			at += n;
			s += n;
		}
		r->label[at] = '\0';
		r->width++;
	}
}

static void label_adds(struct row *r, const char *s)
{
	label_add(r, s, strlen(s));
}

/* The first line of an unreadable message, for its label. */
static void label_raw(struct row *r, const char *p, size_t len)
{
	const char *eol = memchr(p, '\n', len);
	size_t n = eol ? (size_t)(eol - p) : len;

	while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	if (!n) {
		label_adds(r, len ? "keep-alive / empty" : "(empty)");
		r->kind = K_BAD;
		return;
	}
	label_adds(r, "? ");
	label_add(r, p, n);
	r->kind = K_BAD;
}

/* Method, or "code reason (CSeq method)"; kind from the status class. */
static void label_msg(struct row *r, const char *p, size_t len)
{
	struct sip_msg *m = NULL;
	struct sip_msg_keys k;
	char code[8];

	/* a start line the decoder could not read leaves the version unset */
	if (sip_msg_decode(&m, p, len, NULL, 0, NULL) ||
	    !sip_pl_caseeqs(m->version, "SIP/2.0") ||
	    (m->req && !m->method.len) || (!m->req && !m->scode)) {
		label_raw(r, p, len);
		sip_msg_free(m);
		return;
	}
	if (m->req) {
		label_add(r, m->method.p, m->method.len);
		r->kind = K_REQ;
	} else {
		snprintf(code, sizeof(code), "%u", m->scode);
		label_adds(r, code);
		if (m->reason.len) {
			label_adds(r, " ");
			label_add(r, m->reason.p, m->reason.len);
		}
		if (!sip_msg_keys(m, &k) && k.cseq_method.len) {
			label_adds(r, " (");
			label_add(r, k.cseq_method.p, k.cseq_method.len);
			label_adds(r, ")");
		}
		r->kind = m->scode < 200 ? K_1XX : m->scode < 300 ? K_2XX : K_ERR;
	}
	sip_msg_free(m);
}

int sip_ladder_call_id(const char *sip, size_t len, char *buf, size_t size)
{
	struct sip_msg *m;
	struct sip_msg_keys k;
	int err = EBADMSG;

	if (sip_msg_decode(&m, sip, len, NULL, 0, NULL))
		return EBADMSG;
	if (!sip_msg_keys(m, &k) && k.callid.len && size) {
		sip_pl_strcpy(k.callid, buf, size);
		err = 0;
	} else if (size) {
		/* keys fail as a whole when, say, Via is bad: the Call-ID
		 * header alone still names the call */
		const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_CALL_ID);

		if (h && h->value.len) {
			sip_pl_strcpy(h->value, buf, size);
			err = 0;
		}
	}
	sip_msg_free(m);
	return err;
}

/* ---- the model --------------------------------------------------------- */

static void copy_addr(char *dst, const char *src)
{
	snprintf(dst, ADDR_BYTES, "%s", src ? src : "?");
}

/* Column of sipd (created on first use). SIZE_MAX when full. */
static size_t col_self(struct model *md, const char *name)
{
	size_t i;

	for (i = 0; i < md->ncols; i++)
		if (md->cols[i].self)
			return i;
	if (md->ncols == SIP_LADDER_MAX_COLS)
		return SIZE_MAX;
	md->cols[i].self = true;
	copy_addr(md->cols[i].name, name);
	md->ncols++;
	return i;
}

static size_t col_peer(struct model *md, const char *peer)
{
	char name[ADDR_BYTES];
	size_t i;

	copy_addr(name, peer);
	for (i = 0; i < md->ncols; i++)
		if (!md->cols[i].self && !strcmp(md->cols[i].name, name))
			return i;
	if (md->ncols == SIP_LADDER_MAX_COLS)
		return SIZE_MAX;
	md->cols[i].self = false;
	memcpy(md->cols[i].name, name, ADDR_BYTES);
	md->ncols++;
	return i;
}

static void self_addr(struct model *md, const char *local)
{
	char a[ADDR_BYTES];
	size_t i, n = md->nself < SELF_ADDRS ? md->nself : SELF_ADDRS;

	copy_addr(a, local);
	for (i = 0; i < n; i++)
		if (!strcmp(md->selfaddr[i], a))
			return;
	if (n < SELF_ADDRS)
		memcpy(md->selfaddr[n], a, ADDR_BYTES);
	md->nself++;
}

static bool streq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Same path and same bytes as an earlier entry (RFC 3261 §17: a
 * retransmission is the same message sent again). */
static bool is_retrans(const struct sip_ladder_entry *e, size_t i)
{
	const struct sip_ladder_entry *x = &e[i];

	for (size_t j = 0; j < i; j++) {
		const struct sip_ladder_entry *y = &e[j];

		if (y->sent == x->sent && y->len == x->len && x->len &&
		    !memcmp(y->sip, x->sip, x->len) &&
		    streq(y->peer, x->peer) && streq(y->local, x->local) &&
		    streq(y->transport, x->transport))
			return true;
	}
	return false;
}

static int model_row(struct model *md, size_t i, const char *self)
{
	const struct sip_ladder_entry *e = &md->e[i];
	struct row *r = &md->rows[i];
	size_t s, p;

	/* sipd's column is placed when first met, like a peer's */
	if (e->sent) {
		s = col_self(md, self);
		p = col_peer(md, e->peer);
	} else {
		p = col_peer(md, e->peer);
		s = col_self(md, self);
	}
	if (s == SIZE_MAX || p == SIZE_MAX)
		return EINVAL;
	r->from = e->sent ? s : p;
	r->to = e->sent ? p : s;
	self_addr(md, e->local);
	label_msg(r, e->sip ? e->sip : "", e->sip ? e->len : 0);
	r->retrans = is_retrans(md->e, i);
	if (r->retrans)
		label_adds(r, " (retransmission)");
	r->rel_us = e->time_us - md->t0;
	if (!streq(e->transport, md->e[0].transport))
		md->mixed_tp = true;
	return 0;
}

static int model_build(struct model *md, const struct sip_ladder_entry *e,
		       size_t n, const struct sip_ladder_opts *o)
{
	const char *self = o && o->self ? o->self : "sipd";
	int err;

	memset(md, 0, sizeof(*md));
	md->e = e;
	md->n = n;
	md->title = o ? o->title : NULL;
	if (!n)
		return 0;
	md->rows = calloc(n, sizeof(*md->rows));
	if (!md->rows)
		return ENOMEM;
	md->t0 = e[0].time_us;
	for (size_t i = 0; i < n; i++) {
		err = model_row(md, i, self);
		if (err) {
			free(md->rows);
			md->rows = NULL;
			return err;
		}
	}
	return 0;
}

static void model_free(struct model *md)
{
	free(md->rows);
}

/* "2026-11-24T06:00:00.123Z" into @p buf (size >= 32). */
static void fmt_time(char *buf, size_t size, int64_t us)
{
	time_t s = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
	int ms = (int)((us - (int64_t)s * 1000000) / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ms);
}

/* "12.345" seconds, rounded to the millisecond. */
static void fmt_rel(char *buf, size_t size, int64_t us)
{
	int64_t ms = us >= 0 ? (us + 500) / 1000 : (us - 500) / 1000;
	int64_t a = ms < 0 ? -ms : ms;

	snprintf(buf, size, "%s%lld.%03lld", ms < 0 ? "-" : "",
		 (long long)(a / 1000), (long long)(a % 1000));
}

static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += (*s & 0xC0) != 0x80;
	return n;
}

static void summary(const struct model *md, char *buf, size_t size)
{
	char t[40];

	if (!md->n) {
		snprintf(buf, size, "no messages");
		return;
	}
	fmt_time(t, sizeof(t), md->t0);
	snprintf(buf, size, "%zu message%s from %s (times in seconds from the first)",
		 md->n, md->n == 1 ? "" : "s", t);
}

/* ---- text ---------------------------------------------------------------- */

enum {
	TIME_W = 10,             /* "  123.456 " */
	MIN_COL_W = 18,
};

struct glyphs {
	const char *life, *line, *dash, *right, *left;
};

static const struct glyphs utf8_glyphs = { "│", "─", "╌", "▶", "◀" };
static const struct glyphs ascii_glyphs = { "|", "-", "~", ">", "<" };

static const char *const kind_color[] = {
	[K_REQ] = "\033[36m", [K_1XX] = "\033[33m", [K_2XX] = "\033[32m",
	[K_ERR] = "\033[31m", [K_BAD] = "\033[35m",
};

/* One text line: a cell (a UTF-8 character) per column position, and a
 * coloured span. */
struct line {
	const char **cell;       /* static glyphs or " " */
	char (*own)[5];          /* label characters, by position */
	size_t w;
	size_t c0, c1;           /* colour from c0 to before c1; c0 == c1: none */
	const char *color;
	bool dim;                /* retransmission: faint */
};

struct text {
	FILE *f;
	const struct model *md;
	const struct glyphs *g;
	bool color;
	size_t colw;
	size_t x0;               /* position of the first lifeline */
	size_t width;
	struct line ln;
};

static size_t col_x(const struct text *t, size_t c)
{
	return t->x0 + c * t->colw;
}

static void line_clear(struct text *t)
{
	for (size_t i = 0; i < t->width; i++) {
		t->ln.cell[i] = " ";
		t->ln.own[i][0] = '\0';
	}
	t->ln.c0 = t->ln.c1 = 0;
	t->ln.color = NULL;
	t->ln.dim = false;
}

static void line_lifelines(struct text *t)
{
	for (size_t c = 0; c < t->md->ncols; c++)
		t->ln.cell[col_x(t, c)] = t->g->life;
}

/* Put the UTF-8 string @p s (of characters only, no control) at @p x. */
static void line_puts(struct text *t, size_t x, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	uint32_t cp;

	while (*p && x < t->width) {
		n = utf8_len(p, p + strlen((const char *)p), &cp);
		if (!n)
			n = 1;
		memcpy(t->ln.own[x], p, n);
		t->ln.own[x][n] = '\0';
		t->ln.cell[x] = t->ln.own[x];
		p += n;
		x++;
	}
}

/* Write the line without trailing blanks. */
static void line_flush(struct text *t)
{
	size_t end = t->width, i;

	while (end && !strcmp(t->ln.cell[end - 1], " "))
		end--;
	for (i = 0; i < end; i++) {
		if (t->ln.color && i == t->ln.c0 && t->ln.c0 != t->ln.c1)
			fprintf(t->f, "%s%s", t->ln.dim ? "\033[2m" : "",
				t->ln.color);
		fputs(t->ln.cell[i], t->f);
		if (t->ln.color && i + 1 == t->ln.c1 && t->ln.c0 != t->ln.c1)
			fputs("\033[0m", t->f);
	}
	fputc('\n', t->f);
}

/* Centre @p s on column @p c (clipped to the line). */
static void put_centred(struct text *t, size_t c, const char *s)
{
	size_t x = col_x(t, c), w = chars(s);

	line_puts(t, x >= w / 2 ? x - w / 2 : 0, s);
}

static void text_heading(struct text *t)
{
	char buf[160];
	size_t c, i;

	if (t->md->title) {
		fprintf(t->f, "%s%s%s\n", t->color ? "\033[1m" : "",
			t->md->title, t->color ? "\033[0m" : "");
	}
	summary(t->md, buf, sizeof(buf));
	fprintf(t->f, "%s\n", buf);
	if (!t->md->n)
		return;
	fputc('\n', t->f);
	line_clear(t);
	for (c = 0; c < t->md->ncols; c++)
		put_centred(t, c, t->md->cols[c].name);
	line_flush(t);
	for (i = 0; i < t->md->nself && i <= SELF_ADDRS; i++) {
		line_clear(t);
		for (c = 0; c < t->md->ncols; c++) {
			if (!t->md->cols[c].self)
				continue;
			if (i < SELF_ADDRS)
				put_centred(t, c, t->md->selfaddr[i]);
			else
				put_centred(t, c, "...");
		}
		line_flush(t);
	}
	line_clear(t);
	line_lifelines(t);
	line_flush(t);
}

static void text_row(struct text *t, const struct row *r, size_t i)
{
	size_t a = col_x(t, r->from), b = col_x(t, r->to);
	size_t lo = a < b ? a : b, hi = a < b ? b : a, x, start;
	char tm[24];

	line_clear(t);
	line_lifelines(t);
	fmt_rel(tm, sizeof(tm), r->rel_us);
	x = strlen(tm) < TIME_W - 1 ? TIME_W - 1 - strlen(tm) : 0;
	line_puts(t, x, tm);
	for (x = lo + 1; x < hi; x++)
		t->ln.cell[x] = r->retrans ? t->g->dash : t->g->line;
	if (a < b)
		t->ln.cell[hi - 1] = t->g->right;
	else
		t->ln.cell[lo + 1] = t->g->left;
	/* the label, padded by a blank each side, centred between the ends */
	start = lo + 2 + (hi - lo - 3 - (r->width + 2)) / 2;
	line_puts(t, start, " ");
	line_puts(t, start + 1, r->label);
	line_puts(t, start + 1 + r->width, " ");
	if (t->md->mixed_tp && t->md->e[i].transport) {
		line_puts(t, col_x(t, t->md->ncols - 1) + 2,
			  t->md->e[i].transport);
	}
	if (t->color) {
		t->ln.color = kind_color[r->kind];
		t->ln.dim = r->retrans;
		t->ln.c0 = lo + 1;
		t->ln.c1 = hi;
	}
	line_flush(t);
}

/* Column width: room for the widest label and host name. */
static size_t text_colw(const struct model *md)
{
	size_t w = MIN_COL_W, i, n;

	for (i = 0; i < md->n; i++)
		if (md->rows[i].width + 6 > w)
			w = md->rows[i].width + 6;
	for (i = 0; i < md->ncols; i++) {
		n = chars(md->cols[i].name) + 2;
		if (n > w)
			w = n;
	}
	for (i = 0; i < md->nself && i < SELF_ADDRS; i++) {
		n = chars(md->selfaddr[i]) + 2;
		if (n > w)
			w = n;
	}
	return w + (w & 1);
}

/* The first lifeline: right of the times, with room for half its name. */
static size_t text_x0(const struct model *md)
{
	size_t half = 2, i, n;

	if (!md->ncols)
		return TIME_W;
	n = chars(md->cols[0].name);
	if (n / 2 + 1 > half)
		half = n / 2 + 1;
	for (i = 0; md->cols[0].self && i < md->nself && i < SELF_ADDRS; i++) {
		n = chars(md->selfaddr[i]);
		if (n / 2 + 1 > half)
			half = n / 2 + 1;
	}
	return TIME_W + half;
}

int sip_ladder_text(FILE *f, const struct sip_ladder_entry *e, size_t n,
		    const struct sip_ladder_opts *o)
{
	struct model md;
	struct text t = { .f = f };
	int err = model_build(&md, e, n, o);

	if (err)
		return err;
	t.md = &md;
	t.g = o && (o->flags & SIP_LADDER_ASCII) ? &ascii_glyphs : &utf8_glyphs;
	t.color = o && (o->flags & SIP_LADDER_COLOR);
	t.colw = text_colw(&md);
	t.x0 = text_x0(&md);
	t.width = t.x0 + md.ncols * t.colw + 8;
	t.ln.cell = calloc(t.width, sizeof(*t.ln.cell));
	t.ln.own = calloc(t.width, sizeof(*t.ln.own));
	if (!t.ln.cell || !t.ln.own) {
		err = ENOMEM;
		goto out;
	}
	text_heading(&t);
	for (size_t i = 0; i < md.n; i++)
		text_row(&t, &md.rows[i], i);
	if (md.n) {
		line_clear(&t);
		line_lifelines(&t);
		line_flush(&t);
	}
	err = ferror(f) ? EIO : 0;
out:
	free(t.ln.cell);
	free(t.ln.own);
	model_free(&md);
	return err;
}

/* ---- SVG ------------------------------------------------------------------ */

enum {
	SVG_TIME_W = 80,       /* left margin for the times */
	SVG_ROW_H = 30,
	SVG_HEAD_H = 40,       /* column names; + 14 per sipd address */
	SVG_CHAR_W = 7,        /* 12 px monospace, roughly */
	SVG_MIN_COL_W = 170,
};

static const char *const svg_color[] = {
	[K_REQ] = "#1f5fbf", [K_1XX] = "#b07800", [K_2XX] = "#1b8a2e",
	[K_ERR] = "#c0262d", [K_BAD] = "#8e3ca8",
};

static const char *const kind_name[] = {
	[K_REQ] = "req", [K_1XX] = "r1xx", [K_2XX] = "r2xx",
	[K_ERR] = "rerr", [K_BAD] = "bad",
};

/* Write @p len bytes as XML text: markup characters escaped, CR dropped,
 * other control characters and invalid UTF-8 as U+FFFD. */
static void xml_text(FILE *f, const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p, *end = s + len;
	size_t n;
	uint32_t cp;

	while (s < end) {
		n = utf8_len(s, end, &cp);
		if (!n) {
			fputs("\xEF\xBF\xBD", f);
			s++;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\r': break;
		case '\n': case '\t': fputc((int)cp, f); break;
		default:
			if (printable(cp))
				fwrite(s, 1, n, f);
			else
				fputs("\xEF\xBF\xBD", f);
		}
		s += n;
	}
}

static void xml_str(FILE *f, const char *s)
{
	xml_text(f, s ? s : "", s ? strlen(s) : 0);
}

struct svg {
	FILE *f;
	const struct model *md;
	int colw, head_h, width, height;
};

static int svg_x(const struct svg *s, size_t c)
{
	return SVG_TIME_W + s->colw / 2 + (int)c * s->colw;
}

static int svg_y(const struct svg *s, size_t i)
{
	return s->head_h + 20 + (int)i * SVG_ROW_H;
}

static void svg_layout(struct svg *s)
{
	size_t i, w = SVG_MIN_COL_W;
	size_t nself = s->md->nself < SELF_ADDRS ? s->md->nself : SELF_ADDRS;

	for (i = 0; i < s->md->n; i++)
		if (s->md->rows[i].width * SVG_CHAR_W + 40 > w)
			w = s->md->rows[i].width * SVG_CHAR_W + 40;
	for (i = 0; i < s->md->ncols; i++)
		if (chars(s->md->cols[i].name) * SVG_CHAR_W + 20 > w)
			w = chars(s->md->cols[i].name) * SVG_CHAR_W + 20;
	s->colw = (int)w;
	s->head_h = SVG_HEAD_H + 14 * (int)nself;
	s->width = SVG_TIME_W + (int)s->md->ncols * s->colw + 20;
	s->height = svg_y(s, s->md->n) + 10;
}

static void svg_defs(struct svg *s)
{
	fputs("<defs>\n", s->f);
	for (size_t k = K_REQ; k <= K_BAD; k++)
		fprintf(s->f,
			"<marker id=\"ah-%s\" markerWidth=\"10\" markerHeight=\"8\" "
			"refX=\"10\" refY=\"4\" orient=\"auto\" markerUnits=\"userSpaceOnUse\">"
			"<path d=\"M0,0 L10,4 L0,8 z\" fill=\"%s\"/></marker>\n",
			kind_name[k], svg_color[k]);
	fputs("</defs>\n", s->f);
}

static void svg_columns(struct svg *s)
{
	const struct model *md = s->md;
	size_t c, i;

	for (c = 0; c < md->ncols; c++) {
		int x = svg_x(s, c);

		fprintf(s->f, "<g class=\"host\"><text x=\"%d\" y=\"20\" "
			"text-anchor=\"middle\" font-weight=\"bold\">", x);
		xml_str(s->f, md->cols[c].name);
		fputs("</text>\n", s->f);
		for (i = 0; md->cols[c].self && i < md->nself && i < SELF_ADDRS; i++) {
			fprintf(s->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
				"fill=\"#555\">", x, 34 + 14 * (int)i);
			xml_str(s->f, md->selfaddr[i]);
			fputs("</text>\n", s->f);
		}
		fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"stroke=\"#888\" stroke-width=\"1\"/></g>\n", x,
			s->head_h, x, s->height - 5);
	}
}

static void svg_row(struct svg *s, size_t i)
{
	const struct row *r = &s->md->rows[i];
	const struct sip_ladder_entry *e = &s->md->e[i];
	int x1 = svg_x(s, r->from), x2 = svg_x(s, r->to), y = svg_y(s, i);
	char tm[24], at[40];

	fmt_rel(tm, sizeof(tm), r->rel_us);
	fmt_time(at, sizeof(at), e->time_us);
	fprintf(s->f, "<g class=\"msg %s%s\" id=\"m%zu\" data-i=\"%zu\">"
		"<title>#%zu %s %s ", kind_name[r->kind],
		r->retrans ? " retrans" : "", i, i, i, at,
		e->sent ? "send" : "recv");
	xml_str(s->f, e->transport);
	fputc(' ', s->f);
	xml_str(s->f, e->local);
	fputs(e->sent ? " -&gt; " : " &lt;- ", s->f);
	xml_str(s->f, e->peer);
	fprintf(s->f, " (%zu bytes)</title>\n", e->len);
	fprintf(s->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		"fill=\"#555\">%s</text>\n", SVG_TIME_W - 8, y + 4, tm);
	fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"transparent\" stroke-width=\"14\"/>\n",
		x1, y, x2, y);
	fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"%s\" stroke-width=\"1.5\"%s marker-end=\"url(#ah-%s)\"/>\n",
		x1, y, x2 + (x1 < x2 ? -1 : 1), y, svg_color[r->kind],
		r->retrans ? " stroke-dasharray=\"6,4\"" : "",
		kind_name[r->kind]);
	fprintf(s->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		"fill=\"%s\">", (x1 + x2) / 2, y - 5, svg_color[r->kind]);
	xml_str(s->f, r->label);
	fputs("</text></g>\n", s->f);
}

static void svg_body(FILE *f, const struct model *md)
{
	struct svg s = { .f = f, .md = md };

	svg_layout(&s);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"monospace\" font-size=\"12\">\n",
		s.width, s.height, s.width, s.height);
	if (md->title) {
		fputs("<title>", f);
		xml_str(f, md->title);
		fputs("</title>\n", f);
	}
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", f);
	svg_defs(&s);
	svg_columns(&s);
	for (size_t i = 0; i < md->n; i++)
		svg_row(&s, i);
	fputs("</svg>\n", f);
}

int sip_ladder_svg(FILE *f, const struct sip_ladder_entry *e, size_t n,
		   const struct sip_ladder_opts *o)
{
	struct model md;
	int err = model_build(&md, e, n, o);

	if (err)
		return err;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	svg_body(f, &md);
	model_free(&md);
	return ferror(f) ? EIO : 0;
}

/* ---- HTML ----------------------------------------------------------------- */

static const char html_style[] =
	"body{font-family:sans-serif;margin:1em;color:#222}\n"
	"svg .msg{cursor:pointer}\n"
	"svg .msg:hover text{font-weight:bold}\n"
	"details{margin:.2em 0;border:1px solid #ddd;border-radius:3px}\n"
	"details.sel{border-color:#1f5fbf;box-shadow:0 0 4px #1f5fbf}\n"
	"summary{cursor:pointer;padding:.2em .4em;font-family:monospace}\n"
	"pre{margin:0;padding:.5em;background:#f6f6f6;overflow:auto}\n";

/* Clicking arrow i opens message i, marks it and scrolls to it; so does
 * opening the page as FILE.html#m{i} (a link to one message). */
static const char html_script[] =
	"(function(){\n"
	"  var sel=null;\n"
	"  function show(i){\n"
	"    var d=document.getElementById('raw'+i);\n"
	"    if(!d)return;\n"
	"    if(sel)sel.classList.remove('sel');\n"
	"    d.open=true;d.classList.add('sel');sel=d;\n"
	"    d.scrollIntoView({block:'nearest'});\n"
	"  }\n"
	"  var gs=document.querySelectorAll('svg g.msg');\n"
	"  for(var k=0;k<gs.length;k++){\n"
	"    gs[k].addEventListener('click',function(){show(this.getAttribute('data-i'));});\n"
	"  }\n"
	"  var m=/^#m(\\d+)$/.exec(location.hash);\n"
	"  if(m)show(m[1]);\n"
	"})();\n";

static void html_message(FILE *f, const struct model *md, size_t i)
{
	const struct sip_ladder_entry *e = &md->e[i];
	char tm[24];

	fmt_rel(tm, sizeof(tm), md->rows[i].rel_us);
	fprintf(f, "<details id=\"raw%zu\"><summary>#%zu +%s %s ", i, i, tm,
		e->sent ? "send" : "recv");
	xml_str(f, e->transport);
	fputc(' ', f);
	xml_str(f, e->local);
	fputs(e->sent ? " &#8594; " : " &#8592; ", f);
	xml_str(f, e->peer);
	fputs(": ", f);
	xml_str(f, md->rows[i].label);
	fprintf(f, " (%zu bytes)</summary><pre>", e->len);
	xml_text(f, e->sip ? e->sip : "", e->sip ? e->len : 0);
	fputs("</pre></details>\n", f);
}

int sip_ladder_html(FILE *f, const struct sip_ladder_entry *e, size_t n,
		    const struct sip_ladder_opts *o)
{
	struct model md;
	char sum[160];
	int err = model_build(&md, e, n, o);

	if (err)
		return err;
	summary(&md, sum, sizeof(sum));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>sipd ladder", f);
	if (md.title) {
		fputs(": ", f);
		xml_str(f, md.title);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", html_style);
	xml_str(f, md.title ? md.title : "sipd ladder");
	fputs("</h1>\n<p>", f);
	xml_str(f, sum);
	fputs(". Click an arrow to see its message.</p>\n", f);
	svg_body(f, &md);
	fputs("<h2>Messages</h2>\n", f);
	for (size_t i = 0; i < md.n; i++)
		html_message(f, &md, i);
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", html_script);
	model_free(&md);
	return ferror(f) ? EIO : 0;
}
