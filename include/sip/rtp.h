/*
 * rtp.h - RTP data packets (RFC 3550 §5.1, §5.3.1) and the receiver
 * statistics of §6.4.1 and Appendix A.1, A.3, A.8.
 */
#ifndef SIP_RTP_H
#define SIP_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SIP_RTP_VERSION = 2,
	SIP_RTP_HDR_LEN = 12,   /* fixed header, no CSRC */
	SIP_RTP_CSRC_MAX = 15,  /* the CC field is 4 bits */
};

/**
 * One RTP packet. On decode, ext_data and payload point into the caller's
 * buffer (borrowed, valid as long as it is); padding is stripped.
 */
struct sip_rtp_pkt {
	bool marker;
	uint8_t pt;                          /* 0..127 */
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint8_t cc;                          /* number of CSRCs, 0..15 */
	uint32_t csrc[SIP_RTP_CSRC_MAX];
	bool ext;                            /* header extension present */
	uint16_t ext_profile;                /* "defined by profile" */
	const uint8_t *ext_data;             /* borrowed, ext_len bytes */
	size_t ext_len;                      /* multiple of 4 */
	size_t pad_len;                      /* padding bytes (0 = none) */
	const uint8_t *payload;              /* borrowed */
	size_t payload_len;
};

/**
 * Decode @p len bytes at @p buf into *pkt. Every length (CSRC list,
 * extension, padding count) is checked against the bytes present.
 * Returns 0; EBADMSG for a short or malformed packet (wrong version,
 * padding count 0 or longer than the payload); EINVAL for NULL arguments.
 * *pkt is written only on success and borrows from @p buf.
 */
int sip_rtp_decode(struct sip_rtp_pkt *pkt, const uint8_t *buf, size_t len);

/**
 * Encode *pkt into @p buf of @p size bytes; *lenp gets the packet length.
 * pkt->pad_len bytes of padding (1..255, 0 for none) are appended, the last
 * holding the count (§5.1). Returns 0; ENOBUFS if @p size is too small;
 * EINVAL for cc > 15, pt > 127, pad_len > 255, ext_len not a multiple of 4
 * or over 262140.
 */
int sip_rtp_encode(uint8_t *buf, size_t size, const struct sip_rtp_pkt *pkt,
		   size_t *lenp);

/**
 * Receiver statistics for one source (RFC 3550 A.1, A.3, A.8). Caller-owned;
 * initialise with sip_rtp_rstats_init(). Timestamps and arrival times are in
 * RTP clock units (e.g. 8000 Hz).
 */
struct sip_rtp_rstats {
	uint16_t max_seq;        /* highest sequence number seen */
	uint32_t cycles;         /* shifted count of sequence wraps */
	uint32_t base_seq;
	uint32_t bad_seq;        /* last 'bad' seq + 1 */
	uint32_t probation;      /* packets still needed to validate */
	uint32_t received;
	uint32_t expected_prior; /* at the last report */
	uint32_t received_prior;
	int32_t transit;         /* relative transit of the previous packet */
	uint32_t jitter;         /* estimate scaled by 16 (A.8) */
	bool have_transit;
	bool started;
};

/** Report block values derived from the statistics (§6.4.1). */
struct sip_rtp_loss {
	uint8_t fraction;        /* lost since last report, /256 */
	int32_t cumulative;      /* clamped to the 24-bit signed range */
	uint32_t ext_max_seq;    /* cycles + max_seq */
	uint32_t jitter;         /* in timestamp units */
};

/** Reset *s to the empty state (no packets seen). */
void sip_rtp_rstats_init(struct sip_rtp_rstats *s);

/**
 * Account one packet with sequence @p seq and RTP timestamp @p ts that
 * arrived at @p arrival (RTP clock units). Returns 0 when the packet
 * counts; EAGAIN while the source is on probation (A.1, MIN_SEQUENTIAL);
 * ERANGE for a sequence jump too large to accept (it may be a restart:
 * a second sequential packet resynchronises).
 */
int sip_rtp_rstats_update(struct sip_rtp_rstats *s, uint16_t seq,
			  uint32_t ts, uint32_t arrival);

/**
 * Fill *loss for a report block and start a new reporting interval
 * (expected_prior / received_prior advance). Never fails.
 */
void sip_rtp_rstats_report(struct sip_rtp_rstats *s, struct sip_rtp_loss *loss);

#endif
