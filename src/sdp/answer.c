/*
 * answer.c - generating the answer (RFC 3264 §6, §6.1 for unicast RTP
 * streams): one m= line per offered one, in order; codecs intersected in
 * the offerer's order under the offerer's payload type numbers; streams
 * that cannot be used rejected with port 0.
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sdp.h"

struct answerer {
	struct sip_sdp *ans;
	const struct sip_sdp *offer;
	const struct sip_sdp_caps *caps;
	/* caps stream taken by each answered m= line, NULL when rejected */
	const struct sip_sdp_stream_caps *taken[SIP_SDP_MAX_MEDIA];
};

/* telephone-event without fmtp: the answer repeats the offered events */
static const struct sip_sdp_codec dtmf_codec = {
	"telephone-event", 8000, 0, NULL
};

static uint32_t mono(uint32_t channels)
{
	return channels ? channels : 1;
}

static bool codec_match(const struct sip_sdp_fmt *f,
			const struct sip_sdp_codec *c)
{
	return f->name.len && c->name && f->clock == c->clock &&
	       mono(f->channels) == mono(c->channels) &&
	       sip_pl_caseeqs(f->name, c->name);
}

/* The local codec for offered format @p f, or NULL. */
static const struct sip_sdp_codec *
local_codec(const struct sip_sdp_stream_caps *sc, const struct sip_sdp_fmt *f)
{
	for (size_t i = 0; i < sc->ncodecs; i++)
		if (codec_match(f, &sc->codecs[i]))
			return &sc->codecs[i];
	if (sc->dtmf && codec_match(f, &dtmf_codec))
		return &dtmf_codec;
	return NULL;
}

static bool is_taken(const struct answerer *a,
		     const struct sip_sdp_stream_caps *sc)
{
	for (size_t i = 0; i < a->ans->nmedia; i++)
		if (a->taken[i] == sc)
			return true;
	return false;
}

static bool stream_fits(const struct sip_sdp_stream_caps *sc,
			const struct sip_sdp_media *om)
{
	return sc->type && sip_pl_caseeqs(om->type, sc->type) &&
	       sip_pl_caseeqs(om->proto, sc->proto ? sc->proto : "RTP/AVP");
}

/* §6: port 0 and the offered formats (their rtpmaps, so the line still
 * describes itself, but no fmtp or other attribute). */
static void reject(struct sip_sdp_media *am, const struct sip_sdp_media *om)
{
	memset(am, 0, sizeof(*am));
	am->type = om->type;
	am->proto = om->proto;
	am->nfmt = om->nfmt;
	for (size_t i = 0; i < om->nfmt; i++) {
		am->fmt[i] = om->fmt[i];
		am->fmt[i].params = (struct sip_pl){ NULL, 0 };
	}
}

/* Common formats of @p om and @p sc into @p am; ENOENT when none but
 * telephone-event, which carries no voice on its own. */
static int intersect(struct sip_sdp *ans, struct sip_sdp_media *am,
		     const struct sip_sdp_media *om,
		     const struct sip_sdp_stream_caps *sc)
{
	size_t voice = 0;
	int err;

	for (size_t i = 0; i < om->nfmt; i++) {
		const struct sip_sdp_fmt *f = &om->fmt[i];
		const struct sip_sdp_codec *c = local_codec(sc, f);
		struct sip_sdp_fmt *af = &am->fmt[am->nfmt];

		if (!c)
			continue;
		*af = *f;
		af->rtpmap = true;
		if (c->fmtp) {
			err = sip_sdp_strdup(ans, &af->params, sip_pl_str(c->fmtp));
			if (err)
				return err;
		}
		am->nfmt++;
		if (c != &dtmf_codec && !sip_sdp_is_dtmf(f->name, f->clock))
			voice++;
	}
	return voice ? 0 : ENOENT;
}

/* Try caps stream @p sc for offered @p om. 0, ENOENT (no fit), ENOMEM. */
static int accept(struct answerer *a, struct sip_sdp_media *am,
		  const struct sip_sdp_media *om,
		  const struct sip_sdp_stream_caps *sc)
{
	int err;

	if (is_taken(a, sc) || !stream_fits(sc, om))
		return ENOENT;
	memset(am, 0, sizeof(*am));
	am->type = om->type;
	am->proto = om->proto;
	err = intersect(a->ans, am, om, sc);
	if (err)
		return err;
	am->port = sc->port;
	am->ptime = sc->ptime;
	am->dir = sip_sdp_dir_answer(sip_sdp_media_dir(a->offer, om), sc->dir);
	return 0;
}

static int answer_media(struct answerer *a, const struct sip_sdp_media *om)
{
	size_t k = a->ans->nmedia;
	struct sip_sdp_media *am = &a->ans->media[k];
	const struct sip_sdp_stream_caps *sc;
	int err;

	a->taken[k] = NULL;
	/* §6: a stream offered with port 0 stays at port 0. */
	for (size_t i = 0; om->port && i < a->caps->nstreams; i++) {
		sc = &a->caps->streams[i];
		err = accept(a, am, om, sc);
		if (err == ENOMEM)
			return err;
		if (!err) {
			a->taken[k] = sc;
			break;
		}
	}
	if (!a->taken[k])
		reject(am, om);
	a->ans->nmedia++;
	return 0;
}

int sip_sdp_answer(struct sip_sdp **ansp, const struct sip_sdp *offer,
		   const struct sip_sdp_caps *caps)
{
	struct answerer a = { .offer = offer, .caps = caps };
	int err;

	err = sip_sdp_alloc(&a.ans);
	if (err)
		return err;
	/* The answer's slices point into the offer. */
	a.ans->owner = sip_mem_ref((void *)offer);
	/* §6: "The t= line in the answer MUST equal that of the offer." */
	memcpy(a.ans->time, offer->time, sizeof(offer->time));
	a.ans->ntime = offer->ntime;
	err = sip_sdp_local_set(a.ans, caps);
	for (size_t i = 0; !err && i < offer->nmedia; i++)
		err = answer_media(&a, &offer->media[i]);
	if (err) {
		sip_mem_deref(a.ans);
		return err;
	}
	*ansp = a.ans;
	return 0;
}
