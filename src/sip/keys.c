/*
 * keys.c - the "lazy" parse: top Via and branch, CSeq, Call-ID, From/To
 * tags (RFC 3261 §17.1.3, §17.2.3 matching keys, §12 dialog ids), read
 * straight from the header slices without typing whole headers.
 */
#include <errno.h>
#include <string.h>

#include "sip/msg.h"
#include "sip/param.h"
#include "sip.h"

static int bad(struct sip_msg *m, enum sip_hdr_id id, const char *why)
{
	sip_msg_set_err(m, id, why);
	return EBADMSG;
}

/* The top via-parm: up to the first comma (Via values hold no quoted
 * commas in practice; a quoted one only shortens the slice we search). */
static int top_via(struct sip_msg *m, struct sip_msg_keys *k)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_VIA);
	const char *comma, *semi;
	struct sip_param p;
	struct sip_pl params;

	if (!h)
		return bad(m, SIP_HDR_VIA, "Missing Via header");
	comma = memchr(h->value.p, ',', h->value.len);
	k->via = (struct sip_pl){ h->value.p,
		comma ? (size_t)(comma - h->value.p) : h->value.len };
	k->via = sip_pl_trim(k->via);
	if (!k->via.len)
		return bad(m, SIP_HDR_VIA, "Bad Via header");
	semi = memchr(k->via.p, ';', k->via.len);
	k->branch = (struct sip_pl){ NULL, 0 };
	if (!semi)
		return 0;
	params = (struct sip_pl){ semi, k->via.len - (size_t)(semi - k->via.p) };
	if (sip_param_get(params, "branch", &p) == 0)
		k->branch = p.value;
	return 0;
}

static int cseq(struct sip_msg *m, struct sip_msg_keys *k)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_CSEQ);
	struct sip_pl c;

	if (!h)
		return bad(m, SIP_HDR_CSEQ, "Missing CSeq header");
	c = h->value;
	if (sip_scan_u32(&c, 0x7fffffff, &k->cseq) || !sip_scan_lws(&c) ||
	    sip_scan_token(&c, &k->cseq_method) || !sip_scan_end(&c))
		return bad(m, SIP_HDR_CSEQ, "Bad CSeq header");
	return 0;
}

/* Where the header parameters of a name-addr / addr-spec value start: after
 * the '>' closing the URI, or at the first ';' of a bare addr-spec. */
static int addr_params(struct sip_pl v, struct sip_pl *params)
{
	struct sip_pl c = v, q;
	const char *lt, *gt, *semi;

	sip_scan_lws(&c);
	if (c.len && c.p[0] == '"' && sip_scan_quoted(&c, &q))
		return EBADMSG;
	lt = memchr(c.p, '<', c.len);
	if (lt) {
		gt = memchr(lt, '>', c.len - (size_t)(lt - c.p));
		if (!gt)
			return EBADMSG;
		*params = (struct sip_pl){ gt + 1, c.len - (size_t)(gt + 1 - c.p) };
		return 0;
	}
	semi = memchr(c.p, ';', c.len);
	*params = semi ? (struct sip_pl){ semi, c.len - (size_t)(semi - c.p) }
		       : (struct sip_pl){ c.p + c.len, 0 };
	return 0;
}

static int tag(struct sip_msg *m, enum sip_hdr_id id, const char *missing,
	       const char *badhdr, struct sip_pl *out)
{
	const struct sip_hdr *h = sip_msg_hdr(m, id);
	struct sip_pl params;
	struct sip_param p;

	if (!h)
		return bad(m, id, missing);
	if (addr_params(h->value, &params))
		return bad(m, id, badhdr);
	*out = (struct sip_pl){ NULL, 0 };
	if (sip_param_get(params, "tag", &p) == 0)
		*out = p.value;
	return 0;
}

int sip_msg_keys(struct sip_msg *m, struct sip_msg_keys *k)
{
	const struct sip_hdr *h;
	int err;

	if (m->err)
		return EBADMSG;
	if ((err = top_via(m, k)) || (err = cseq(m, k)))
		return err;
	h = sip_msg_hdr(m, SIP_HDR_CALL_ID);
	if (!h || !h->value.len)
		return bad(m, SIP_HDR_CALL_ID, "Missing Call-ID header");
	k->callid = h->value;
	if ((err = tag(m, SIP_HDR_FROM, "Missing From header", "Bad From header",
		       &k->from_tag)))
		return err;
	return tag(m, SIP_HDR_TO, "Missing To header", "Bad To header", &k->to_tag);
}
