/*
 * msg.c - decoding a SIP message (RFC 3261 §7): start line, header index,
 * body by Content-Length (§18.3, §20.14), and cached typed access.
 *
 * Decoding touches every byte once: it finds the lines, names and values
 * of the headers and the body, and nothing more. Typed parsing happens in
 * the per-header modules, on first use, through sip_msg_typed().
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/uri.h"
#include "sip.h"

struct line {
	const char *p;
	size_t len;    /* without the line end */
	size_t next;   /* offset of the following line */
};

/* Next line starting at @p off: ends at LF (CR before it dropped). Returns
 * false when no LF is left. */
static bool next_line(const char *p, size_t len, size_t off, struct line *l)
{
	const char *lf = memchr(p + off, '\n', len - off);
	size_t end;

	if (!lf)
		return false;
	end = (size_t)(lf - p);
	l->p = p + off;
	l->next = end + 1;
	if (end > off && p[end - 1] == '\r')
		end--;
	l->len = end - off;
	return true;
}

/* Offset just past the empty line ending the header section, or 0; the
 * number of lines before it goes to @p nlines (an upper bound of the
 * header count, folds included). */
static size_t head_end(const char *p, size_t len, size_t start, size_t *nlines)
{
	struct line l = { NULL, 0, 0 };
	size_t off = start, n = 0;

	while (next_line(p, len, off, &l)) {
		if (l.len == 0) {
			*nlines = n;
			return l.next;
		}
		n++;
		off = l.next;
	}
	return 0;
}

