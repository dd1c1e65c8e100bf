/*
 * ctype.c - Content-Type (RFC 3261 §20.15), Content-Disposition (§20.11)
 * and multipart bodies (RFC 2046 §5.1.1):
 *
 *   media-type     = m-type SLASH m-subtype *(SEMI m-parameter)
 *   m-parameter    = m-attribute EQUAL m-value      (token / quoted-string)
 *   Content-Disposition = disp-type *( SEMI disp-param )
 *   multipart-body = [preamble CRLF] dash-boundary transport-padding CRLF
 *                    body-part *encapsulation close-delimiter
 *                    transport-padding [CRLF epilogue]
 *   delimiter      = CRLF dash-boundary,  dash-boundary = "--" boundary
 *
 * Bodies are split in place: parts are slices of the message body.
 * A bare LF is accepted where CRLF is expected (hand-written test bodies,
 * some UAs), which cannot make a valid body ambiguous.
 */
#include <errno.h>
#include <string.h>

#include "sip/ctype.h"
#include "sip/hdr.h"
#include "sip/mem.h"
#include "sip/param.h"
#include "sip.h"
#include "typed.h"

/* ---- Content-Type ---- */

/* Every m-parameter has a value; pick out boundary and charset. */
static int ctype_params(struct sip_ctype *ct)
{
	struct sip_pl c = ct->params;
	struct sip_param p;
	int err;

	while ((err = sip_param_next(&c, &p)) == 0) {
		if (!sip_pl_isset(&p.value))
			return EBADMSG;
		if (sip_pl_caseeqs(p.name, "boundary") && !sip_pl_isset(&ct->boundary))
			ct->boundary = p.value;
		else if (sip_pl_caseeqs(p.name, "charset") && !sip_pl_isset(&ct->charset))
			ct->charset = p.value;
	}
	return err == ENOENT ? 0 : EBADMSG;
}

int sip_ctype_decode(struct sip_ctype *ct, struct sip_pl text)
{
	struct sip_ctype v = { 0 };
	struct sip_pl c = sip_pl_trim(text);

	v.raw = text;
	/* SLASH = SWS "/" SWS */
	if (sip_scan_token(&c, &v.type) || sip_scan_char(&c, '/'))
		return EBADMSG;
	sip_scan_lws(&c);
	if (sip_scan_token(&c, &v.subtype) || sip_typed_params(c, &v.params))
		return EBADMSG;
	if (ctype_params(&v))
		return EBADMSG;
	*ct = v;
	return 0;
}

bool sip_ctype_is(const struct sip_ctype *ct, const char *type, const char *subtype)
{
	if (!ct || !sip_pl_caseeqs(ct->type, type))
		return false;
	return strcmp(subtype, "*") == 0 || sip_pl_caseeqs(ct->subtype, subtype);
}

void sip_ctype_print(struct sip_buf *b, const struct sip_ctype *ct)
{
	static const char *const skip[] = { "boundary", "charset", NULL };

	sip_buf_pl(b, ct->type);
	sip_buf_putc(b, '/');
	sip_buf_pl(b, ct->subtype);
	if (sip_pl_isset(&ct->boundary)) {
		sip_buf_puts(b, ";boundary=");
		sip_typed_value_print(b, ct->boundary, false);
	}
	if (sip_pl_isset(&ct->charset)) {
		sip_buf_puts(b, ";charset=");
		sip_typed_value_print(b, ct->charset, false);
	}
	sip_typed_params_print(b, ct->params, skip);
}

/* ---- Content-Disposition ---- */

int sip_cdisp_decode(struct sip_cdisp *cd, struct sip_pl text)
{
	struct sip_cdisp v = { 0 };
	struct sip_pl c = sip_pl_trim(text);
	struct sip_param p;

	v.raw = text;
	if (sip_scan_token(&c, &v.type) || sip_typed_params(c, &v.params))
		return EBADMSG;
	if (sip_param_get(v.params, "handling", &p) == 0) {
		/* handling-param = "handling" EQUAL ("optional" / "required" / token) */
		if (p.quoted || !sip_typed_is_token(p.value))
			return EBADMSG;
		v.handling = p.value;
		if (sip_pl_caseeqs(p.value, "optional"))
			v.handling_id = SIP_HANDLING_OPTIONAL;
		else if (!sip_pl_caseeqs(p.value, "required"))
			v.handling_id = SIP_HANDLING_OTHER;
	}
	*cd = v;
	return 0;
}

void sip_cdisp_print(struct sip_buf *b, const struct sip_cdisp *cd)
{
	static const char *const skip[] = { "handling", NULL };

	sip_buf_pl(b, cd->type);
	if (sip_pl_isset(&cd->handling)) {
		sip_buf_puts(b, ";handling=");
		sip_buf_pl(b, cd->handling);
	} else if (cd->handling_id == SIP_HANDLING_OPTIONAL) {
		sip_buf_puts(b, ";handling=optional");
	}
	sip_typed_params_print(b, cd->params, skip);
}

/* ---- message getters ---- */

