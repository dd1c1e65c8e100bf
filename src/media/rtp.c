/*
 * rtp.c - RTP fixed header, CSRC list, header extension and padding
 * (RFC 3550 §5.1, §5.3.1), bounds-checked in both directions.
 */
#include <errno.h>
#include <string.h>

#include "sip/rtp.h"
#include "bytes.h"

enum {
	EXT_WORDS_MAX = 0xffff,
};

/* Header extension (§5.3.1): 16-bit profile, 16-bit length in words. */
static int decode_ext(struct sip_rtp_pkt *p, const uint8_t *buf, size_t len,
		      size_t *offp)
{
	size_t off = *offp, words;

	if (len - off < 4)
		return EBADMSG;
	p->ext_profile = be16(buf + off);
	words = be16(buf + off + 2);
	off += 4;
	if ((len - off) / 4 < words)
		return EBADMSG;
	p->ext_data = buf + off;
	p->ext_len = words * 4;
	*offp = off + words * 4;
	return 0;
}

int sip_rtp_decode(struct sip_rtp_pkt *pkt, const uint8_t *buf, size_t len)
{
	struct sip_rtp_pkt p;
	size_t off = SIP_RTP_HDR_LEN, i;
	int err;

	if (!pkt || !buf)
		return EINVAL;
	if (len < SIP_RTP_HDR_LEN || buf[0] >> 6 != SIP_RTP_VERSION)
		return EBADMSG;
	memset(&p, 0, sizeof p);
	p.cc = buf[0] & 0x0f;
	p.ext = (buf[0] >> 4) & 1;
	p.marker = buf[1] >> 7;
	p.pt = buf[1] & 0x7f;
	p.seq = be16(buf + 2);
	p.ts = be32(buf + 4);
	p.ssrc = be32(buf + 8);
	if ((len - off) / 4 < p.cc)
		return EBADMSG;
	for (i = 0; i < p.cc; i++, off += 4)
		p.csrc[i] = be32(buf + off);
	if (p.ext) {
		err = decode_ext(&p, buf, len, &off);
		if (err)
			return err;
	}
	p.payload = buf + off;
	p.payload_len = len - off;
	if (buf[0] & 0x20) {
		/* §5.1: the last octet counts the padding, itself included. */
		if (p.payload_len == 0)
			return EBADMSG;
		p.pad_len = buf[len - 1];
		if (p.pad_len == 0 || p.pad_len > p.payload_len)
			return EBADMSG;
		p.payload_len -= p.pad_len;
	}
	*pkt = p;
	return 0;
}

static int check_encode(const struct sip_rtp_pkt *p)
{
	if (p->cc > SIP_RTP_CSRC_MAX || p->pt > 127 || p->pad_len > 255)
		return EINVAL;
	if (p->ext && (p->ext_len % 4 || p->ext_len / 4 > EXT_WORDS_MAX ||
		       (p->ext_len && !p->ext_data)))
		return EINVAL;
	if (p->payload_len && !p->payload)
		return EINVAL;
	return 0;
}

int sip_rtp_encode(uint8_t *buf, size_t size, const struct sip_rtp_pkt *pkt,
		   size_t *lenp)
{
	size_t need, off = SIP_RTP_HDR_LEN, i;
	int err;

	if (!buf || !pkt || !lenp)
		return EINVAL;
	err = check_encode(pkt);
	if (err)
		return err;
	need = SIP_RTP_HDR_LEN + 4u * pkt->cc + pkt->payload_len + pkt->pad_len;
	if (pkt->ext)
		need += 4 + pkt->ext_len;
	if (size < need)
		return ENOBUFS;
	buf[0] = (uint8_t)(SIP_RTP_VERSION << 6 | (pkt->pad_len ? 0x20 : 0) |
			   (pkt->ext ? 0x10 : 0) | pkt->cc);
	buf[1] = (uint8_t)((pkt->marker ? 0x80 : 0) | pkt->pt);
	put_be16(buf + 2, pkt->seq);
	put_be32(buf + 4, pkt->ts);
	put_be32(buf + 8, pkt->ssrc);
	for (i = 0; i < pkt->cc; i++, off += 4)
		put_be32(buf + off, pkt->csrc[i]);
	if (pkt->ext) {
		put_be16(buf + off, pkt->ext_profile);
		put_be16(buf + off + 2, (uint16_t)(pkt->ext_len / 4));
		off += 4;
		if (pkt->ext_len)
			memcpy(buf + off, pkt->ext_data, pkt->ext_len);
		off += pkt->ext_len;
	}
	if (pkt->payload_len)
		memcpy(buf + off, pkt->payload, pkt->payload_len);
	off += pkt->payload_len;
	if (pkt->pad_len) {
		memset(buf + off, 0, pkt->pad_len - 1);
		buf[off + pkt->pad_len - 1] = (uint8_t)pkt->pad_len;
		off += pkt->pad_len;
	}
	*lenp = off;
	return 0;
}
