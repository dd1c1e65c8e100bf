/*
 * rtcp.c - RTCP SR, RR, SDES CNAME and BYE encode/decode (RFC 3550
 * §6.4.1, §6.4.2, §6.5, §6.6). The common header (§6.4.1): V=2, P,
 * count (5 bits), type, length in 32-bit words minus one.
 */
#include <errno.h>
#include <string.h>

#include "sip/rtcp.h"
#include "bytes.h"

enum {
	HDR_LEN = 4,
	RB_LEN = 24,
	SENDER_LEN = 20,
	SDES_END = 0,
	SDES_CNAME = 1,
};

static void decode_rb(struct sip_rtcp_rb *rb, const uint8_t *p)
{
	uint32_t lost = be32(p + 4) & 0xffffff;

	rb->ssrc = be32(p);
	rb->fraction = p[4];
	/* sign-extend the 24-bit cumulative loss */
	rb->lost = (lost & 0x800000) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
	rb->ext_max_seq = be32(p + 8);
	rb->jitter = be32(p + 12);
	rb->lsr = be32(p + 16);
	rb->dlsr = be32(p + 20);
}

static void encode_rb(uint8_t *p, const struct sip_rtcp_rb *rb)
{
	put_be32(p, rb->ssrc);
	put_be32(p + 4, (uint32_t)rb->fraction << 24 |
		 ((uint32_t)rb->lost & 0xffffff));
	put_be32(p + 8, rb->ext_max_seq);
	put_be32(p + 12, rb->jitter);
	put_be32(p + 16, rb->lsr);
	put_be32(p + 20, rb->dlsr);
}

static int decode_report(struct sip_rtcp_pkt *k, const uint8_t *p, size_t len)
{
	size_t need = 4 + (k->type == SIP_RTCP_SR ? SENDER_LEN : 0) +
		(size_t)k->count * RB_LEN;
	unsigned i;

	if (len < need)
		return EBADMSG;
	k->ssrc = be32(p);
	p += 4;
	if (k->type == SIP_RTCP_SR) {
		k->sr.ntp_sec = be32(p);
		k->sr.ntp_frac = be32(p + 4);
		k->sr.rtp_ts = be32(p + 8);
		k->sr.pkt_count = be32(p + 12);
		k->sr.octet_count = be32(p + 16);
		p += SENDER_LEN;
	}
	for (i = 0; i < k->count; i++, p += RB_LEN)
		decode_rb(&k->rb[i], p);
	return 0;
}

static int decode_bye(struct sip_rtcp_pkt *k, const uint8_t *p, size_t len)
{
	size_t off = (size_t)k->count * 4;
	unsigned i;

	if (len < off)
		return EBADMSG;
	for (i = 0; i < k->count; i++)
		k->srcs[i] = be32(p + 4 * i);
	if (k->count)
		k->ssrc = k->srcs[0];
	if (off < len) {
		/* §6.6: optional length-prefixed reason */
		if ((size_t)p[off] > len - off - 1)
			return EBADMSG;
		k->reason = (const char *)p + off + 1;
		k->reason_len = p[off];
	}
	return 0;
}

/* §6.5: chunks of SSRC then items (type, length, text) ending in END. */
static int decode_sdes(struct sip_rtcp_pkt *k, const uint8_t *p, size_t len)
{
	size_t off = 4;

	if (k->count == 0)
		return 0;
	if (len < 4)
		return EBADMSG;
	k->ssrc = be32(p);
	while (off < len && p[off] != SDES_END) {
		if (len - off < 2 || p[off + 1] > len - off - 2)
			return EBADMSG;
		if (p[off] == SDES_CNAME && !k->cname) {
			k->cname = (const char *)p + off + 2;
			k->cname_len = p[off + 1];
		}
		off += 2 + (size_t)p[off + 1];
	}
	if (off >= len)
		return EBADMSG;          /* no END item */
	return 0;
}

