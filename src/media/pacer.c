/*
 * pacer.c - real-time G.711 sender: frames of ptime from a sample source,
 * RTP sequence and timestamp advancing per packet (RFC 3550 §5.1), the
 * marker on the first packet of the talkspurt (RFC 3551 §4.1).
 */
#include <errno.h>
#include <string.h>

#include "sip/g711.h"
#include "sip/pacer.h"
#include "sip/rtp.h"

int sip_pacer_init(struct sip_pacer *p, const struct sip_pacer_cfg *cfg,
		   sip_media_src_h *srch, void *arg)
{
	if (!cfg || !srch)
		return EINVAL;
	if (cfg->pt != SIP_G711_PT_PCMU && cfg->pt != SIP_G711_PT_PCMA)
		return EINVAL;
	if (cfg->ptime_ms < 10 || cfg->ptime_ms > SIP_PACER_PTIME_MAX ||
	    cfg->ptime_ms % 10)
		return EINVAL;
	memset(p, 0, sizeof *p);
	p->cfg = *cfg;
	p->srch = srch;
	p->arg = arg;
	p->seq = cfg->seq;
	p->ts = cfg->ts;
	p->samples = cfg->ptime_ms * (SIP_PACER_RATE / 1000);
	return 0;
}

uint64_t sip_pacer_next_due(const struct sip_pacer *p)
{
	if (!p->started)
		return 0;
	return p->start_ms + p->sent * p->cfg.ptime_ms;
}

/* Fill one frame; short reads are retried, the tail padded with zeros. */
static int fill(struct sip_pacer *p, int16_t *s, size_t *gotp)
{
	size_t got = 0, n;
	int err;

	while (got < p->samples) {
		err = p->srch(p->arg, s + got, p->samples - got, &n);
		if (err)
			return err;
		if (n == 0) {
			p->eof = true;
			break;
		}
		got += n;
	}
	memset(s + got, 0, (p->samples - got) * sizeof *s);
	*gotp = got;
	return 0;
}

int sip_pacer_poll(struct sip_pacer *p, uint64_t now_ms, uint8_t *buf,
		   size_t size, size_t *lenp)
{
	int16_t s[SIP_PACER_SAMPLES_MAX];
	uint8_t code[SIP_PACER_SAMPLES_MAX];
	struct sip_rtp_pkt pkt;
	size_t got;
	int err;

	if (p->eof)
		return ENOENT;
	if (size < SIP_RTP_HDR_LEN + p->samples)
		return ENOBUFS;
	if (!p->started) {
		p->started = true;
		p->start_ms = now_ms;
	}
	if (now_ms < sip_pacer_next_due(p))
		return EAGAIN;
	err = fill(p, s, &got);
	if (err)
		return err;
	if (got == 0)
		return ENOENT;
	(void)sip_g711_encode(p->cfg.pt, code, s, p->samples);
	memset(&pkt, 0, sizeof pkt);
	pkt.marker = p->sent == 0;
	pkt.pt = p->cfg.pt;
	pkt.seq = p->seq;
	pkt.ts = p->ts;
	pkt.ssrc = p->cfg.ssrc;
	pkt.payload = code;
	pkt.payload_len = p->samples;
	err = sip_rtp_encode(buf, size, &pkt, lenp);
	if (err)
		return err;
	p->seq++;
	p->ts += p->samples;
	p->sent++;
	return 0;
}

int sip_pacer_skip(struct sip_pacer *p, uint64_t now_ms, uint16_t *seqp,
		   uint32_t *tsp)
{
	int16_t s[SIP_PACER_SAMPLES_MAX];
	size_t got;
	int err;

	if (!p->started) {
		p->started = true;
		p->start_ms = now_ms;
	}
	if (now_ms < sip_pacer_next_due(p))
		return EAGAIN;
	if (!p->eof) {
		err = fill(p, s, &got);
		if (err)
			return err;
	}
	*seqp = p->seq++;
	*tsp = p->ts;
	p->ts += p->samples;
	p->sent++;
	return 0;
}
