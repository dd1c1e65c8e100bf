/*
 * decode.c - SDP line parser (RFC 8866 §5: the line types and their
 * order, §9 grammar). Attribute lines are left to attr.c.
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sdp.h"

struct parser {
	struct sip_sdp *sdp;
	struct sip_sdp_media *m;  /* current media; NULL at session level */
	bool seen_v, seen_o, seen_s;
	const char *reason;
};

static int fail(struct parser *ps, int err, const char *reason)
{
	ps->reason = reason;
	return err;
}

static int version_line(struct parser *ps, struct sip_pl v)
{
	if (ps->seen_v || !sip_pl_eqs(v, "0"))
		return fail(ps, EBADMSG, "SDP: bad v= line");
	ps->seen_v = true;
	return 0;
}

static bool digits(struct sip_pl pl)
{
	for (size_t i = 0; i < pl.len; i++)
		if (pl.p[i] < '0' || pl.p[i] > '9')
			return false;
	return pl.len > 0;
}

static int origin_line(struct parser *ps, struct sip_pl v)
{
	struct sip_sdp_origin o;
	struct sip_pl ver;

	if (ps->seen_o)
		return fail(ps, EBADMSG, "SDP: more than one o= line");
	if (sip_sdp_word(&v, &o.user) || sip_sdp_word(&v, &o.id) ||
	    sip_sdp_word(&v, &ver) || sip_sdp_word(&v, &o.nettype) ||
	    sip_sdp_word(&v, &o.addrtype) || sip_sdp_word(&v, &o.addr) ||
	    !sip_sdp_end(&v) || !digits(o.id) ||
	    sip_sdp_u64(ver, &o.version))
		return fail(ps, EBADMSG, "SDP: bad o= line");
	ps->sdp->origin = o;
	ps->seen_o = true;
	return 0;
}

static int name_line(struct parser *ps, struct sip_pl v)
{
	if (ps->seen_s)
		return fail(ps, EBADMSG, "SDP: more than one s= line");
	ps->sdp->name = v;
	ps->seen_s = true;
	return 0;
}

static int conn_line(struct parser *ps, struct sip_pl v)
{
	struct sip_sdp_conn *c = ps->m ? &ps->m->conn : &ps->sdp->conn;
	struct sip_sdp_conn t;

	if (sip_sdp_conn_decode(v, &t))
		return fail(ps, EBADMSG, "SDP: bad c= line");
	/* §5.7: one c= per level, except several multicast addresses per
	 * media, where only the first is kept. */
	if (sip_pl_isset(&c->addr)) {
		if (!ps->m)
			return fail(ps, EBADMSG, "SDP: more than one c= line");
		return 0;
	}
	*c = t;
	return 0;
}

static int bw_line(struct parser *ps, struct sip_pl v)
{
	struct sip_pl *bw = ps->m ? ps->m->bw : ps->sdp->bw;
	size_t *n = ps->m ? &ps->m->nbw : &ps->sdp->nbw;
	struct sip_pl type, val;
	uint64_t x;

	if (!sip_sdp_split(v, ':', &type, &val) || !type.len ||
	    sip_sdp_u64(val, &x))
		return fail(ps, EBADMSG, "SDP: bad b= line");
	if (*n == SIP_SDP_MAX_BW)
		return fail(ps, E2BIG, "SDP: too many b= lines");
	bw[(*n)++] = v;
	return 0;
}

static int time_line(struct parser *ps, struct sip_pl v)
{
	struct sip_sdp *sdp = ps->sdp;
	struct sip_pl a, b;
	struct sip_sdp_time t;

	if (sip_sdp_word(&v, &a) || sip_sdp_word(&v, &b) ||
	    !sip_sdp_end(&v) || sip_sdp_u64(a, &t.start) ||
	    sip_sdp_u64(b, &t.stop))
		return fail(ps, EBADMSG, "SDP: bad t= line");
	if (sdp->ntime == SIP_SDP_MAX_TIME)
		return fail(ps, E2BIG, "SDP: too many t= lines");
	sdp->time[sdp->ntime++] = t;
	return 0;
}

