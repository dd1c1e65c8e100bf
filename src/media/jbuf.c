/*
 * jbuf.c - fixed-delay jitter buffer (see jbuf.h for the state diagram).
 *
 * Slots are indexed by seq % SIP_JBUF_SLOTS; only sequence numbers in
 * [next_seq, next_seq + SLOTS) are admitted, so a slot never holds two.
 * Sequence comparisons use 16-bit serial arithmetic (RFC 3550 §5.1 wraps).
 *
 * EMPTY:   count == 0, nothing to play.
 * PREBUF:  wait ticks to go; next_seq is the lowest packet seen so far.
 * PLAYING: one frame (or one loss) per tick; on an empty buffer -> EMPTY
 *          and the next packet starts a new pre-buffer, so a silent sender
 *          (hold, VAD) does not make every later packet "late".
 */
#include <errno.h>
#include <string.h>

#include "sip/jbuf.h"

/* Serial-number difference a - b in -32768..32767. */
static int seqdiff(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b);
}

int sip_jbuf_init(struct sip_jbuf *jb, unsigned delay_ms, unsigned ptime_ms)
{
	unsigned ticks;

	if (ptime_ms == 0)
		return EINVAL;
	ticks = (delay_ms + ptime_ms - 1) / ptime_ms;
	if (ticks >= SIP_JBUF_SLOTS / 2)
		return EINVAL;
	memset(jb, 0, sizeof *jb);
	jb->delay_ticks = ticks;
	jb->state = SIP_JBUF_EMPTY;
	return 0;
}

void sip_jbuf_reset(struct sip_jbuf *jb)
{
	memset(jb->used, 0, sizeof jb->used);
	jb->count = 0;
	jb->have_last = false;
	jb->state = SIP_JBUF_EMPTY;
}

/* Where does @p seq go? 0 if it may be stored, else the put() error. */
static int admit(struct sip_jbuf *jb, uint16_t seq)
{
	if (jb->have_last && seqdiff(seq, jb->last_played) <= 0)
		return ETIMEDOUT;
	switch (jb->state) {
	case SIP_JBUF_EMPTY:
		jb->state = SIP_JBUF_PREBUF;
		jb->wait = jb->delay_ticks;
		jb->next_seq = seq;
		jb->max_seq = seq;
		return 0;
	case SIP_JBUF_PREBUF:
		/* reordered before play-out: start earlier if it still fits */
		if (seqdiff(seq, jb->next_seq) < 0 &&
		    seqdiff(jb->max_seq, seq) < SIP_JBUF_SLOTS)
			jb->next_seq = seq;
		break;
	case SIP_JBUF_PLAYING:
		break;
	}
	if (seqdiff(seq, jb->next_seq) < 0)
		return ETIMEDOUT;
	if (seqdiff(seq, jb->next_seq) >= SIP_JBUF_SLOTS)
		return ENOBUFS;
	return 0;
}

int sip_jbuf_put(struct sip_jbuf *jb, uint16_t seq, uint32_t ts, uint8_t pt,
		 const uint8_t *data, size_t len)
{
	unsigned i = seq % SIP_JBUF_SLOTS;
	struct sip_jbuf_frame *f = &jb->slot[i];
	int err;

	if (len > SIP_JBUF_FRAME_MAX || (len && !data))
		return EMSGSIZE;
	err = admit(jb, seq);
	if (err == ETIMEDOUT)
		jb->stats.late++;
	else if (err == ENOBUFS)
		jb->stats.overflow++;
	if (err)
		return err;
	if (jb->used[i]) {
		jb->stats.dup++;
		return EALREADY;
	}
	f->seq = seq;
	f->ts = ts;
	f->pt = pt;
	f->len = len;
	if (len)
		memcpy(f->data, data, len);
	jb->used[i] = true;
	jb->count++;
	if (seqdiff(seq, jb->max_seq) > 0)
		jb->max_seq = seq;
	jb->stats.put++;
	return 0;
}

int sip_jbuf_get(struct sip_jbuf *jb, struct sip_jbuf_frame *f)
{
	unsigned i;

	switch (jb->state) {
	case SIP_JBUF_EMPTY:
		return EAGAIN;
	case SIP_JBUF_PREBUF:
		if (jb->wait > 0) {
			jb->wait--;
			return EAGAIN;
		}
		jb->state = SIP_JBUF_PLAYING;
		break;
	case SIP_JBUF_PLAYING:
		break;
	}
	if (jb->count == 0) {
		jb->stats.underrun++;
		jb->state = SIP_JBUF_EMPTY;
		return EAGAIN;
	}
	i = jb->next_seq % SIP_JBUF_SLOTS;
	jb->last_played = jb->next_seq;
	jb->have_last = true;
	jb->next_seq++;
	if (!jb->used[i]) {
		jb->stats.lost++;
		return ENODATA;
	}
	jb->used[i] = false;
	jb->count--;
	*f = jb->slot[i];
	jb->stats.played++;
	return 0;
}
