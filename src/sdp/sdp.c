/*
 * sdp.c - the session description object (RFC 8866 §5): allocation and
 * the builders that fill one in by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/mem.h"
#include "sdp.h"

enum { ARENA_FIRST = 512 };

static void sdp_destroy(void *obj)
{
	struct sip_sdp *sdp = obj;

	sip_mem_deref(sdp->owner);
	sip_arena_free(sdp->arena);
}

int sip_sdp_alloc(struct sip_sdp **sdpp)
{
	struct sip_sdp *sdp = sip_mem_zalloc(sizeof(*sdp), sdp_destroy);

	if (!sdp)
		return ENOMEM;
	*sdpp = sdp;
	return 0;
}

int sip_sdp_strdup(struct sip_sdp *sdp, struct sip_pl *out, struct sip_pl s)
{
	char *p;

	if (!sdp->arena) {
		sdp->arena = sip_arena_new(s.len < ARENA_FIRST ? ARENA_FIRST
							       : s.len + 1);
		if (!sdp->arena)
			return ENOMEM;
	}
	p = sip_arena_strndup(sdp->arena, s.p ? s.p : "", s.len);
	if (!p)
		return ENOMEM;
	out->p = p;
	out->len = s.len;
	return 0;
}

/* sip_sdp_strdup() of a C string; NULL gives an unset slice. */
static int dup_str(struct sip_sdp *sdp, struct sip_pl *out, const char *s)
{
	if (!s) {
		*out = (struct sip_pl){ NULL, 0 };
		return 0;
	}
	return sip_sdp_strdup(sdp, out, sip_pl_str(s));
}

int sip_sdp_media_add(struct sip_sdp *sdp, struct sip_sdp_media **mp,
		      const char *type, uint16_t port, const char *proto)
{
	struct sip_pl t, p;
	struct sip_sdp_media *m;
	int err;

	if (sdp->nmedia == SIP_SDP_MAX_MEDIA)
		return E2BIG;
	err = dup_str(sdp, &t, type);
	if (!err)
		err = dup_str(sdp, &p, proto ? proto : "RTP/AVP");
	if (err)
		return err;
	m = &sdp->media[sdp->nmedia++];
	memset(m, 0, sizeof(*m));
	m->type = t;
	m->port = port;
	m->proto = p;
	*mp = m;
	return 0;
}

static bool pt_used(const struct sip_sdp_media *m, unsigned pt)
{
	for (size_t i = 0; i < m->nfmt; i++)
		if (m->fmt[i].pt == (int)pt)
			return true;
	return false;
}

int sip_sdp_fmt_add(struct sip_sdp *sdp, struct sip_sdp_media *m,
		    const struct sip_sdp_codec *c, unsigned pt)
{
	struct sip_sdp_fmt f = { .pt = (int)pt, .clock = c->clock,
				 .channels = c->channels, .rtpmap = true };
	char id[4];
	int err;

	if (pt > SIP_SDP_PT_MAX || pt_used(m, pt))
		return EINVAL;
	if (m->nfmt == SIP_SDP_MAX_FMT)
		return E2BIG;
	snprintf(id, sizeof(id), "%u", pt);
	err = dup_str(sdp, &f.id, id);
	if (!err)
		err = dup_str(sdp, &f.name, c->name);
	if (!err)
		err = dup_str(sdp, &f.params, c->fmtp);
	if (err)
		return err;
	m->fmt[m->nfmt++] = f;
	return 0;
}

int sip_sdp_attr_add(struct sip_sdp *sdp, struct sip_sdp_media *m,
		     const char *name, const char *value)
{
	struct sip_sdp_attr *list = m ? m->attr : sdp->attr;
	size_t *n = m ? &m->nattr : &sdp->nattr;
	struct sip_sdp_attr a;
	int err;

	if (*n == SIP_SDP_MAX_ATTR)
		return E2BIG;
	err = dup_str(sdp, &a.name, name);
	if (!err)
		err = dup_str(sdp, &a.value, value);
	if (err)
		return err;
	list[(*n)++] = a;
	return 0;
}
