/*
 * jbuf.h - a small fixed-delay jitter buffer for RTP audio (RFC 3550 §5.1
 * sequence numbers, 16-bit wrap). Packets go in out of order; frames come
 * out in sequence order, one per packet time (e.g. 20 ms), after a fixed
 * target delay. Late packets are dropped and counted; gaps are reported as
 * loss so the caller can play silence or conceal.
 *
 *   EMPTY --put--> PREBUF --delay ticks--> PLAYING --buffer drained--> EMPTY
 */
#ifndef SIP_JBUF_H
#define SIP_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SIP_JBUF_SLOTS = 64,         /* packets held at most (1.28 s @20 ms) */
	SIP_JBUF_FRAME_MAX = 320,    /* payload bytes per packet */
};

struct sip_jbuf_frame {
	uint16_t seq;
	uint32_t ts;
	uint8_t pt;
	size_t len;
	uint8_t data[SIP_JBUF_FRAME_MAX];
};

struct sip_jbuf_stats {
	uint32_t put;                /* packets accepted */
	uint32_t played;             /* frames returned */
	uint32_t late;               /* dropped: their time had passed */
	uint32_t dup;                /* dropped: already buffered */
	uint32_t overflow;           /* dropped: too far ahead */
	uint32_t lost;               /* gaps reported */
	uint32_t underrun;           /* buffer ran dry while playing */
};

enum sip_jbuf_state {
	SIP_JBUF_EMPTY,
	SIP_JBUF_PREBUF,
	SIP_JBUF_PLAYING,
};

/** Caller-owned (about 22 KB); initialise with sip_jbuf_init(). */
struct sip_jbuf {
	enum sip_jbuf_state state;
	unsigned delay_ticks;        /* target delay in packet times */
	unsigned wait;               /* PREBUF: ticks left */
	uint16_t next_seq;           /* next to play */
	uint16_t max_seq;            /* highest buffered */
	uint16_t last_played;        /* played or declared lost */
	bool have_last;
	unsigned count;              /* slots in use */
	struct sip_jbuf_frame slot[SIP_JBUF_SLOTS];
	bool used[SIP_JBUF_SLOTS];
	struct sip_jbuf_stats stats;
};

/**
 * Initialise an empty buffer holding @p delay_ms of audio before playing,
 * with one frame every @p ptime_ms. Returns 0, or EINVAL if ptime_ms is 0
 * or the delay needs SIP_JBUF_SLOTS / 2 frames or more.
 */
int sip_jbuf_init(struct sip_jbuf *jb, unsigned delay_ms, unsigned ptime_ms);

/**
 * Forget all packets and history (e.g. when the SSRC changes); the delay
 * and statistics are kept.
 */
void sip_jbuf_reset(struct sip_jbuf *jb);

/**
 * Insert one packet; the payload is copied. Returns 0; ETIMEDOUT for a
 * packet whose turn has passed (counted late); EALREADY for a duplicate;
 * ENOBUFS for one SIP_JBUF_SLOTS or more ahead of the play-out point;
 * EMSGSIZE for a payload over SIP_JBUF_FRAME_MAX.
 */
int sip_jbuf_put(struct sip_jbuf *jb, uint16_t seq, uint32_t ts, uint8_t pt,
		 const uint8_t *data, size_t len);

/**
 * Call once per packet time. Returns 0 with the next frame in *f; ENODATA
 * when that frame is missing while later ones are buffered (a loss: play
 * silence; the gap is never filled afterwards); EAGAIN while buffering,
 * before play-out starts or after the buffer ran dry (also silence).
 * *f is written only on success.
 */
int sip_jbuf_get(struct sip_jbuf *jb, struct sip_jbuf_frame *f);

#endif
