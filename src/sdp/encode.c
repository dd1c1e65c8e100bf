/*
 * encode.c - print a session description (RFC 8866 §5: line order
 * v o s i u e p c b (t r)+ z k a, then per media m i c b k a; CRLF).
 */
#include <inttypes.h>
#include <string.h>

#include "sdp.h"

static void crlf(struct sip_buf *b)
{
	sip_buf_append(b, "\r\n", 2);
}

static void field(struct sip_buf *b, struct sip_pl v, const char *dflt)
{
	if (v.len)
		sip_buf_pl(b, v);
	else
		sip_buf_puts(b, dflt);
}

static const char *addrtype_of(struct sip_pl addr)
{
	return addr.len && memchr(addr.p, ':', addr.len) ? "IP6" : "IP4";
}

/* "IN IP4 192.0.2.1", the tail of c=, o= and a=rtcp */
static void address(struct sip_buf *b, struct sip_pl nettype,
		    struct sip_pl addrtype, struct sip_pl addr)
{
	field(b, nettype, "IN");
	sip_buf_putc(b, ' ');
	field(b, addrtype, addrtype_of(addr));
	sip_buf_putc(b, ' ');
	field(b, addr, "0.0.0.0");
}

static void conn(struct sip_buf *b, const struct sip_sdp_conn *c)
{
	if (!sip_pl_isset(&c->addr))
		return;
	sip_buf_puts(b, "c=");
	address(b, c->nettype, c->addrtype, c->addr);
	sip_buf_pl(b, c->suffix);
	crlf(b);
}

static void bws(struct sip_buf *b, const struct sip_pl *bw, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sip_buf_puts(b, "b=");
		sip_buf_pl(b, bw[i]);
		crlf(b);
	}
}

/* The kept lines of the types in @p types, type by type; r= lines only
 * for t= line @p time. */
static void extras(struct sip_buf *b, const struct sip_sdp_line *x,
		   size_t n, const char *types, size_t time)
{
	for (const char *t = types; *t; t++) {
		for (size_t i = 0; i < n; i++) {
			if (x[i].type != *t || (*t == 'r' && x[i].time != time))
				continue;
			sip_buf_putc(b, x[i].type);
			sip_buf_putc(b, '=');
			sip_buf_pl(b, x[i].value);
			crlf(b);
		}
	}
}

static void attrs(struct sip_buf *b, const struct sip_sdp_attr *a, size_t n,
		  enum sip_sdp_dir dir)
{
	for (size_t i = 0; i < n; i++) {
		sip_buf_puts(b, "a=");
		sip_buf_pl(b, a[i].name);
		if (sip_pl_isset(&a[i].value)) {
			sip_buf_putc(b, ':');
			sip_buf_pl(b, a[i].value);
		}
		crlf(b);
	}
	if (dir != SIP_SDP_DIR_UNSET)
		sip_buf_printf(b, "a=%s\r\n", sip_sdp_dir_name(dir));
}

static void origin(struct sip_buf *b, const struct sip_sdp_origin *o)
{
	sip_buf_puts(b, "o=");
	field(b, o->user, "-");
	sip_buf_putc(b, ' ');
	field(b, o->id, "0");
	sip_buf_printf(b, " %" PRIu64 " ", o->version);
	address(b, o->nettype, o->addrtype, o->addr);
	crlf(b);
}

static void times(struct sip_buf *b, const struct sip_sdp *sdp)
{
	if (!sdp->ntime)
		sip_buf_puts(b, "t=0 0\r\n");
	for (size_t i = 0; i < sdp->ntime; i++) {
		sip_buf_printf(b, "t=%" PRIu64 " %" PRIu64 "\r\n",
			       sdp->time[i].start, sdp->time[i].stop);
		extras(b, sdp->extra, sdp->nextra, "r", i);
	}
}

static void fmt_attrs(struct sip_buf *b, const struct sip_sdp_fmt *f)
{
	if (f->rtpmap && f->name.len && f->clock) {
		sip_buf_puts(b, "a=rtpmap:");
		sip_buf_pl(b, f->id);
		sip_buf_putc(b, ' ');
		sip_buf_pl(b, f->name);
		sip_buf_printf(b, "/%" PRIu32, f->clock);
		if (f->channels)
			sip_buf_printf(b, "/%" PRIu32, f->channels);
		crlf(b);
	}
	if (sip_pl_isset(&f->params)) {
		sip_buf_puts(b, "a=fmtp:");
		sip_buf_pl(b, f->id);
		sip_buf_putc(b, ' ');
		sip_buf_pl(b, f->params);
		crlf(b);
	}
}

static void media_line(struct sip_buf *b, const struct sip_sdp_media *m)
{
	sip_buf_puts(b, "m=");
	sip_buf_pl(b, m->type);
	sip_buf_printf(b, " %" PRIu32, m->port);
	if (m->nports)
		sip_buf_printf(b, "/%" PRIu32, m->nports);
	sip_buf_putc(b, ' ');
	sip_buf_pl(b, m->proto);
	for (size_t i = 0; i < m->nfmt; i++) {
		sip_buf_putc(b, ' ');
		sip_buf_pl(b, m->fmt[i].id);
	}
	crlf(b);
}

static void media(struct sip_buf *b, const struct sip_sdp_media *m)
{
	media_line(b, m);
	extras(b, m->extra, m->nextra, "i", 0);
	conn(b, &m->conn);
	bws(b, m->bw, m->nbw);
	extras(b, m->extra, m->nextra, "k", 0);
	for (size_t i = 0; i < m->nfmt; i++)
		fmt_attrs(b, &m->fmt[i]);
	if (m->ptime)
		sip_buf_printf(b, "a=ptime:%" PRIu32 "\r\n", m->ptime);
	if (m->maxptime)
		sip_buf_printf(b, "a=maxptime:%" PRIu32 "\r\n", m->maxptime);
	if (m->rtcp_port) {
		sip_buf_printf(b, "a=rtcp:%" PRIu32, m->rtcp_port);
		if (sip_pl_isset(&m->rtcp_conn.addr)) {
			sip_buf_putc(b, ' ');
			address(b, m->rtcp_conn.nettype, m->rtcp_conn.addrtype,
				m->rtcp_conn.addr);
			sip_buf_pl(b, m->rtcp_conn.suffix);
		}
		crlf(b);
	}
	attrs(b, m->attr, m->nattr, m->dir);
}

int sip_sdp_encode(struct sip_buf *b, const struct sip_sdp *sdp)
{
	sip_buf_printf(b, "v=%" PRIu32 "\r\n", sdp->version);
	origin(b, &sdp->origin);
	sip_buf_puts(b, "s=");
	field(b, sdp->name, "-");
	crlf(b);
	extras(b, sdp->extra, sdp->nextra, "iuep", 0);
	conn(b, &sdp->conn);
	bws(b, sdp->bw, sdp->nbw);
	times(b, sdp);
	extras(b, sdp->extra, sdp->nextra, "zk", 0);
	attrs(b, sdp->attr, sdp->nattr, sdp->dir);
	for (size_t i = 0; i < sdp->nmedia; i++)
		media(b, &sdp->media[i]);
	return sip_buf_err(b);
}
