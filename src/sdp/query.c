/*
 * query.c - questions asked of a parsed description: the c= line and
 * direction that apply to a stream (RFC 8866 §5.7, §6.7), hold
 * (RFC 3264 §8.4), format and attribute lookup.
 */
#include "sdp.h"

const struct sip_sdp_conn *sip_sdp_media_conn(const struct sip_sdp *sdp,
					      const struct sip_sdp_media *m)
{
	if (sip_pl_isset(&m->conn.addr))
		return &m->conn;
	if (sip_pl_isset(&sdp->conn.addr))
		return &sdp->conn;
	return NULL;
}

enum sip_sdp_dir sip_sdp_media_dir(const struct sip_sdp *sdp,
				   const struct sip_sdp_media *m)
{
	if (m->dir != SIP_SDP_DIR_UNSET)
		return m->dir;
	if (sdp->dir != SIP_SDP_DIR_UNSET)
		return sdp->dir;
	return SIP_SDP_SENDRECV;
}

const char *sip_sdp_dir_name(enum sip_sdp_dir dir)
{
	switch (dir) {
	case SIP_SDP_SENDRECV: return "sendrecv";
	case SIP_SDP_SENDONLY: return "sendonly";
	case SIP_SDP_RECVONLY: return "recvonly";
	case SIP_SDP_INACTIVE: return "inactive";
	default:               return "";
	}
}

static bool sends(enum sip_sdp_dir d)
{
	return d == SIP_SDP_SENDRECV || d == SIP_SDP_SENDONLY ||
	       d == SIP_SDP_DIR_UNSET;
}

static bool receives(enum sip_sdp_dir d)
{
	return d == SIP_SDP_SENDRECV || d == SIP_SDP_RECVONLY ||
	       d == SIP_SDP_DIR_UNSET;
}

enum sip_sdp_dir sip_sdp_dir_answer(enum sip_sdp_dir offer,
				    enum sip_sdp_dir local)
{
	bool send = receives(offer) && sends(local);
	bool recv = sends(offer) && receives(local);

	if (send && recv)
		return SIP_SDP_SENDRECV;
	if (send)
		return SIP_SDP_SENDONLY;
	if (recv)
		return SIP_SDP_RECVONLY;
	return SIP_SDP_INACTIVE;
}

bool sip_sdp_media_held(const struct sip_sdp *sdp,
			const struct sip_sdp_media *m)
{
	enum sip_sdp_dir dir = sip_sdp_media_dir(sdp, m);
	const struct sip_sdp_conn *c = sip_sdp_media_conn(sdp, m);

	if (!m->port)
		return false;
	if (dir == SIP_SDP_SENDONLY || dir == SIP_SDP_INACTIVE)
		return true;
	/* RFC 2543 hold, still sent by old equipment (RFC 3264 §8.4). */
	return c && sip_pl_eqs(c->addr, "0.0.0.0");
}

bool sip_sdp_held(const struct sip_sdp *sdp)
{
	size_t active = 0;

	for (size_t i = 0; i < sdp->nmedia; i++) {
		if (!sdp->media[i].port)
			continue;
		if (!sip_sdp_media_held(sdp, &sdp->media[i]))
			return false;
		active++;
	}
	return active > 0;
}

size_t sip_sdp_nactive(const struct sip_sdp *sdp)
{
	size_t n = 0;

	for (size_t i = 0; i < sdp->nmedia; i++)
		if (sdp->media[i].port)
			n++;
	return n;
}

const struct sip_sdp_fmt *sip_sdp_fmt_find(const struct sip_sdp_media *m,
					   const char *name, uint32_t clock)
{
	for (size_t i = 0; i < m->nfmt; i++) {
		const struct sip_sdp_fmt *f = &m->fmt[i];

		if (sip_pl_caseeqs(f->name, name) &&
		    (!clock || f->clock == clock))
			return f;
	}
	return NULL;
}

const struct sip_sdp_attr *sip_sdp_attr_find(const struct sip_sdp *sdp,
					     const struct sip_sdp_media *m,
					     const char *name)
{
	const struct sip_sdp_attr *list = m ? m->attr : sdp->attr;
	size_t n = m ? m->nattr : sdp->nattr;

	for (size_t i = 0; i < n; i++)
		if (sip_pl_eqs(list[i].name, name))
			return &list[i];
	return NULL;
}