static size_t skip_crlf(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

void sip_msg_set_err(struct sip_msg *m, enum sip_hdr_id id, const char *reason)
{
	if (m->err)
		return;
	m->err = reason;
	m->err_hdr = id;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2). */
static void parse_status_line(struct sip_msg *m, struct sip_pl l)
{
	const char *sp = memchr(l.p, ' ', l.len);
	size_t i, n;

	m->req = false;
	if (!sp) {
		sip_msg_set_err(m, SIP_HDR_OTHER, "Malformed status line");
		return;
	}
	m->version = (struct sip_pl){ l.p, (size_t)(sp - l.p) };
	i = (size_t)(sp - l.p) + 1;
	for (n = 0; i + n < l.len && is_digit(l.p[i + n]); n++)
		;
	if (n != 3 || l.p[i] == '0' || (i + n < l.len && l.p[i + n] != ' ')) {
		sip_msg_set_err(m, SIP_HDR_OTHER, "Bad status code");
		return;
	}
	m->scode = (uint16_t)((l.p[i] - '0') * 100 + (l.p[i + 1] - '0') * 10 +
			      (l.p[i + 2] - '0'));
	if (m->scode < 100 || m->scode > 699)
		sip_msg_set_err(m, SIP_HDR_OTHER, "Bad status code");
	i += n;
	if (i < l.len)
		i++;
	m->reason = (struct sip_pl){ l.p + i, l.len - i };
}

/* Request-Line = Method SP Request-URI SP SIP-Version (§7.1): exactly one
 * SP between the elements, none around them (RFC 4475 lwsstart, trws). */
static void parse_request_line(struct sip_msg *m, struct sip_pl l)
{
	struct sip_pl c = l;
	const char *sp1, *sp2;

	m->req = true;
	sp1 = memchr(l.p, ' ', l.len);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', l.len - (size_t)(sp1 + 1 - l.p)) : NULL;
	if (!sp1 || !sp2 || memchr(sp2 + 1, ' ', l.len - (size_t)(sp2 + 1 - l.p)) ||
	    sp2 == sp1 + 1 || sp1 == l.p || sp2 + 1 == l.p + l.len) {
		sip_msg_set_err(m, SIP_HDR_OTHER, "Malformed request line");
	}
	if (!sp1)
		return;
	m->method = (struct sip_pl){ l.p, (size_t)(sp1 - l.p) };
	if (sip_scan_token(&c, &m->method) || m->method.len != (size_t)(sp1 - l.p))
		sip_msg_set_err(m, SIP_HDR_OTHER, "Bad method");
	m->method = (struct sip_pl){ l.p, (size_t)(sp1 - l.p) };
	m->mid = sip_method_lookup(m->method);
	if (!sp2)
		return;
	m->ruri = (struct sip_pl){ sp1 + 1, (size_t)(sp2 - sp1 - 1) };
	m->version = (struct sip_pl){ sp2 + 1, l.len - (size_t)(sp2 + 1 - l.p) };
}

static void parse_start_line(struct sip_msg *m, struct sip_pl l)
{
	if (l.len >= 4 && memcmp(l.p, "SIP/", 4) == 0)
		parse_status_line(m, l);
	else
		parse_request_line(m, l);
	if (m->version.len && !sip_pl_caseeqs(m->version, "SIP/2.0") && !m->err) {
		sip_msg_set_err(m, SIP_HDR_OTHER, "Version Not Supported");
		m->priv->bad_version = true;
	}
}

/* One header line "name HCOLON value" (§7.3.1) with its folds. */
static int add_header(struct sip_msg *m, struct sip_pl l)
{
	struct sip_msg_priv *pv = m->priv;
	struct sip_pl c = l, name;
	struct sip_hdr *h;

	if (m->nhdrs >= SIP_MSG_MAX_HDRS)
		return E2BIG;
	if (l.len > SIP_MSG_MAX_LINE)
		return E2BIG;
	if (sip_scan_token(&c, &name) || sip_scan_char(&c, ':')) {
		sip_msg_set_err(m, SIP_HDR_OTHER, "Malformed header line");
		return 0;
	}
	h = &m->hdrs[m->nhdrs++];
	h->name = name;
	h->id = sip_hdr_lookup(name);
	h->value = sip_pl_trim(c);
	h->next = NULL;
	if (h->id != SIP_HDR_OTHER) {
		/* chains are short (a few Via or Route lines): walk to the end
		 * rather than zero a "last" table for every message */
		struct sip_hdr **pp = &pv->first[h->id];

		while (*pp)
			pp = &(*pp)->next;
		*pp = h;
	}
	return 0;
}

static int index_headers(struct sip_msg *m, const char *p, size_t off, size_t end,
			 size_t n)
{
	struct line l = { NULL, 0, 0 };
	int err;

	if (n > SIP_MSG_MAX_HDRS + 1)
		return E2BIG;
	m->hdrs = sip_arena_alloc(m->priv->arena, n * sizeof(*m->hdrs));
	if (!m->hdrs)
		return ENOMEM;
	while (off < end && next_line(p, end, off, &l) && l.len) {
		size_t start = off;

		off = l.next;
		/* folded continuation lines belong to this header (§7.3.1) */
		while (off < end && (p[off] == ' ' || p[off] == '\t') &&
		       next_line(p, end, off, &l))
			off = l.next;
		if (p[start] == ' ' || p[start] == '\t') {
			sip_msg_set_err(m, SIP_HDR_OTHER, "Malformed header line");
			continue;
		}
		err = add_header(m, sip_pl_trim((struct sip_pl){ p + start, off - start }));
		if (err)
			return err;
	}
	return 0;
}

/* Content-Length and the body (§18.3, §20.14). Datagrams: the body is what
 * Content-Length says, extra octets are dropped (RFC 4475 dblreq), missing
 * Content-Length means "the rest". Streams: Content-Length is mandatory. */
static int find_body(struct sip_msg *m, const char *p, size_t hend, size_t len,
		     unsigned flags)
{
	const struct sip_hdr *cl = m->priv->first[SIP_HDR_CONTENT_LENGTH];
	uint32_t n = 0;

	if (!cl) {
		if (flags & SIP_DECODE_STREAM)
			sip_msg_set_err(m, SIP_HDR_CONTENT_LENGTH, "Missing Content-Length header");
		m->body = (struct sip_pl){ p + hend, len - hend };
		return 0;
	}
	if (sip_pl_u32(cl->value, UINT32_MAX, &n) ||
	    (cl->next && !sip_pl_eq(cl->value, cl->next->value))) {
		sip_msg_set_err(m, SIP_HDR_CONTENT_LENGTH, "Bad Content-Length header");
		m->body = (struct sip_pl){ p + hend, len - hend };
		return 0;
	}
	if (n > len - hend) {
		sip_msg_set_err(m, SIP_HDR_CONTENT_LENGTH, "Content-Length larger than message");
		m->body = (struct sip_pl){ p + hend, len - hend };
		return 0;
	}
	m->body = (struct sip_pl){ p + hend, n };
	m->trailing = len - hend - n;
	return 0;
}

static struct sip_msg *msg_new(size_t len, bool copy)
{
	struct sip_arena *a = sip_arena_new(2048 + (copy ? len : 0));
	struct sip_msg *m;

	if (!a)
		return NULL;
	m = sip_arena_zalloc(a, sizeof(*m));
	if (!m || !(m->priv = sip_arena_zalloc(a, sizeof(*m->priv)))) {
		sip_arena_free(a);
		return NULL;
	}
	m->priv->arena = a;
	return m;
}

static int fail(const char **reason, const char *why, int err)
{
	if (reason)
		*reason = why;
	return err;
}

int sip_msg_decode(struct sip_msg **mp, const char *p, size_t len,
		   void *owner, unsigned flags, const char **reason)
{
	struct sip_msg *m;
	size_t start, hend, nlines = 0;
	struct line sl = { NULL, 0, 0 };
	int err;

	if (len > SIP_MSG_MAX_SIZE)
		return fail(reason, "Message too large", E2BIG);
	/* §7.5: CRLFs before the start line are ignored */
	start = skip_crlf(p, len);
	hend = head_end(p, len, start, &nlines);
	if (!hend)
		return fail(reason, "Incomplete header section", EBADMSG);
	if (hend - start > SIP_MSG_MAX_HEAD)
		return fail(reason, "Header section too large", E2BIG);
	m = msg_new(len, owner == NULL);
	if (!m)
		return fail(reason, "Out of memory", ENOMEM);
	if (owner) {
		m->priv->owner = sip_mem_ref(owner);
	} else {
		char *copy = sip_arena_alloc(m->priv->arena, len ? len : 1);

		if (!copy) {
			sip_msg_free(m);
			return fail(reason, "Out of memory", ENOMEM);
		}
		memcpy(copy, p, len);
		p = copy;
	}
	next_line(p, len, start, &sl);
	parse_start_line(m, (struct sip_pl){ sl.p, sl.len });
	err = index_headers(m, p, sl.next, hend, nlines);
	if (!err)
		err = find_body(m, p, hend, len, flags);
	if (err) {
		sip_msg_free(m);
		return fail(reason, err == E2BIG ? "Too many headers" : "Out of memory", err);
	}
	m->raw = (struct sip_pl){ p + start, (size_t)(m->body.p + m->body.len - (p + start)) };
	*mp = m;
	return 0;
}

void sip_msg_free(struct sip_msg *m)
{
	void *owner;

	if (!m)
		return;
	owner = m->priv->owner;
	sip_arena_free(m->priv->arena);
	sip_mem_deref(owner);
}

struct sip_arena *sip_msg_arena(struct sip_msg *m)
{
	return m->priv->arena;
}

const struct sip_hdr *sip_msg_hdr(const struct sip_msg *m, enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT)
		return NULL;
	return m->priv->first[id];
}

