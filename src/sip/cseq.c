/*
 * cseq.c - single-value scalar headers (RFC 3261 §25.1): CSeq (§20.16,
 * §8.1.1.5), Call-ID (§20.8), Max-Forwards (§20.22), Expires (§20.19),
 * Min-Expires (§20.23), Content-Length (§20.14).
 *
 * Each header may appear once (§7.3.1: only list headers may repeat);
 * Content-Length may repeat with the same value, as the framer in msg.c
 * accepts it.
 */
#include <errno.h>

#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip.h"

/* Reason phrases: "Bad <name> header", and for values over their range
 * the same with the cause, as RFC 4475 scalar02 expects a rejection. */
static const char *const bad[SIP_HDR__COUNT] = {
	[SIP_HDR_CSEQ] = "Bad CSeq header",
	[SIP_HDR_CALL_ID] = "Bad Call-ID header",
	[SIP_HDR_MAX_FORWARDS] = "Bad Max-Forwards header",
	[SIP_HDR_EXPIRES] = "Bad Expires header",
	[SIP_HDR_MIN_EXPIRES] = "Bad Min-Expires header",
	[SIP_HDR_CONTENT_LENGTH] = "Bad Content-Length header",
};

static const char *const too_large[SIP_HDR__COUNT] = {
	[SIP_HDR_CSEQ] = "Bad CSeq header: number too large",
	[SIP_HDR_EXPIRES] = "Bad Expires header: value too large",
	[SIP_HDR_MIN_EXPIRES] = "Bad Min-Expires header: value too large",
};

/* Upper bounds of the numeric headers. */
static const uint32_t u32_max[SIP_HDR__COUNT] = {
	[SIP_HDR_MAX_FORWARDS] = 255,
	[SIP_HDR_EXPIRES] = UINT32_MAX,       /* delta-seconds, §20.19 */
	[SIP_HDR_MIN_EXPIRES] = UINT32_MAX,
	[SIP_HDR_CONTENT_LENGTH] = UINT32_MAX,
};

/* Record the error of header @p id; @p cause ERANGE selects the "too
 * large" reason when there is one. Returns EBADMSG. */
static int fail(struct sip_msg *m, enum sip_hdr_id id, int cause)
{
	const char *why = bad[id];

	if (cause == ERANGE && too_large[id])
		why = too_large[id];
	sip_msg_set_err(m, id, why);
	return EBADMSG;
}

/* CSeq = 1*DIGIT LWS Method; the number is below 2^31 (§8.1.1.5). */
static int cseq_decode(struct sip_pl v, struct sip_cseq *cs)
{
	struct sip_pl c = v, method;
	uint32_t num;
	int err;

	err = sip_scan_u32(&c, 0x7fffffff, &num);
	if (err)
		return err;
	if (!sip_scan_lws(&c) || sip_scan_token(&c, &method) || !sip_scan_end(&c))
		return EBADMSG;
	cs->num = num;
	cs->method = method;
	cs->mid = sip_method_lookup(method);
	return 0;
}

static int parse_cseq(struct sip_msg *m, const struct sip_hdr *first,
		      const void **out)
{
	struct sip_cseq *cs;
	int err;

	if (first->next)
		return fail(m, first->id, EBADMSG);
	cs = sip_arena_alloc(sip_msg_arena(m), sizeof(*cs));
	if (!cs)
		return ENOMEM;
	err = cseq_decode(first->value, cs);
	if (err)
		return fail(m, first->id, err);
	*out = cs;
	return 0;
}

/* callid = word [ "@" word ], the whole value */
static int callid_decode(struct sip_pl v)
{
	struct sip_pl id;

	if (sip_scan_callid(&v, &id))
		return EBADMSG;
	return v.len ? EBADMSG : 0;
}

static int parse_callid(struct sip_msg *m, const struct sip_hdr *first,
			const void **out)
{
	struct sip_pl *id;

	if (first->next || callid_decode(first->value))
		return fail(m, first->id, EBADMSG);
	id = sip_arena_alloc(sip_msg_arena(m), sizeof(*id));
	if (!id)
		return ENOMEM;
	*id = first->value;
	*out = id;
	return 0;
}

/* Repeated lines: an error, except Content-Length lines that agree. */
static bool repeated(const struct sip_hdr *first)
{
	for (const struct sip_hdr *h = first->next; h; h = h->next)
		if (first->id != SIP_HDR_CONTENT_LENGTH ||
		    !sip_pl_eq(h->value, first->value))
			return true;
	return false;
}

/* 1*DIGIT headers: Max-Forwards, Expires, Min-Expires, Content-Length. */
static int parse_u32(struct sip_msg *m, const struct sip_hdr *first,
		     const void **out)
{
	uint32_t *v, n;
	int err;

	if (repeated(first))
		return fail(m, first->id, EBADMSG);
	err = sip_pl_u32(first->value, u32_max[first->id], &n);
	if (err)
		return fail(m, first->id, err);
	v = sip_arena_alloc(sip_msg_arena(m), sizeof(*v));
	if (!v)
		return ENOMEM;
	*v = n;
	*out = v;
	return 0;
}

/**
 * The CSeq of @p m, parsed once into the message's arena. Returns 0,
 * ENOENT, EBADMSG ("Bad CSeq header", or "...: number too large" for
 * 2^31 and more) or ENOMEM. The same holds for the getters below.
 */
int sip_msg_cseq(struct sip_msg *m, const struct sip_cseq **cp)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_CSEQ, parse_cseq, &v);

	if (err)
		return err;
	*cp = v;
	return 0;
}

/** The Call-ID value (a slice of the message). */
int sip_msg_callid(struct sip_msg *m, struct sip_pl *callid)
{
	const void *v;
	int err = sip_msg_typed(m, SIP_HDR_CALL_ID, parse_callid, &v);

	if (err)
		return err;
	*callid = *(const struct sip_pl *)v;
	return 0;
}

static int get_u32(struct sip_msg *m, enum sip_hdr_id id, uint32_t *out)
{
	const void *v;
	int err = sip_msg_typed(m, id, parse_u32, &v);

	if (err)
		return err;
	*out = *(const uint32_t *)v;
	return 0;
}

/** Max-Forwards, 0-255; larger is an error (RFC 4475 scalar02). */
int sip_msg_max_forwards(struct sip_msg *m, uint32_t *hops)
{
	return get_u32(m, SIP_HDR_MAX_FORWARDS, hops);
}

/** Expires delta-seconds; 2^32 and more is an error (scalar02). */
int sip_msg_expires(struct sip_msg *m, uint32_t *secs)
{
	return get_u32(m, SIP_HDR_EXPIRES, secs);
}

/** Min-Expires delta-seconds, as Expires. */
int sip_msg_min_expires(struct sip_msg *m, uint32_t *secs)
{
	return get_u32(m, SIP_HDR_MIN_EXPIRES, secs);
}

/** Content-Length; repeated lines must agree. */
int sip_msg_content_length(struct sip_msg *m, uint32_t *len)
{
	return get_u32(m, SIP_HDR_CONTENT_LENGTH, len);
}

/** Append "num METHOD"; allocation failures are sticky in @p b. */
void sip_cseq_print(struct sip_buf *b, const struct sip_cseq *c)
{
	sip_buf_u32(b, c->num);
	sip_buf_putc(b, ' ');
	sip_buf_pl(b, c->method);
}
