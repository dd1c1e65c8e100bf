/*
 * lex.c - field splitting for SDP lines (RFC 8866 §9: fields are
 * separated by a single space; we also accept runs of spaces).
 */
#include <errno.h>
#include <string.h>

#include "sdp.h"

static void skip_sp(struct sip_pl *c)
{
	while (c->len && c->p[0] == ' ') {
		c->p++;
		c->len--;
	}
}

int sip_sdp_word(struct sip_pl *c, struct sip_pl *w)
{
	size_t i = 0;

	skip_sp(c);
	if (!c->len)
		return ENOENT;
	while (i < c->len && c->p[i] != ' ')
		i++;
	w->p = c->p;
	w->len = i;
	c->p += i;
	c->len -= i;
	return 0;
}

bool sip_sdp_end(const struct sip_pl *c)
{
	for (size_t i = 0; i < c->len; i++)
		if (c->p[i] != ' ')
			return false;
	return true;
}

bool sip_sdp_split(struct sip_pl s, char ch, struct sip_pl *head,
		   struct sip_pl *tail)
{
	const char *q = s.len ? memchr(s.p, ch, s.len) : NULL;

	if (!q)
		return false;
	head->p = s.p;
	head->len = (size_t)(q - s.p);
	tail->p = q + 1;
	tail->len = s.len - head->len - 1;
	return true;
}

int sip_sdp_u64(struct sip_pl pl, uint64_t *out)
{
	uint64_t n = 0;

	if (!pl.len)
		return EINVAL;
	for (size_t i = 0; i < pl.len; i++) {
		unsigned d = (unsigned)(pl.p[i] - '0');

		if (d > 9)
			return EINVAL;
		if (n > (UINT64_MAX - d) / 10)
			return EINVAL;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

int sip_sdp_conn_decode(struct sip_pl v, struct sip_sdp_conn *c)
{
	struct sip_sdp_conn t = { 0 };
	struct sip_pl addr, slash;

	if (sip_sdp_word(&v, &t.nettype) || sip_sdp_word(&v, &t.addrtype) ||
	    sip_sdp_word(&v, &addr) || !sip_sdp_end(&v))
		return EBADMSG;
	t.addr = addr;
	t.suffix = (struct sip_pl){ addr.p + addr.len, 0 };
	if (sip_sdp_split(addr, '/', &t.addr, &slash)) {
		t.suffix.p = slash.p - 1;
		t.suffix.len = slash.len + 1;
	}
	if (!t.addr.len)
		return EBADMSG;
	*c = t;
	return 0;
}

bool sip_sdp_is_rtp(struct sip_pl proto)
{
	for (size_t i = 0; i + 4 <= proto.len; i++)
		if (!memcmp(proto.p + i, "RTP/", 4))
			return true;
	return false;
}

enum sip_sdp_dir sip_sdp_dir_parse(struct sip_pl name)
{
	static const struct {
		const char *name;
		enum sip_sdp_dir dir;
	} dirs[] = {
		{ "sendrecv", SIP_SDP_SENDRECV },
		{ "sendonly", SIP_SDP_SENDONLY },
		{ "recvonly", SIP_SDP_RECVONLY },
		{ "inactive", SIP_SDP_INACTIVE },
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (sip_pl_caseeqs(name, dirs[i].name))
			return dirs[i].dir;
	return SIP_SDP_DIR_UNSET;
}
