/*
 * session.c - RSeq, RAck (RFC 3262 §7.1-§7.2), Session-Expires, Min-SE
 * (RFC 4028 §4-§5), Replaces (RFC 3891 §6.1), Reason (RFC 3326 §2),
 * Privacy (RFC 3323 §4.2), Retry-After (RFC 3261 §20.33) and Warning
 * (§20.43). Date and Timestamp, declared in the same header, are in
 * date.c.
 *
 *   RSeq            = "RSeq" HCOLON response-num
 *   RAck            = "RAck" HCOLON response-num LWS CSeq-num LWS Method
 *   Session-Expires = ("Session-Expires" / "x") HCOLON delta-seconds
 *                     *(SEMI (("refresher" EQUAL ("uas" / "uac")) / generic-param))
 *   Min-SE          = "Min-SE" HCOLON delta-seconds *(SEMI generic-param)
 *   Replaces        = "Replaces" HCOLON callid *(SEMI replaces-param)
 *   Reason          = "Reason" HCOLON reason-value *(COMMA reason-value)
 *   Privacy-hdr     = "Privacy" HCOLON priv-value *(";" priv-value)
 *   Retry-After     = "Retry-After" HCOLON delta-seconds [ comment ]
 *                     *( SEMI retry-param )
 *   Warning         = "Warning" HCOLON warning-value *(COMMA warning-value)
 *   warning-value   = warn-code SP warn-agent SP warn-text
 */
#include <errno.h>

#include "sip/mem.h"
#include "sip/param.h"
#include "sip/session.h"
#include "sip.h"
#include "typed.h"

static const char *const bad[SIP_HDR__COUNT] = {
	[SIP_HDR_RSEQ] = "Bad RSeq header",
	[SIP_HDR_RACK] = "Bad RAck header",
	[SIP_HDR_SESSION_EXPIRES] = "Bad Session-Expires header",
	[SIP_HDR_MIN_SE] = "Bad Min-SE header",
	[SIP_HDR_REPLACES] = "Bad Replaces header",
	[SIP_HDR_REASON] = "Bad Reason header",
	[SIP_HDR_PRIVACY] = "Bad Privacy header",
	[SIP_HDR_RETRY_AFTER] = "Bad Retry-After header",
	[SIP_HDR_WARNING] = "Bad Warning header",
};

/* Decoder of one value into the object at @p out. */
typedef int (decode_h)(void *out, struct sip_pl text);

/* A single-valued header: one line, decoded by @p dh into a new object
 * of @p size bytes. */
static int single(struct sip_msg *m, const struct sip_hdr *first, size_t size,
		  decode_h *dh, const void **out)
{
	void *v = sip_arena_alloc(sip_msg_arena(m), size);

	if (!v)
		return ENOMEM;
	if (first->next || dh(v, first->value)) {
		sip_msg_set_err(m, first->id, bad[first->id]);
		return EBADMSG;
	}
	*out = v;
	return 0;
}

/* ---- RSeq, RAck ---- */

/* response-num = 1*DIGIT, 1 to 2^32-1 (RFC 3262 §7.1) */
static int decode_rseq(void *out, struct sip_pl text)
{
	uint32_t n;

	if (sip_pl_u32(text, UINT32_MAX, &n) || n == 0)
		return EBADMSG;
	*(uint32_t *)out = n;
	return 0;
}

int sip_rack_decode(struct sip_rack *r, struct sip_pl text)
{
	struct sip_pl c = sip_pl_trim(text), method;
	uint32_t rseq, cseq;

	if (sip_scan_u32(&c, UINT32_MAX, &rseq) || rseq == 0 || !sip_scan_lws(&c))
		return EBADMSG;
	if (sip_scan_u32(&c, 0x7fffffff, &cseq) || !sip_scan_lws(&c))
		return EBADMSG;
	if (sip_scan_token(&c, &method) || !sip_scan_end(&c))
		return EBADMSG;
	r->rseq = rseq;
	r->cseq = cseq;
	r->method = method;
	r->mid = sip_method_lookup(method);
	return 0;
}