static int extra_line(struct parser *ps, char type, struct sip_pl v)
{
	struct sip_sdp_line *x = ps->m ? ps->m->extra : ps->sdp->extra;
	size_t *n = ps->m ? &ps->m->nextra : &ps->sdp->nextra;

	if (type == 'r' && !ps->sdp->ntime)
		return fail(ps, EBADMSG, "SDP: r= line before t=");
	if (*n == SIP_SDP_MAX_EXTRA)
		return fail(ps, E2BIG, "SDP: too many lines");
	x[*n].type = type;
	x[*n].time = (uint8_t)(ps->sdp->ntime ? ps->sdp->ntime - 1 : 0);
	x[*n].value = v;
	(*n)++;
	return 0;
}

static int fmt_push(struct parser *ps, struct sip_sdp_media *m,
		    struct sip_pl id, bool rtp)
{
	struct sip_sdp_fmt *f;
	struct sip_sdp_codec c;
	uint32_t pt;

	if (m->nfmt == SIP_SDP_MAX_FMT)
		return fail(ps, E2BIG, "SDP: too many formats");
	f = &m->fmt[m->nfmt];
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->pt = -1;
	if (rtp) {
		if (sip_pl_u32(id, SIP_SDP_PT_MAX, &pt))
			return fail(ps, EBADMSG, "SDP: bad m= format");
		f->pt = (int)pt;
		/* RFC 3551 §6: a static type needs no a=rtpmap. */
		if (!sip_sdp_static_pt(pt, &c)) {
			f->name = sip_pl_str(c.name);
			f->clock = c.clock;
			f->channels = c.channels;
		}
	}
	m->nfmt++;
	return 0;
}

static int port_decode(struct sip_pl w, struct sip_sdp_media *m)
{
	struct sip_pl port = w, count;
	uint32_t n = 0;

	if (sip_sdp_split(w, '/', &port, &count) &&
	    (sip_pl_u32(count, UINT32_MAX, &n) || !n))
		return EBADMSG;
	if (sip_pl_u32(port, UINT16_MAX, &m->port))
		return EBADMSG;
	m->nports = n;
	return 0;
}

static int media_line(struct parser *ps, struct sip_pl v)
{
	struct sip_sdp *sdp = ps->sdp;
	struct sip_sdp_media *m;
	struct sip_pl port, id;
	bool rtp;
	int err;

	if (sdp->nmedia == SIP_SDP_MAX_MEDIA)
		return fail(ps, E2BIG, "SDP: too many m= lines");
	m = &sdp->media[sdp->nmedia];
	memset(m, 0, sizeof(*m));
	if (sip_sdp_word(&v, &m->type) || sip_sdp_word(&v, &port) ||
	    sip_sdp_word(&v, &m->proto) || port_decode(port, m))
		return fail(ps, EBADMSG, "SDP: bad m= line");
	rtp = sip_sdp_is_rtp(m->proto);
	while (!sip_sdp_word(&v, &id)) {
		err = fmt_push(ps, m, id, rtp);
		if (err)
			return err;
	}
	if (!m->nfmt)
		return fail(ps, EBADMSG, "SDP: bad m= line");
	sdp->nmedia++;
	ps->m = m;
	return 0;
}

static int session_only(struct parser *ps, char type, struct sip_pl v)
{
	if (ps->m)
		return fail(ps, EBADMSG, "SDP: session line after m=");
	switch (type) {
	case 'v': return version_line(ps, v);
	case 'o': return origin_line(ps, v);
	case 's': return name_line(ps, v);
	case 't': return time_line(ps, v);
	default:  return extra_line(ps, type, v);
	}
}