const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *m, const char *name)
{
	enum sip_hdr_id id = sip_hdr_lookup(sip_pl_str(name));

	if (id != SIP_HDR_OTHER)
		return m->priv->first[id];
	for (size_t i = 0; i < m->nhdrs; i++)
		if (sip_pl_caseeqs(m->hdrs[i].name, name))
			return &m->hdrs[i];
	return NULL;
}

size_t sip_msg_hdr_count(const struct sip_msg *m, enum sip_hdr_id id)
{
	size_t n = 0;

	for (const struct sip_hdr *h = sip_msg_hdr(m, id); h; h = h->next)
		n++;
	return n;
}

int sip_msg_typed(struct sip_msg *m, enum sip_hdr_id id, sip_typed_h *ph,
		  const void **out)
{
	struct sip_msg_priv *pv = m->priv;
	int err;

	if (pv->tstate[id] > 0) {
		*out = pv->typed[id];
		return 0;
	}
	if (pv->tstate[id] < 0)
		return EBADMSG;
	if (!pv->first[id])
		return ENOENT;
	err = ph(m, pv->first[id], &pv->typed[id]);
	if (err == EBADMSG)
		pv->tstate[id] = -1;
	if (err)
		return err;
	pv->tstate[id] = 1;
	*out = pv->typed[id];
	return 0;
}