static int decode_rack(void *out, struct sip_pl text)
{
	return sip_rack_decode(out, text);
}

static int parse_rseq(struct sip_msg *m, const struct sip_hdr *first, const void **out)
{
	return single(m, first, sizeof(uint32_t), decode_rseq, out);
}

static int parse_rack(struct sip_msg *m, const struct sip_hdr *first, const void **out)
{
	return single(m, first, sizeof(struct sip_rack), decode_rack, out);
}

int sip_msg_rseq(struct sip_msg *m, uint32_t *rseq)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_RSEQ, parse_rseq, &v);

	if (err)
		return err;
	*rseq = *(const uint32_t *)v;
	return 0;
}

int sip_msg_rack(struct sip_msg *m, const struct sip_rack **rp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_RACK, parse_rack, &v);

	if (err)
		return err;
	*rp = v;
	return 0;
}

void sip_rack_print(struct sip_buf *b, const struct sip_rack *r)
{
	sip_buf_printf(b, "%u %u ", (unsigned)r->rseq, (unsigned)r->cseq);
	sip_buf_pl(b, r->method);
}

/* ---- Session-Expires, Min-SE ---- */

/* delta-seconds then the parameters: @p params gets them. */
static int delta_params(struct sip_pl text, uint32_t *secs, struct sip_pl *params)
{
	struct sip_pl c = sip_pl_trim(text);

	if (sip_scan_u32(&c, UINT32_MAX, secs))
		return EBADMSG;
	return sip_typed_params(c, params);
}

int sip_session_expires_decode(struct sip_session_expires *se, struct sip_pl text)
{
	struct sip_session_expires v = { 0 };
	struct sip_param p;

	if (delta_params(text, &v.secs, &v.params))
		return EBADMSG;
	if (sip_param_get(v.params, "refresher", &p) == 0) {
		if (p.quoted)
			return EBADMSG;
		if (sip_pl_caseeqs(p.value, "uac"))
			v.refresher = SIP_REFRESHER_UAC;
		else if (sip_pl_caseeqs(p.value, "uas"))
			v.refresher = SIP_REFRESHER_UAS;
		else
			return EBADMSG;
	}
	*se = v;
	return 0;
}

static int decode_se(void *out, struct sip_pl text)
{
	return sip_session_expires_decode(out, text);
}

static int decode_min_se(void *out, struct sip_pl text)
{
	struct sip_pl params;

	return delta_params(text, out, &params);
}

static int parse_se(struct sip_msg *m, const struct sip_hdr *first, const void **out)
{
	return single(m, first, sizeof(struct sip_session_expires),
				  decode_se, out);
}

static int parse_min_se(struct sip_msg *m, const struct sip_hdr *first, const void **out)
{
	return single(m, first, sizeof(uint32_t), decode_min_se, out);
}

int sip_msg_session_expires(struct sip_msg *m, const struct sip_session_expires **sp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_SESSION_EXPIRES, parse_se, &v);

	if (err)
		return err;
	*sp = v;
	return 0;
}

int sip_msg_min_se(struct sip_msg *m, uint32_t *secs)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_MIN_SE, parse_min_se, &v);

	if (err)
		return err;
	*secs = *(const uint32_t *)v;
	return 0;
}

void sip_session_expires_print(struct sip_buf *b, const struct sip_session_expires *se)
{
	static const char *const skip[] = { "refresher", NULL };

	sip_buf_u32(b, se->secs);
	if (se->refresher == SIP_REFRESHER_UAC)
		sip_buf_puts(b, ";refresher=uac");
	else if (se->refresher == SIP_REFRESHER_UAS)
		sip_buf_puts(b, ";refresher=uas");
	sip_typed_params_print(b, se->params, skip);
}

/* ---- Replaces ---- */

/* to-tag / from-tag: exactly once, with a token value. */
static int tag_param(struct sip_pl params, const char *name, struct sip_pl *tag)
{
	struct sip_param p;
	int n = 0;

	while (sip_param_next(&params, &p) == 0) {
		if (!sip_pl_caseeqs(p.name, name))
			continue;
		if (n++ || p.quoted || !sip_typed_is_token(p.value))
			return EBADMSG;
		*tag = p.value;
	}
	return n == 1 ? 0 : EBADMSG;
}