static int dispatch(struct parser *ps, char type, struct sip_pl v)
{
	switch (type) {
	case 'v': case 'o': case 's': case 't':
	case 'u': case 'e': case 'p': case 'r': case 'z':
		return session_only(ps, type, v);
	case 'i': case 'k':
		return extra_line(ps, type, v);
	case 'c':
		return conn_line(ps, v);
	case 'b':
		return bw_line(ps, v);
	case 'm':
		return media_line(ps, v);
	case 'a':
		return sip_sdp_attr_decode(ps->sdp, ps->m, v, &ps->reason);
	default:
		/* §5: a description with an unknown type letter is rejected. */
		return fail(ps, EBADMSG, "SDP: unknown line type");
	}
}

/* Next line of @p rest without its LF or CRLF. */
static struct sip_pl next_line(struct sip_pl *rest)
{
	const char *lf = memchr(rest->p, '\n', rest->len);
	size_t n = lf ? (size_t)(lf - rest->p) : rest->len;
	struct sip_pl line = { rest->p, n };

	rest->p += lf ? n + 1 : n;
	rest->len -= lf ? n + 1 : n;
	if (line.len && line.p[line.len - 1] == '\r')
		line.len--;
	return line;
}

static int lines(struct parser *ps, struct sip_pl rest)
{
	struct sip_pl line;
	int err;

	while (rest.len) {
		line = next_line(&rest);
		if (!line.len)
			continue;  /* tolerate blank lines, e.g. a final one */
		if (line.len < 2 || line.p[1] != '=')
			return fail(ps, EBADMSG, "SDP: bad line");
		if (!ps->seen_v && line.p[0] != 'v')
			return fail(ps, EBADMSG, "SDP: missing v= line");
		err = dispatch(ps, line.p[0],
			       (struct sip_pl){ line.p + 2, line.len - 2 });
		if (err)
			return err;
	}
	return 0;
}

static int check(struct parser *ps)
{
	const struct sip_sdp *sdp = ps->sdp;

	if (!ps->seen_v)
		return fail(ps, EBADMSG, "SDP: missing v= line");
	if (!ps->seen_o)
		return fail(ps, EBADMSG, "SDP: missing o= line");
	if (!ps->seen_s)
		return fail(ps, EBADMSG, "SDP: missing s= line");
	if (!sdp->ntime)
		return fail(ps, EBADMSG, "SDP: missing t= line");
	/* §5.7: c= at session level or in every media; a disabled stream
	 * (port 0) has no use for one. */
	for (size_t i = 0; i < sdp->nmedia; i++)
		if (sdp->media[i].port && !sip_sdp_media_conn(sdp, &sdp->media[i]))
			return fail(ps, EBADMSG, "SDP: missing c= line");
	return 0;
}

static int take_bytes(struct sip_sdp *sdp, struct sip_pl *body, void *owner)
{
	if (owner) {
		sdp->owner = sip_mem_ref(owner);
		return 0;
	}
	return sip_sdp_strdup(sdp, body, *body);
}

int sip_sdp_decode(struct sip_sdp **sdpp, struct sip_pl body, void *owner,
		   const char **reason)
{
	struct parser ps = { 0 };
	struct sip_sdp *sdp = NULL;
	int err;

	if (body.len > SIP_SDP_MAX_SIZE) {
		err = fail(&ps, E2BIG, "SDP: too large");
		goto out;
	}
	err = sip_sdp_alloc(&sdp);
	if (err)
		goto out;
	err = take_bytes(sdp, &body, owner);
	if (err)
		goto out;
	sdp->raw = body;
	ps.sdp = sdp;
	err = lines(&ps, body);
	if (!err)
		err = check(&ps);
 out:
	if (err) {
		sip_mem_deref(sdp);
		if (reason && ps.reason)
			*reason = ps.reason;
		return err;
	}
	*sdpp = sdp;
	return 0;
}