static int parse_ctype(struct sip_msg *m, const struct sip_hdr *first,
		       const void **out)
{
	struct sip_ctype *ct = sip_arena_alloc(sip_msg_arena(m), sizeof(*ct));

	if (!ct)
		return ENOMEM;
	if (first->next || sip_ctype_decode(ct, first->value)) {
		sip_msg_set_err(m, SIP_HDR_CONTENT_TYPE, "Bad Content-Type header");
		return EBADMSG;
	}
	*out = ct;
	return 0;
}

static int parse_cdisp(struct sip_msg *m, const struct sip_hdr *first,
		       const void **out)
{
	struct sip_cdisp *cd = sip_arena_alloc(sip_msg_arena(m), sizeof(*cd));

	if (!cd)
		return ENOMEM;
	if (first->next || sip_cdisp_decode(cd, first->value)) {
		sip_msg_set_err(m, SIP_HDR_CONTENT_DISPOSITION,
				"Bad Content-Disposition header");
		return EBADMSG;
	}
	*out = cd;
	return 0;
}

int sip_msg_ctype(struct sip_msg *m, const struct sip_ctype **ctp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_CONTENT_TYPE, parse_ctype, &v);

	if (err)
		return err;
	*ctp = v;
	return 0;
}

int sip_msg_cdisp(struct sip_msg *m, const struct sip_cdisp **cdp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_CONTENT_DISPOSITION, parse_cdisp, &v);

	if (err)
		return err;
	*cdp = v;
	return 0;
}

/* ---- multipart ---- */