int sip_replaces_decode(struct sip_replaces *r, struct sip_pl text)
{
	struct sip_replaces v = { 0 };
	struct sip_pl c = sip_pl_trim(text);

	v.raw = text;
	if (sip_scan_callid(&c, &v.callid) || sip_typed_params(c, &v.params))
		return EBADMSG;
	if (tag_param(v.params, "to-tag", &v.to_tag) ||
	    tag_param(v.params, "from-tag", &v.from_tag))
		return EBADMSG;
	v.early_only = sip_param_exists(v.params, "early-only");
	*r = v;
	return 0;
}

static int decode_replaces(void *out, struct sip_pl text)
{
	return sip_replaces_decode(out, text);
}

static int parse_replaces(struct sip_msg *m, const struct sip_hdr *first, const void **out)
{
	return single(m, first, sizeof(struct sip_replaces),
				  decode_replaces, out);
}

int sip_msg_replaces(struct sip_msg *m, const struct sip_replaces **rp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_REPLACES, parse_replaces, &v);

	if (err)
		return err;
	*rp = v;
	return 0;
}

void sip_replaces_print(struct sip_buf *b, const struct sip_replaces *r)
{
	static const char *const skip[] = { "to-tag", "from-tag", "early-only", NULL };

	sip_buf_pl(b, r->callid);
	sip_buf_puts(b, ";to-tag=");
	sip_buf_pl(b, r->to_tag);
	sip_buf_puts(b, ";from-tag=");
	sip_buf_pl(b, r->from_tag);
	if (r->early_only)
		sip_buf_puts(b, ";early-only");
	sip_typed_params_print(b, r->params, skip);
}

/* ---- Reason ---- */

int sip_reason_decode(struct sip_reason *r, struct sip_pl text)
{
	struct sip_reason v = { 0 };
	struct sip_pl c = sip_pl_trim(text);
	struct sip_param p;

	v.raw = text;
	if (sip_scan_token(&c, &v.protocol) || sip_typed_params(c, &v.params))
		return EBADMSG;
	/* protocol-cause = "cause" EQUAL cause, cause = 1*DIGIT */
	if (sip_param_get(v.params, "cause", &p) == 0) {
		if (p.quoted || sip_typed_delta(p.value, &v.cause))
			return EBADMSG;
		v.has_cause = true;
	}
	/* reason-text = "text" EQUAL quoted-string (a token is tolerated) */
	if (sip_param_get(v.params, "text", &p) == 0) {
		if (!sip_pl_isset(&p.value))
			return EBADMSG;
		v.text = p.value;
	}
	*r = v;
	return 0;
}

static int parse_reasons(struct sip_msg *m, const struct sip_hdr *first,
			 const void **out)
{
	struct sip_reason *head = NULL, **tail = &head, *r;
	struct sip_pl c, item;
	int err;

	for (const struct sip_hdr *h = first; h; h = h->next) {
		c = h->value;
		while ((err = sip_scan_list_next(&c, &item)) == 0) {
			r = sip_arena_alloc(sip_msg_arena(m), sizeof(*r));
			if (!r)
				return ENOMEM;
			if (sip_reason_decode(r, item)) {
				err = EBADMSG;
				break;
			}
			*tail = r;
			tail = &r->next;
		}
		if (err != ENOENT) {
			sip_msg_set_err(m, SIP_HDR_REASON, bad[SIP_HDR_REASON]);
			return EBADMSG;
		}
	}
	*out = head;
	return 0;
}

int sip_msg_reason_hdr(struct sip_msg *m, const struct sip_reason **first)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_REASON, parse_reasons, &v);

	if (err)
		return err;
	*first = v;
	return 0;
}

void sip_reason_print(struct sip_buf *b, const struct sip_reason *r)
{
	static const char *const skip[] = { "cause", "text", NULL };

	sip_buf_pl(b, r->protocol);
	if (r->has_cause)
		sip_buf_printf(b, ";cause=%u", (unsigned)r->cause);
	if (sip_pl_isset(&r->text)) {
		sip_buf_puts(b, ";text=");
		sip_typed_value_print(b, r->text, true);
	}
	sip_typed_params_print(b, r->params, skip);
}