int sip_rtcp_decode(struct sip_rtcp_pkt *pkt, const uint8_t *buf, size_t len,
		    size_t *usedp)
{
	struct sip_rtcp_pkt k;
	size_t plen, body;
	int err = 0;

	if (!pkt || !buf || !usedp)
		return EINVAL;
	if (len < HDR_LEN || buf[0] >> 6 != 2)
		return EBADMSG;
	plen = ((size_t)be16(buf + 2) + 1) * 4;
	if (plen > len)
		return EBADMSG;
	body = plen - HDR_LEN;
	if (buf[0] & 0x20) {
		if (buf[plen - 1] == 0 || buf[plen - 1] > body)
			return EBADMSG;
		body -= buf[plen - 1];
	}
	memset(&k, 0, sizeof k);
	k.type = buf[1];
	k.count = buf[0] & 0x1f;
	if (k.type == SIP_RTCP_SR || k.type == SIP_RTCP_RR)
		err = decode_report(&k, buf + HDR_LEN, body);
	else if (k.type == SIP_RTCP_BYE)
		err = decode_bye(&k, buf + HDR_LEN, body);
	else if (k.type == SIP_RTCP_SDES)
		err = decode_sdes(&k, buf + HDR_LEN, body);
	if (err)
		return err;
	*pkt = k;
	*usedp = plen;
	return 0;
}

static size_t body_len(const struct sip_rtcp_pkt *k)
{
	if (k->type == SIP_RTCP_BYE)
		return (size_t)k->count * 4 +
			(k->reason_len ? (k->reason_len + 1 + 3) / 4 * 4 : 0);
	if (k->type == SIP_RTCP_SDES)   /* SSRC, CNAME item, END, padding */
		return 4 + (2 + k->cname_len + 1 + 3) / 4 * 4;
	return 4 + (k->type == SIP_RTCP_SR ? SENDER_LEN : 0) +
		(size_t)k->count * RB_LEN;
}

static void encode_body(uint8_t *p, const struct sip_rtcp_pkt *k, size_t len)
{
	unsigned i;

	memset(p, 0, len);
	if (k->type == SIP_RTCP_BYE) {
		for (i = 0; i < k->count; i++, p += 4)
			put_be32(p, k->srcs[i]);
		if (k->reason_len) {
			p[0] = (uint8_t)k->reason_len;
			memcpy(p + 1, k->reason, k->reason_len);
		}
		return;
	}
	put_be32(p, k->ssrc);
	p += 4;
	if (k->type == SIP_RTCP_SDES) {
		p[0] = SDES_CNAME;
		p[1] = (uint8_t)k->cname_len;
		memcpy(p + 2, k->cname, k->cname_len);
		return;                  /* END and padding: zeroed above */
	}
	if (k->type == SIP_RTCP_SR) {
		put_be32(p, k->sr.ntp_sec);
		put_be32(p + 4, k->sr.ntp_frac);
		put_be32(p + 8, k->sr.rtp_ts);
		put_be32(p + 12, k->sr.pkt_count);
		put_be32(p + 16, k->sr.octet_count);
		p += SENDER_LEN;
	}
	for (i = 0; i < k->count; i++, p += RB_LEN)
		encode_rb(p, &k->rb[i]);
}

int sip_rtcp_encode(uint8_t *buf, size_t size, const struct sip_rtcp_pkt *pkt,
		    size_t *lenp)
{
	size_t body;

	if (!buf || !pkt || !lenp)
		return EINVAL;
	if (pkt->type != SIP_RTCP_SR && pkt->type != SIP_RTCP_RR &&
	    pkt->type != SIP_RTCP_BYE && pkt->type != SIP_RTCP_SDES)
		return EINVAL;
	if (pkt->type == SIP_RTCP_SDES &&
	    (!pkt->cname || pkt->cname_len == 0 ||
	     pkt->cname_len > SIP_RTCP_CNAME_MAX))
		return EINVAL;
	if (pkt->count > SIP_RTCP_COUNT_MAX ||
	    pkt->reason_len > SIP_RTCP_REASON_MAX ||
	    (pkt->reason_len && !pkt->reason))
		return EINVAL;
	body = body_len(pkt);
	if (size < HDR_LEN + body)
		return ENOBUFS;
	buf[0] = (uint8_t)(2 << 6 |
			   (pkt->type == SIP_RTCP_SDES ? 1 : pkt->count));
	buf[1] = pkt->type;
	put_be16(buf + 2, (uint16_t)(body / 4));
	encode_body(buf + HDR_LEN, pkt, body);
	*lenp = HDR_LEN + body;
	return 0;
}
