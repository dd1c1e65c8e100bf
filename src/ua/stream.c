/*
 * stream.c - the audio stream an offer/answer exchange yields for one
 * side (RFC 3264 §6.1 answer formats and directions, §8.4 hold, RFC 3605
 * a=rtcp, RFC 2543's c=0.0.0.0 hold).
 */
#include <errno.h>
#include <string.h>

#include "sip/sdp.h"
#include "sip/ua.h"

static const struct sip_sdp_media *first_audio(const struct sip_sdp *s)
{
	for (size_t i = 0; s && i < s->nmedia; i++)
		if (sip_pl_caseeqs(s->media[i].type, "audio") && s->media[i].port)
			return &s->media[i];
	return NULL;
}

static bool sends(enum sip_sdp_dir d)
{
	return d == SIP_SDP_SENDRECV || d == SIP_SDP_SENDONLY || d == SIP_SDP_DIR_UNSET;
}

static bool recvs(enum sip_sdp_dir d)
{
	return d == SIP_SDP_SENDRECV || d == SIP_SDP_RECVONLY || d == SIP_SDP_DIR_UNSET;
}

static bool null_addr(struct sip_pl a)
{
	return sip_pl_eqs(a, "0.0.0.0") || sip_pl_eqs(a, "::");
}

int sip_ua_stream(struct sip_ua_stream *out, const struct sip_sdp *local,
		  const struct sip_sdp *remote, bool local_is_offer)
{
	const struct sip_sdp_media *lm = first_audio(local), *rm = first_audio(remote);
	const struct sip_sdp_media *am = local_is_offer ? rm : lm;
	const struct sip_sdp_conn *c;
	struct sip_ua_stream s = { .pt = -1, .dtmf_pt = -1 };
	enum sip_sdp_dir ld, rd;

	if (!lm || !rm || !(c = sip_sdp_media_conn(remote, rm)) ||
	    !sip_pl_isset(&c->addr) || c->addr.len >= sizeof(s.addr))
		return ENOENT;
	for (size_t i = 0; i < am->nfmt; i++) {
		const struct sip_sdp_fmt *f = &am->fmt[i];

		if (sip_pl_caseeqs(f->name, "telephone-event")) {
			if (s.dtmf_pt < 0)
				s.dtmf_pt = f->pt;
		} else if (s.pt < 0 && (f->pt == 0 || f->pt == 8)) {
			s.pt = f->pt;
		}
	}
	if (s.pt < 0)
		return EPROTONOSUPPORT;
	memcpy(s.addr, c->addr.p, c->addr.len);
	s.port = (uint16_t)rm->port;
	s.rtcp_port = (uint16_t)(rm->rtcp_port ? rm->rtcp_port : rm->port + 1);
	ld = sip_sdp_media_dir(local, lm);
	rd = sip_sdp_media_dir(remote, rm);
	s.send = sends(ld) && recvs(rd) && !null_addr(c->addr);
	s.recv = recvs(ld) && sends(rd);
	*out = s;
	return 0;
}
