/*
 * pacer.h - the sending side of an audio stream: reads samples from a
 * source (e.g. a WAV file), cuts them into packet-time frames, encodes them
 * as G.711 and wraps them in RTP (RFC 3550 §5.1, RFC 3551 §4.5.14, §4.1
 * marker) at the right time. No sockets or timers: the caller passes the
 * current time and sends the packets produced.
 */
#ifndef SIP_PACER_H
#define SIP_PACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SIP_PACER_RATE = 8000,
	SIP_PACER_PTIME_MAX = 40,                            /* ms */
	SIP_PACER_SAMPLES_MAX = SIP_PACER_RATE / 1000 * SIP_PACER_PTIME_MAX,
};

/**
 * Sample source: write up to @p n samples to @p buf, *gotp the count (0 at
 * the end). Returns 0 or an errno value, passed on to the caller.
 */
typedef int (sip_media_src_h)(void *arg, int16_t *buf, size_t n,
			      size_t *gotp);

struct sip_pacer_cfg {
	uint8_t pt;                  /* SIP_G711_PT_PCMU or _PCMA */
	uint32_t ssrc;
	uint16_t seq;                /* first sequence number (random) */
	uint32_t ts;                 /* first timestamp (random) */
	unsigned ptime_ms;           /* packet time, 10..40, e.g. 20 */
};

struct sip_pacer {
	struct sip_pacer_cfg cfg;
	sip_media_src_h *srch;
	void *arg;                   /* borrowed, for srch */
	uint16_t seq;                /* next packet's */
	uint32_t ts;                 /* next packet's */
	unsigned samples;            /* per packet */
	uint64_t start_ms;           /* time of the first packet */
	uint64_t sent;               /* packets produced */
	bool started;
	bool eof;
};

/**
 * Initialise a pacer reading from @p srch(@p arg). Returns 0, or EINVAL
 * for a payload type other than PCMU/PCMA or a packet time outside
 * 10..SIP_PACER_PTIME_MAX ms or not a multiple of 10 ms.
 */
int sip_pacer_init(struct sip_pacer *p, const struct sip_pacer_cfg *cfg,
		   sip_media_src_h *srch, void *arg);

/**
 * If a packet is due at @p now_ms (the first one is due at the first call),
 * build it in @p buf of @p size bytes; *lenp gets its length. Packet k is
 * due at start + k * ptime, so a caller that woke up late calls again until
 * EAGAIN to catch up. The last frame is padded with silence. Returns 0;
 * EAGAIN if nothing is due yet; ENOENT once the source is exhausted;
 * ENOBUFS if @p size is too small; the source's error otherwise.
 */
int sip_pacer_poll(struct sip_pacer *p, uint64_t now_ms, uint8_t *buf,
		   size_t size, size_t *lenp);

/**
 * Give the next due packet slot to another packet of the same stream, e.g.
 * an RFC 4733 telephone-event (which shares the sequence and timestamp
 * space, §2.1): *seqp and *tsp get the sequence number and timestamp the
 * caller's packet should use, and one frame of audio is read and dropped so
 * the audio stays in real time. Works after the source has ended (a digit
 * can follow the audio). Returns 0; EAGAIN if nothing is due yet; the
 * source's error otherwise.
 */
int sip_pacer_skip(struct sip_pacer *p, uint64_t now_ms, uint16_t *seqp,
		   uint32_t *tsp);

/** When the next packet is due (ms, same clock as now_ms); 0 before start. */
uint64_t sip_pacer_next_due(const struct sip_pacer *p);

#endif
