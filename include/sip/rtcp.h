/*
 * rtcp.h - minimal RTCP: sender report, receiver report and BYE
 * (RFC 3550 §6.4.1, §6.4.2, §6.6), one packet of a compound at a time.
 */
#ifndef SIP_RTCP_H
#define SIP_RTCP_H

#include <stddef.h>
#include <stdint.h>

enum sip_rtcp_type {
	SIP_RTCP_SR = 200,
	SIP_RTCP_RR = 201,
	SIP_RTCP_SDES = 202,
	SIP_RTCP_BYE = 203,
	SIP_RTCP_APP = 204,
};

enum {
	SIP_RTCP_COUNT_MAX = 31,   /* the RC / SC field is 5 bits */
	SIP_RTCP_REASON_MAX = 255,
	SIP_RTCP_CNAME_MAX = 255,
};

/** One reception report block (§6.4.1). */
struct sip_rtcp_rb {
	uint32_t ssrc;
	uint8_t fraction;
	int32_t lost;              /* 24-bit signed on the wire */
	uint32_t ext_max_seq;
	uint32_t jitter;
	uint32_t lsr;              /* middle 32 bits of the last SR's NTP time */
	uint32_t dlsr;             /* 1/65536 s since that SR */
};

/** Sender info of an SR (§6.4.1). */
struct sip_rtcp_sender {
	uint32_t ntp_sec;
	uint32_t ntp_frac;
	uint32_t rtp_ts;
	uint32_t pkt_count;
	uint32_t octet_count;
};

/**
 * One RTCP packet. SR uses ssrc, sr, count and rb; RR uses ssrc, count and
 * rb; SDES uses ssrc and cname (one chunk; on decode the first chunk's
 * CNAME, count as on the wire); BYE uses count and srcs plus an optional
 * reason. Decoded strings are borrowed from the buffer. Other types decode
 * to their type and count only.
 */
struct sip_rtcp_pkt {
	uint8_t type;
	uint8_t count;
	uint32_t ssrc;
	struct sip_rtcp_sender sr;
	struct sip_rtcp_rb rb[SIP_RTCP_COUNT_MAX];
	uint32_t srcs[SIP_RTCP_COUNT_MAX];
	const char *reason;        /* borrowed, not NUL-terminated */
	size_t reason_len;
	const char *cname;         /* borrowed, not NUL-terminated */
	size_t cname_len;
};

/**
 * Decode the first RTCP packet of @p len bytes at @p buf; *usedp gets its
 * length so the caller can step through a compound packet. Returns 0;
 * EBADMSG for a wrong version, a length beyond @p len or a body too short
 * for its count; EINVAL for NULL arguments. Unknown types decode with only
 * type and count set. Outputs are written only on success.
 */
int sip_rtcp_decode(struct sip_rtcp_pkt *pkt, const uint8_t *buf, size_t len,
		    size_t *usedp);

/**
 * Encode an SR, RR, SDES (one chunk with a CNAME; count is ignored) or BYE
 * into @p buf of @p size bytes (strings are zero-padded to a 32-bit
 * boundary); *lenp gets the length. Returns 0; ENOBUFS if @p size is too
 * small; EINVAL for another type, a count over 31, an empty CNAME or a
 * string over 255 bytes.
 */
int sip_rtcp_encode(uint8_t *buf, size_t size, const struct sip_rtcp_pkt *pkt,
		    size_t *lenp);

#endif
