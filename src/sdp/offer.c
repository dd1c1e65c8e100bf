/*
 * offer.c - building an offer (RFC 3264 §5): session level from the local
 * capabilities, one m= line per local stream with payload types chosen by
 * RFC 3551 §6 (static) or from the dynamic range; and the o= version
 * bump of RFC 3264 §8 for later offers and answers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sip/mem.h"
#include "sdp.h"

static const struct sip_sdp_codec dtmf_codec = {
	"telephone-event", 8000, 0, "0-16"
};

bool sip_sdp_is_dtmf(struct sip_pl name, uint32_t clock)
{
	return clock == 8000 && sip_pl_caseeqs(name, "telephone-event");
}

static int dup_u64(struct sip_sdp *sdp, struct sip_pl *out, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return sip_sdp_strdup(sdp, out, sip_pl_str(num));
}

int sip_sdp_local_set(struct sip_sdp *sdp, const struct sip_sdp_caps *caps)
{
	struct sip_sdp_origin o = { .version = caps->sess_version };
	struct sip_pl name;
	int err;

	if (!caps->addr || !*caps->addr)
		return EINVAL;
	err = sip_sdp_strdup(sdp, &o.user, sip_pl_str(caps->user ? caps->user
								  : "-"));
	if (!err)
		err = dup_u64(sdp, &o.id, caps->sess_id);
	if (!err)
		err = sip_sdp_strdup(sdp, &o.addr, sip_pl_str(caps->addr));
	if (!err)
		err = sip_sdp_strdup(sdp, &name, sip_pl_str(caps->name ?
							   caps->name : "-"));
	if (err)
		return err;
	o.nettype = SIP_PL("IN");
	o.addrtype = strchr(caps->addr, ':') ? SIP_PL("IP6") : SIP_PL("IP4");
	sdp->origin = o;
	sdp->name = name;
	sdp->conn = (struct sip_sdp_conn){ o.nettype, o.addrtype, o.addr,
					   SIP_PL("") };
	if (!sdp->ntime) {
		sdp->time[0] = (struct sip_sdp_time){ 0, 0 };
		sdp->ntime = 1;
	}
	return 0;
}

static bool pt_free(const struct sip_sdp_media *m, unsigned pt)
{
	for (size_t i = 0; i < m->nfmt; i++)
		if (m->fmt[i].pt == (int)pt)
			return false;
	return true;
}

/* A free dynamic payload type: 101 is kept for telephone-event as long
 * as another number is free, as most peers expect it there. */
static int dyn_pt(const struct sip_sdp_media *m, bool dtmf)
{
	if (dtmf && pt_free(m, SIP_SDP_PT_DTMF))
		return SIP_SDP_PT_DTMF;
	for (unsigned pt = SIP_SDP_PT_DYN_MIN; pt <= SIP_SDP_PT_MAX; pt++)
		if (pt != SIP_SDP_PT_DTMF && pt_free(m, pt))
			return (int)pt;
	return pt_free(m, SIP_SDP_PT_DTMF) ? SIP_SDP_PT_DTMF : -1;
}

static int codec_add(struct sip_sdp *sdp, struct sip_sdp_media *m,
		     const struct sip_sdp_codec *c)
{
	struct sip_pl name = sip_pl_str(c->name);
	int pt = sip_sdp_static_find(name, c->clock, c->channels);

	if (!c->name || !c->clock)
		return EINVAL;
	if (pt < 0)
		pt = dyn_pt(m, sip_sdp_is_dtmf(name, c->clock));
	if (pt < 0)
		return EINVAL;
	return sip_sdp_fmt_add(sdp, m, c, (unsigned)pt);
}

static int stream_add(struct sip_sdp *sdp, const struct sip_sdp_stream_caps *sc)
{
	struct sip_sdp_media *m;
	int err;

	if (!sc->type || !sc->ncodecs)
		return EINVAL;
	err = sip_sdp_media_add(sdp, &m, sc->type, sc->port, sc->proto);
	for (size_t i = 0; !err && i < sc->ncodecs; i++)
		err = codec_add(sdp, m, &sc->codecs[i]);
	if (!err && sc->dtmf && !sip_sdp_fmt_find(m, "telephone-event", 8000))
		err = codec_add(sdp, m, &dtmf_codec);
	if (err)
		return err;
	m->ptime = sc->ptime;
	m->dir = sc->dir != SIP_SDP_DIR_UNSET ? sc->dir : SIP_SDP_SENDRECV;
	return 0;
}

int sip_sdp_offer(struct sip_sdp **sdpp, const struct sip_sdp_caps *caps)
{
	struct sip_sdp *sdp = NULL;
	int err;

	err = sip_sdp_alloc(&sdp);
	if (!err)
		err = sip_sdp_local_set(sdp, caps);
	for (size_t i = 0; !err && i < caps->nstreams; i++)
		err = stream_add(sdp, &caps->streams[i]);
	if (err) {
		sip_mem_deref(sdp);
		return err;
	}
	*sdpp = sdp;
	return 0;
}

int sip_sdp_offer_audio(struct sip_sdp **sdpp, const char *addr,
			uint16_t port, const struct sip_sdp_codec *codecs,
			size_t ncodecs)
{
	const struct sip_sdp_stream_caps audio = {
		.type = "audio", .port = port,
		.codecs = codecs, .ncodecs = ncodecs,
	};
	const struct sip_sdp_caps caps = {
		.sess_id = 1, .sess_version = 1, .addr = addr,
		.streams = &audio, .nstreams = 1,
	};

	return sip_sdp_offer(sdpp, &caps);
}

int sip_sdp_origin_next(struct sip_sdp *sdp, const struct sip_sdp *prev)
{
	const struct sip_sdp_origin *p = &prev->origin;
	struct sip_sdp_origin o = { .version = p->version + 1 };
	int err;

	err = sip_sdp_strdup(sdp, &o.user, p->user);
	if (!err)
		err = sip_sdp_strdup(sdp, &o.id, p->id);
	if (!err)
		err = sip_sdp_strdup(sdp, &o.nettype, p->nettype);
	if (!err)
		err = sip_sdp_strdup(sdp, &o.addrtype, p->addrtype);
	if (!err)
		err = sip_sdp_strdup(sdp, &o.addr, p->addr);
	if (err)
		return err;
	sdp->origin = o;
	return 0;
}