/* ---- Privacy ---- */

static const char *const priv_names[] = {
	"header", "session", "user", "none", "critical", "id", "history",
};

static unsigned priv_flag(struct sip_pl v)
{
	for (unsigned i = 0; i < sizeof(priv_names) / sizeof(priv_names[0]); i++)
		if (sip_pl_caseeqs(v, priv_names[i]))
			return 1u << i;
	return SIP_PRIV_OTHER;
}

/* Next priv-value of @p *c: 0, ENOENT at the end, EBADMSG. */
static int next_priv(struct sip_pl *c, struct sip_pl *v, bool first)
{
	if (sip_scan_end(c))
		return ENOENT;
	if (!first && sip_scan_char(c, ';'))
		return EBADMSG;
	sip_scan_lws(c);
	return sip_scan_token(c, v);
}

int sip_privacy_decode(struct sip_privacy *p, struct sip_pl text)
{
	struct sip_pl c = sip_pl_trim(text), v;
	unsigned flags = 0;
	int err;

	while ((err = next_priv(&c, &v, flags == 0)) == 0)
		flags |= priv_flag(v);
	if (err != ENOENT || !flags)
		return EBADMSG;
	p->raw = sip_pl_trim(text);
	p->flags = flags;
	return 0;
}

static int decode_privacy(void *out, struct sip_pl text)
{
	return sip_privacy_decode(out, text);
}

static int parse_privacy(struct sip_msg *m, const struct sip_hdr *first, const void **out)
{
	return single(m, first, sizeof(struct sip_privacy),
				  decode_privacy, out);
}

int sip_msg_privacy(struct sip_msg *m, const struct sip_privacy **pp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_PRIVACY, parse_privacy, &v);

	if (err)
		return err;
	*pp = v;
	return 0;
}

bool sip_privacy_has(const struct sip_privacy *p, const char *value)
{
	struct sip_pl c = p->raw, v;
	bool first = true;

	while (next_priv(&c, &v, first) == 0) {
		if (sip_pl_caseeqs(v, value))
			return true;
		first = false;
	}
	return false;
}

void sip_privacy_print(struct sip_buf *b, const struct sip_privacy *p)
{
	struct sip_pl c = p->raw, v;
	bool first = true, out = false;

	for (unsigned i = 0; i < sizeof(priv_names) / sizeof(priv_names[0]); i++) {
		if (!(p->flags & 1u << i))
			continue;
		if (out)
			sip_buf_putc(b, ';');
		sip_buf_puts(b, priv_names[i]);
		out = true;
	}
	for (; next_priv(&c, &v, first) == 0; first = false) {
		if (priv_flag(v) != SIP_PRIV_OTHER)
			continue;
		if (out)
			sip_buf_putc(b, ';');
		sip_buf_pl(b, v);
		out = true;
	}
}

/* ---- Retry-After ---- */

/* comment = LPAREN *(ctext / quoted-pair / comment) RPAREN; @p inner
 * excludes the outer parentheses. */
static int scan_comment(struct sip_pl *c, struct sip_pl *inner)
{
	size_t depth = 0;

	if (!c->len || c->p[0] != '(')
		return EBADMSG;
	for (size_t i = 0; i < c->len; i++) {
		char ch = c->p[i];

		if (ch == '\\') {
			i++;
		} else if (ch == '(') {
			depth++;
		} else if (ch == ')' && --depth == 0) {
			*inner = (struct sip_pl){ c->p + 1, i - 1 };
			c->p += i + 1;
			c->len -= i + 1;
			return 0;
		}
	}
	return EBADMSG;
}

