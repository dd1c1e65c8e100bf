/*
 * dtmf.h - RFC 4733 telephone-events: the 4-byte event payload (§2.3), a
 * sender producing a digit's packet sequence (§2.5.1) and a receiver
 * reporting each digit once (§2.5.2). Events 0-15 are the DTMF digits
 * 0-9, *, #, A-D (§3.2).
 */
#ifndef SIP_DTMF_H
#define SIP_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SIP_DTMF_PAYLOAD_LEN = 4,
	SIP_DTMF_END_COUNT = 3,      /* §2.5.1.4: end packet sent 3 times */
	SIP_DTMF_VOLUME_MAX = 63,
	SIP_DTMF_HISTORY = 4,        /* receiver: events remembered */
};

/** The event payload (§2.3). */
struct sip_dtmf_event {
	uint8_t event;
	bool end;                    /* E bit */
	uint8_t volume;              /* 0..63, as -dBm0 */
	uint16_t duration;           /* in timestamp units */
};

/**
 * Write *ev as 4 bytes at @p buf. Returns 0, or EINVAL if the volume is
 * over 63.
 */
int sip_dtmf_event_encode(uint8_t *buf, const struct sip_dtmf_event *ev);

/**
 * Read the first event of @p len bytes at @p buf (further events of a
 * multi-event payload are ignored). Returns 0, or EBADMSG if len < 4.
 * The R bit is ignored as §2.3 asks.
 */
int sip_dtmf_event_decode(struct sip_dtmf_event *ev, const uint8_t *buf,
			  size_t len);

/**
 * Map a digit ('0'-'9', '*', '#', 'A'-'D', also 'a'-'d') to its event code
 * 0-15, or back. Return 0, or EINVAL for anything else.
 */
int sip_dtmf_digit_event(char digit, uint8_t *eventp);
int sip_dtmf_event_digit(uint8_t event, char *digitp);

/** One packet the sender wants on the wire. */
struct sip_dtmf_out {
	bool marker;                 /* first packet of the event */
	uint32_t ts;                 /* RTP timestamp: the event's start */
	uint8_t payload[SIP_DTMF_PAYLOAD_LEN];
};

/** Sender state machine: idle -> updating -> ending (x3) -> idle. */
enum sip_dtmf_tx_state {
	SIP_DTMF_TX_IDLE,
	SIP_DTMF_TX_UPDATE,
	SIP_DTMF_TX_END,
};

struct sip_dtmf_tx {
	enum sip_dtmf_tx_state state;
	uint16_t ptime;              /* samples per packet, e.g. 160 */
	uint8_t volume;
	uint8_t event;
	uint32_t ts;
	uint16_t duration;           /* sent so far */
	uint16_t total;              /* target */
	unsigned ends;               /* end packets sent */
};

/**
 * Initialise an idle sender sending one packet every @p ptime samples at
 * @p volume (0..63). Returns 0, or EINVAL for ptime 0 or volume > 63.
 */
int sip_dtmf_tx_init(struct sip_dtmf_tx *tx, uint16_t ptime, uint8_t volume);

/**
 * Start sending @p digit as an event beginning at RTP timestamp @p ts and
 * lasting @p duration samples (rounded up to whole packets, at most 65535:
 * longer events would need §2.5.1.3 segments). Returns 0; EINVAL for an
 * unknown digit or a zero duration; EBUSY while a digit is still being sent.
 */
int sip_dtmf_tx_start(struct sip_dtmf_tx *tx, char digit, uint32_t ts,
		      uint32_t duration);

/**
 * Produce the packet for this packet time: the first with the marker, then
 * updates with growing duration, then three end packets with the same
 * timestamp and final duration. The caller gives each a new RTP sequence
 * number. Returns 0, or ENOENT when idle (the digit is finished).
 */
int sip_dtmf_tx_next(struct sip_dtmf_tx *tx, struct sip_dtmf_out *out);

/** Receiver: remembers recent events so each is reported once. */
struct sip_dtmf_rx {
	struct {
		uint32_t ts;
		uint8_t event;
		bool used;
	} seen[SIP_DTMF_HISTORY];
	unsigned next;               /* ring index for the next entry */
};

/** Initialise an empty receiver. */
void sip_dtmf_rx_init(struct sip_dtmf_rx *rx);

/**
 * Feed one telephone-event packet (RTP timestamp @p ts, payload). The
 * event is identified by its timestamp (§2.5.2.1), so a lost start packet,
 * retransmitted end packets or reordering never report it twice.
 * Returns 0 with *digitp set for a digit seen for the first time; ENOENT
 * for a packet of an event already reported; EPROTONOSUPPORT for a new
 * event outside 0-15 (remembered, not reported); EBADMSG for a short
 * payload.
 */
int sip_dtmf_rx_input(struct sip_dtmf_rx *rx, uint32_t ts,
		      const uint8_t *payload, size_t len, char *digitp);

#endif
