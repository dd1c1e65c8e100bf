/*
 * attr.c - SDP attribute lines (RFC 8866 §5.13, §6): rtpmap, fmtp, ptime,
 * maxptime and the direction attributes (§6.6-§6.7), rtcp (RFC 3605);
 * any other attribute is kept as name/value.
 */
#include <errno.h>

#include "sdp.h"

struct fmt_attr {
	const char *name;
	/* 0, EBADMSG, or ENOENT: no such format, keep the line as is */
	int (*h)(struct sip_sdp_media *m, struct sip_pl v);
	const char *reason;
};

static struct sip_sdp_fmt *fmt_by_id(struct sip_sdp_media *m,
				     struct sip_pl id)
{
	uint32_t pt;
	bool num = !sip_pl_u32(id, SIP_SDP_PT_MAX, &pt);

	for (size_t i = 0; i < m->nfmt; i++) {
		struct sip_sdp_fmt *f = &m->fmt[i];

		if (f->pt >= 0 ? num && (uint32_t)f->pt == pt
			       : sip_pl_eq(f->id, id))
			return f;
	}
	return NULL;
}

/* "<pt> <encoding name>/<clock rate>[/<channels>]" (§6.6) */
static int rtpmap(struct sip_sdp_media *m, struct sip_pl v)
{
	struct sip_pl id, enc, name, rest, clock, chan = { NULL, 0 };
	uint32_t pt, rate, n = 0;
	struct sip_sdp_fmt *f;

	if (sip_sdp_word(&v, &id) || sip_sdp_word(&v, &enc) ||
	    !sip_sdp_end(&v) || sip_pl_u32(id, SIP_SDP_PT_MAX, &pt) ||
	    !sip_sdp_split(enc, '/', &name, &rest) || !name.len)
		return EBADMSG;
	clock = rest;
	if (sip_sdp_split(rest, '/', &clock, &chan) &&
	    (sip_pl_u32(chan, UINT32_MAX, &n) || !n))
		return EBADMSG;
	if (sip_pl_u32(clock, UINT32_MAX, &rate) || !rate)
		return EBADMSG;
	f = fmt_by_id(m, id);
	if (!f)
		return ENOENT;
	f->name = name;
	f->clock = rate;
	f->channels = n;
	f->rtpmap = true;
	return 0;
}

/* "<format> <format specific parameters>" (§6.15) */
static int fmtp(struct sip_sdp_media *m, struct sip_pl v)
{
	struct sip_pl id;
	struct sip_sdp_fmt *f;

	if (sip_sdp_word(&v, &id))
		return EBADMSG;
	f = fmt_by_id(m, id);
	if (!f)
		return ENOENT;
	f->params = sip_pl_trim(v);
	return 0;
}

static int ptime(struct sip_sdp_media *m, struct sip_pl v)
{
	return sip_pl_u32(sip_pl_trim(v), UINT32_MAX, &m->ptime) ? EBADMSG : 0;
}

static int maxptime(struct sip_sdp_media *m, struct sip_pl v)
{
	return sip_pl_u32(sip_pl_trim(v), UINT32_MAX, &m->maxptime) ?
		EBADMSG : 0;
}

/* RFC 3605: "<port> [<nettype> <addrtype> <connection-address>]" */
static int rtcp(struct sip_sdp_media *m, struct sip_pl v)
{
	struct sip_sdp_conn c = { 0 };
	struct sip_pl port;
	uint32_t n;

	if (sip_sdp_word(&v, &port) || sip_pl_u32(port, UINT16_MAX, &n))
		return EBADMSG;
	if (!sip_sdp_end(&v) && sip_sdp_conn_decode(v, &c))
		return EBADMSG;
	m->rtcp_port = n;
	m->rtcp_conn = c;
	return 0;
}

static const struct fmt_attr media_attrs[] = {
	{ "rtpmap",   rtpmap,   "SDP: bad a=rtpmap" },
	{ "fmtp",     fmtp,     "SDP: bad a=fmtp" },
	{ "ptime",    ptime,    "SDP: bad a=ptime" },
	{ "maxptime", maxptime, "SDP: bad a=maxptime" },
	{ "rtcp",     rtcp,     "SDP: bad a=rtcp" },
};

static int keep(struct sip_sdp *sdp, struct sip_sdp_media *m,
		const struct sip_sdp_attr *a, const char **reason)
{
	struct sip_sdp_attr *list = m ? m->attr : sdp->attr;
	size_t *n = m ? &m->nattr : &sdp->nattr;

	if (*n == SIP_SDP_MAX_ATTR) {
		*reason = "SDP: too many attributes";
		return E2BIG;
	}
	list[(*n)++] = *a;
	return 0;
}

/* 0 when handled, ENOENT when not a known media attribute, EBADMSG. */
static int media_attr(struct sip_sdp_media *m, const struct sip_sdp_attr *a,
		      const char **reason)
{
	int err;

	for (size_t i = 0; i < sizeof(media_attrs) / sizeof(media_attrs[0]); i++) {
		if (!sip_pl_caseeqs(a->name, media_attrs[i].name))
			continue;
		if (!sip_pl_isset(&a->value)) {
			*reason = media_attrs[i].reason;
			return EBADMSG;
		}
		err = media_attrs[i].h(m, a->value);
		if (err == EBADMSG)
			*reason = media_attrs[i].reason;
		return err;
	}
	return ENOENT;
}

int sip_sdp_attr_decode(struct sip_sdp *sdp, struct sip_sdp_media *m,
			struct sip_pl v, const char **reason)
{
	struct sip_sdp_attr a = { v, { NULL, 0 } };
	enum sip_sdp_dir dir;
	int err;

	sip_sdp_split(v, ':', &a.name, &a.value);
	if (!a.name.len) {
		*reason = "SDP: bad a= line";
		return EBADMSG;
	}
	dir = sip_sdp_dir_parse(a.name);
	if (dir != SIP_SDP_DIR_UNSET && !sip_pl_isset(&a.value)) {
		*(m ? &m->dir : &sdp->dir) = dir;
		return 0;
	}
	if (m) {
		err = media_attr(m, &a, reason);
		if (err != ENOENT)
			return err;
	}
	return keep(sdp, m, &a, reason);
}
