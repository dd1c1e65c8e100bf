/*
 * rtprx.c - one received G.711 stream: RTP decode and statistics
 * (RFC 3550 §5.1, §6.4.1, §8.2), RFC 4733 events by payload type, audio
 * through the jitter buffer and out as PCM, silence for gaps.
 */
#include <errno.h>
#include <string.h>

#include "sip/g711.h"
#include "sip/rtprx.h"

int sip_rtprx_init(struct sip_rtprx *rx, const struct sip_rtprx_cfg *cfg)
{
	int err;

	if (!cfg || (cfg->audio_pt != SIP_G711_PT_PCMU &&
		     cfg->audio_pt != SIP_G711_PT_PCMA))
		return EINVAL;
	if (cfg->ptime_ms < 10 || cfg->ptime_ms > 40)
		return EINVAL;
	memset(rx, 0, sizeof *rx);
	err = sip_jbuf_init(&rx->jb, cfg->delay_ms, cfg->ptime_ms);
	if (err)
		return err;
	rx->cfg = *cfg;
	sip_rtp_rstats_init(&rx->stats);
	sip_dtmf_rx_init(&rx->dtmf);
	return 0;
}

/* §8.2: a new SSRC is a new source; forget everything about the old one. */
static void adopt(struct sip_rtprx *rx, uint32_t ssrc)
{
	if (rx->have_ssrc)
		rx->ssrc_changes++;
	rx->have_ssrc = true;
	rx->ssrc = ssrc;
	sip_rtp_rstats_init(&rx->stats);
	sip_jbuf_reset(&rx->jb);
	sip_dtmf_rx_init(&rx->dtmf);
}

int sip_rtprx_input(struct sip_rtprx *rx, const uint8_t *buf, size_t len,
		    uint32_t arrival, char *digitp)
{
	struct sip_rtp_pkt p;
	int err;

	*digitp = '\0';
	err = sip_rtp_decode(&p, buf, len);
	if (err) {
		rx->bad++;
		return err;
	}
	if (p.pt != rx->cfg.audio_pt && (int)p.pt != rx->cfg.dtmf_pt) {
		rx->other_pt++;
		return EPROTONOSUPPORT;
	}
	if (!rx->have_ssrc || p.ssrc != rx->ssrc)
		adopt(rx, p.ssrc);
	/* probation and big jumps only affect the report, not play-out */
	(void)sip_rtp_rstats_update(&rx->stats, p.seq, p.ts, arrival);
	if ((int)p.pt == rx->cfg.dtmf_pt) {
		char c;

		err = sip_dtmf_rx_input(&rx->dtmf, p.ts, p.payload,
					p.payload_len, &c);
		if (!err)
			*digitp = c;
		/*
		 * Events take the audio's sequence numbers (RFC 4733 §2.1):
		 * an empty frame keeps play-out from counting them as lost.
		 * A late or duplicate one still counts as an event above.
		 */
		(void)sip_jbuf_put(&rx->jb, p.seq, p.ts, p.pt, NULL, 0);
		return err == EPROTONOSUPPORT ? 0 : err;
	}
	return sip_jbuf_put(&rx->jb, p.seq, p.ts, p.pt, p.payload,
			    p.payload_len);
}

int sip_rtprx_tick(struct sip_rtprx *rx, int16_t *pcm, size_t n)
{
	struct sip_jbuf_frame f;
	size_t k;
	int err;

	if (n != rx->cfg.ptime_ms * 8u)
		return EINVAL;
	err = sip_jbuf_get(&rx->jb, &f);
	if (err) {
		memset(pcm, 0, n * sizeof *pcm);
		return err;
	}
	k = f.len < n ? f.len : n;
	(void)sip_g711_decode(rx->cfg.audio_pt, pcm, f.data, k);
	memset(pcm + k, 0, (n - k) * sizeof *pcm);
	return 0;
}