/* bchars (RFC 2046 §5.1.1), and the boundary may not end with a space. */
static bool boundary_ok(struct sip_pl bnd)
{
	static const char extra[] = "'()+_,-./:=? ";

	if (!bnd.len || bnd.len > SIP_MULTIPART_MAX_BOUNDARY ||
	    bnd.p[bnd.len - 1] == ' ')
		return false;
	for (size_t i = 0; i < bnd.len; i++) {
		char ch = bnd.p[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z') || (ch && strchr(extra, ch))))
			return false;
	}
	return true;
}

struct delim {
	size_t cend;    /* end of the content before it (its CRLF excluded) */
	size_t after;   /* first byte after the delimiter line */
	bool close;     /* "--boundary--" */
};

/* After "--boundary" at @p j: "--" (close), or transport padding then a
 * line end or the end of the body. False when the line goes on, i.e. the
 * boundary was only the prefix of some other text. */
static bool delim_tail(struct sip_pl body, size_t j, struct delim *d)
{
	if (j + 2 <= body.len && body.p[j] == '-' && body.p[j + 1] == '-') {
		d->close = true;
		d->after = body.len;
		return true;
	}
	while (j < body.len && (body.p[j] == ' ' || body.p[j] == '\t'))
		j++;
	d->close = false;
	if (j == body.len)
		d->after = j;
	else if (body.p[j] == '\n')
		d->after = j + 1;
	else if (body.p[j] == '\r' && j + 1 < body.len && body.p[j + 1] == '\n')
		d->after = j + 2;
	else
		return false;
	return true;
}

static bool delim_at(struct sip_pl body, struct sip_pl bnd, size_t i)
{
	return body.len - i >= bnd.len + 2 && body.p[i] == '-' &&
	       body.p[i + 1] == '-' && memcmp(body.p + i + 2, bnd.p, bnd.len) == 0;
}

/* Next delimiter line at a line start at or after @p from. */
static bool next_delim(struct sip_pl body, struct sip_pl bnd, size_t from,
		       struct delim *d)
{
	size_t i = from;

	if (i && body.p[i - 1] != '\n') {
		const char *lf = memchr(body.p + i, '\n', body.len - i);

		if (!lf)
			return false;
		i = (size_t)(lf - body.p) + 1;
	}
	while (i < body.len) {
		const char *lf;

		if (delim_at(body, bnd, i) && delim_tail(body, i + 2 + bnd.len, d)) {
			/* the line end before the delimiter belongs to it */
			d->cend = i;
			if (d->cend > from && body.p[d->cend - 1] == '\n')
				d->cend--;
			if (d->cend > from && body.p[d->cend - 1] == '\r')
				d->cend--;
			return true;
		}
		lf = memchr(body.p + i, '\n', body.len - i);
		if (!lf)
			break;
		i = (size_t)(lf - body.p) + 1;
	}
	return false;
}

/* Split @p raw into header lines and body at the first empty line. */
static void split_part(struct sip_pl raw, struct sip_pl *hdrs, struct sip_pl *body)
{
	size_t pos = 0;

	while (pos < raw.len) {
		const char *lf = memchr(raw.p + pos, '\n', raw.len - pos);
		size_t end = lf ? (size_t)(lf - raw.p) : raw.len;
		size_t content = end > pos && raw.p[end - 1] == '\r' ? end - 1 : end;

		if (lf && content == pos) {
			/* empty line: headers end before it, minus their line end */
			size_t hend = pos;

			if (hend && raw.p[hend - 1] == '\n')
				hend--;
			if (hend && raw.p[hend - 1] == '\r')
				hend--;
			*hdrs = (struct sip_pl){ raw.p, hend };
			*body = (struct sip_pl){ lf + 1, raw.len - (end + 1) };
			return;
		}
		if (!lf)
			break;
		pos = end + 1;
	}
	/* headers only (the grammar makes the body optional) */
	*hdrs = raw;
	*body = (struct sip_pl){ raw.p + raw.len, 0 };
}

/* Next header of a part's header block: name and trimmed value. */
static int next_hdr(struct sip_pl *cur, struct sip_pl *name, struct sip_pl *value)
{
	struct sip_pl c = *cur, line;
	size_t end = 0;

	if (!c.len)
		return ENOENT;
	for (;;) {
		const char *lf = memchr(c.p + end, '\n', c.len - end);

		end = lf ? (size_t)(lf - c.p) + 1 : c.len;
		/* a line starting with SP/HTAB continues the header (fold) */
		if (!lf || end >= c.len || (c.p[end] != ' ' && c.p[end] != '\t'))
			break;
	}
	line = (struct sip_pl){ c.p, end };
	if (sip_scan_token(&line, name) || sip_scan_char(&line, ':'))
		return EBADMSG;
	*value = sip_pl_trim(line);
	cur->p += end;
	cur->len -= end;
	return 0;
}

static int part_header(struct sip_bodypart *bp, struct sip_pl name,
		       struct sip_pl value)
{
	switch (sip_hdr_lookup(name)) {
	case SIP_HDR_CONTENT_TYPE:
		if (bp->has_ctype || sip_ctype_decode(&bp->ctype, value))
			return EBADMSG;
		bp->has_ctype = true;
		break;
	case SIP_HDR_CONTENT_DISPOSITION:
		if (bp->has_cdisp || sip_cdisp_decode(&bp->cdisp, value))
			return EBADMSG;
		bp->has_cdisp = true;
		break;
	default:
		break;
	}
	return 0;
}

static int part_decode(struct sip_bodypart *bp, struct sip_pl raw)
{
	struct sip_pl c, name, value;
	int err;

	memset(bp, 0, sizeof(*bp));
	bp->raw = raw;
	split_part(raw, &bp->headers, &bp->body);
	c = bp->headers;
	while ((err = next_hdr(&c, &name, &value)) == 0)
		if (part_header(bp, name, value))
			return EBADMSG;
	return err == ENOENT ? 0 : EBADMSG;
}

static int split_parts(struct sip_arena *a, struct sip_pl body, struct sip_pl bnd,
		       struct sip_bodypart **first)
{
	struct sip_bodypart *head = NULL, **tail = &head, *bp;
	struct delim d;
	size_t pos, n = 0;

	/* the preamble ends at the first delimiter, which opens a part */
	if (!next_delim(body, bnd, 0, &d) || d.close)
		return EBADMSG;
	pos = d.after;
	do {
		if (!next_delim(body, bnd, pos, &d))
			return EBADMSG;   /* no close delimiter */
		if (n++ == SIP_MULTIPART_MAX_PARTS)
			return E2BIG;
		bp = sip_arena_alloc(a, sizeof(*bp));
		if (!bp)
			return ENOMEM;
		if (part_decode(bp, (struct sip_pl){ body.p + pos, d.cend - pos }))
			return EBADMSG;
		*tail = bp;
		tail = &bp->next;
		pos = d.after;
	} while (!d.close);
	*first = head;
	return 0;
}

int sip_body_multipart(struct sip_arena *a, const struct sip_ctype *ct,
		       struct sip_pl body, struct sip_bodypart **first)
{
	if (!sip_ctype_is(ct, "multipart", "*"))
		return EINVAL;
	if (!boundary_ok(ct->boundary))
		return EBADMSG;
	return split_parts(a, body, ct->boundary, first);
}

int sip_bodypart_hdr(const struct sip_bodypart *bp, const char *name,
		     struct sip_pl *value)
{
	struct sip_pl c = bp->headers, n, v;

	while (next_hdr(&c, &n, &v) == 0) {
		if (sip_pl_caseeqs(n, name)) {
			*value = v;
			return 0;
		}
	}
	return ENOENT;
}

void sip_body_multipart_print(struct sip_buf *b, struct sip_pl boundary,
			      const struct sip_bodypart *first)
{
	for (const struct sip_bodypart *bp = first; bp; bp = bp->next) {
		sip_buf_puts(b, "--");
		sip_buf_pl(b, boundary);
		sip_buf_puts(b, "\r\n");
		if (bp->headers.len) {
			sip_buf_pl(b, bp->headers);
			sip_buf_puts(b, "\r\n");
		}
		sip_buf_puts(b, "\r\n");
		sip_buf_pl(b, bp->body);
		sip_buf_puts(b, "\r\n");
	}
	sip_buf_puts(b, "--");
	sip_buf_pl(b, boundary);
	sip_buf_puts(b, "--\r\n");
}