int sip_msg_ruri(struct sip_msg *m, const struct sip_uri **up)
{
	struct sip_msg_priv *pv = m->priv;
	struct sip_uri *u;

	if (!m->req)
		return EPROTO;
	if (pv->ruri_state < 0)
		return EBADMSG;
	if (!pv->ruri) {
		u = sip_arena_zalloc(pv->arena, sizeof(*u));
		if (!u)
			return ENOMEM;
		/* §19.1.1: headers are not allowed in a Request-URI
		 * (RFC 4475 escruri) */
		if (!m->ruri.len || sip_uri_decode(u, m->ruri) ||
		    sip_pl_isset(&u->headers)) {
			pv->ruri_state = -1;
			sip_msg_set_err(m, SIP_HDR_OTHER, "Bad Request-URI");
			return EBADMSG;
		}
		pv->ruri = u;
	}
	*up = pv->ruri;
	return 0;
}

int sip_msg_frame(const char *p, size_t len, enum sip_frame_kind *kind,
		  size_t *lenp, const char **reason)
{
	size_t start = skip_crlf(p, len), hend, nlines = 0;
	struct line l = { NULL, 0, 0 };
	size_t off;
	uint32_t cl = 0;
	bool have_cl = false;

	if (start) {
		/* RFC 5626 §4.4.1: CRLF keep-alives between messages */
		*kind = SIP_FRAME_KEEPALIVE;
		*lenp = start;
		return 0;
	}
	hend = head_end(p, len, 0, &nlines);
	if (!hend)
		return len > SIP_MSG_MAX_HEAD ?
			fail(reason, "Header section too large", E2BIG) : ENODATA;
	if (hend > SIP_MSG_MAX_HEAD)
		return fail(reason, "Header section too large", E2BIG);
	/* find Content-Length (or "l") among the header lines */
	next_line(p, hend, 0, &l);
	for (off = l.next; next_line(p, hend, off, &l) && l.len; off = l.next) {
		struct sip_pl c = { l.p, l.len }, name;

		if (sip_scan_token(&c, &name) || sip_scan_char(&c, ':'))
			continue;
		if (sip_hdr_lookup(name) != SIP_HDR_CONTENT_LENGTH)
			continue;
		if (sip_pl_u32(sip_pl_trim(c), SIP_MSG_MAX_SIZE, &cl))
			return fail(reason, "Bad Content-Length header", EBADMSG);
		have_cl = true;
	}
	if (!have_cl)
		return fail(reason, "Missing Content-Length header", EBADMSG);
	if (hend + cl > SIP_MSG_MAX_SIZE)
		return fail(reason, "Message too large", E2BIG);
	if (len < hend + cl)
		return ENODATA;
	*kind = SIP_FRAME_MSG;
	*lenp = hend + cl;
	return 0;
}