int sip_retry_after_decode(struct sip_retry_after *ra, struct sip_pl text)
{
	struct sip_retry_after v = { 0 };
	struct sip_pl c = sip_pl_trim(text);
	struct sip_param p;

	/* an overlarge value is an error, not a clamp (RFC 4475 scalarlg) */
	if (sip_scan_u32(&c, UINT32_MAX, &v.secs))
		return EBADMSG;
	sip_scan_lws(&c);
	if (c.len && c.p[0] == '(' && scan_comment(&c, &v.comment))
		return EBADMSG;
	if (sip_typed_params(c, &v.params))
		return EBADMSG;
	if (sip_param_get(v.params, "duration", &p) == 0) {
		if (p.quoted || sip_typed_delta(p.value, &v.duration))
			return EBADMSG;
		v.has_duration = true;
	}
	*ra = v;
	return 0;
}

static int decode_retry_after(void *out, struct sip_pl text)
{
	return sip_retry_after_decode(out, text);
}

static int parse_retry_after(struct sip_msg *m, const struct sip_hdr *first,
			     const void **out)
{
	return single(m, first, sizeof(struct sip_retry_after),
				  decode_retry_after, out);
}

int sip_msg_retry_after(struct sip_msg *m, const struct sip_retry_after **rp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_RETRY_AFTER, parse_retry_after, &v);

	if (err)
		return err;
	*rp = v;
	return 0;
}

void sip_retry_after_print(struct sip_buf *b, const struct sip_retry_after *ra)
{
	static const char *const skip[] = { "duration", NULL };

	sip_buf_u32(b, ra->secs);
	if (sip_pl_isset(&ra->comment)) {
		sip_buf_puts(b, " (");
		sip_buf_pl(b, ra->comment);
		sip_buf_putc(b, ')');
	}
	if (ra->has_duration)
		sip_buf_printf(b, ";duration=%u", (unsigned)ra->duration);
	sip_typed_params_print(b, ra->params, skip);
}

/* ---- Warning ---- */

/* warn-agent = hostport / pseudonym: token chars plus IPv6 brackets and
 * the port colon. */
static bool is_agent(int c)
{
	return sip_is_token(c) || c == ':' || c == '[' || c == ']';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int sip_warning_decode(struct sip_warning *w, struct sip_pl text)
{
	struct sip_pl c = sip_pl_trim(text), code, agent, txt;

	/* warn-code = 3DIGIT: "1812" is an error (RFC 4475 scalarlg) */
	if (sip_scan_span(&c, is_digit, &code) || code.len != 3 || !sip_scan_lws(&c))
		return EBADMSG;
	if (sip_scan_span(&c, is_agent, &agent) || !sip_scan_lws(&c))
		return EBADMSG;
	if (sip_scan_quoted(&c, &txt) || !sip_scan_end(&c))
		return EBADMSG;
	w->raw = text;
	w->code = (uint16_t)((code.p[0] - '0') * 100 + (code.p[1] - '0') * 10 +
			     (code.p[2] - '0'));
	w->agent = agent;
	w->text = txt;
	w->next = NULL;
	return 0;
}

static int parse_warnings(struct sip_msg *m, const struct sip_hdr *first,
			  const void **out)
{
	struct sip_warning *head = NULL, **tail = &head, *w;
	struct sip_pl c, item;
	int err;

	for (const struct sip_hdr *h = first; h; h = h->next) {
		c = h->value;
		while ((err = sip_scan_list_next(&c, &item)) == 0) {
			w = sip_arena_alloc(sip_msg_arena(m), sizeof(*w));
			if (!w)
				return ENOMEM;
			if (sip_warning_decode(w, item)) {
				err = EBADMSG;
				break;
			}
			*tail = w;
			tail = &w->next;
		}
		if (err != ENOENT) {
			sip_msg_set_err(m, SIP_HDR_WARNING, bad[SIP_HDR_WARNING]);
			return EBADMSG;
		}
	}
	*out = head;
	return 0;
}

int sip_msg_warning(struct sip_msg *m, const struct sip_warning **first)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_WARNING, parse_warnings, &v);

	if (err)
		return err;
	*first = v;
	return 0;
}

void sip_warning_print(struct sip_buf *b, const struct sip_warning *w)
{
	sip_buf_printf(b, "%03u ", (unsigned)w->code);
	sip_buf_pl(b, w->agent);
	sip_buf_putc(b, ' ');
	sip_typed_value_print(b, w->text, true);
}
