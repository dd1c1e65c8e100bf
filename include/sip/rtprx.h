/*
 * rtprx.h - the receiving side of one G.711 audio stream: RTP decode
 * (RFC 3550 §5.1), receiver statistics (§6.4.1, A.1-A.8), RFC 4733
 * telephone-events split off by payload type, and audio through a jitter
 * buffer, played out one packet time per tick as 16-bit PCM. No sockets or
 * timers: the caller feeds datagrams and ticks.
 */
#ifndef SIP_RTPRX_H
#define SIP_RTPRX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/dtmf.h"
#include "sip/jbuf.h"
#include "sip/rtp.h"

struct sip_rtprx_cfg {
	uint8_t audio_pt;            /* SIP_G711_PT_PCMU or _PCMA */
	int dtmf_pt;                 /* telephone-event pt (e.g. 101), -1: none */
	unsigned delay_ms;           /* jitter buffer target, e.g. 60 */
	unsigned ptime_ms;           /* 10..40, e.g. 20 */
};

/** Caller-owned (about 23 KB). */
struct sip_rtprx {
	struct sip_rtprx_cfg cfg;
	bool have_ssrc;
	uint32_t ssrc;               /* source being played */
	struct sip_rtp_rstats stats;
	struct sip_jbuf jb;
	struct sip_dtmf_rx dtmf;
	uint32_t ssrc_changes;
	uint32_t bad;                /* malformed packets */
	uint32_t other_pt;           /* packets of another payload type */
};

/**
 * Initialise a receiver. Returns 0, or EINVAL for an audio payload type
 * other than PCMU/PCMA, a packet time outside 10..40 ms or a delay the
 * jitter buffer cannot hold.
 */
int sip_rtprx_init(struct sip_rtprx *rx, const struct sip_rtprx_cfg *cfg);

/**
 * Feed one received datagram (borrowed for the call), @p arrival in RTP
 * clock units (8 kHz) of the local clock. *digitp gets a DTMF digit ('0'-
 * '9', '*', '#', 'A'-'D') reported for the first time, else '\0'. A new
 * SSRC restarts the statistics, jitter buffer and DTMF receiver (RFC 3550
 * §8.2: the sender changed). Returns 0 when the packet was used; EBADMSG
 * for a malformed packet; EPROTONOSUPPORT for another payload type; the
 * jitter buffer's ETIMEDOUT, EALREADY, ENOBUFS or EMSGSIZE for an audio
 * packet it dropped; ENOENT for a telephone-event packet of an event
 * already reported.
 */
int sip_rtprx_input(struct sip_rtprx *rx, const uint8_t *buf, size_t len,
		    uint32_t arrival, char *digitp);

/**
 * Call once per packet time: fills @p pcm with exactly @p n samples (n must
 * be ptime_ms * 8). Returns 0 for received audio (a shorter payload is
 * padded with silence; a telephone-event packet's slot is silence);
 * ENODATA for a lost packet, EAGAIN while buffering: in both cases @p pcm
 * holds silence. EINVAL for a wrong @p n.
 */
int sip_rtprx_tick(struct sip_rtprx *rx, int16_t *pcm, size_t n);

#endif
