/*
 * dtmf.c - RFC 4733 event payload (§2.3) and DTMF event codes (§3.2).
 */
#include <errno.h>

#include "sip/dtmf.h"
#include "bytes.h"

static const char digits[] = "0123456789*#ABCD";

int sip_dtmf_event_encode(uint8_t *buf, const struct sip_dtmf_event *ev)
{
	if (ev->volume > SIP_DTMF_VOLUME_MAX)
		return EINVAL;
	buf[0] = ev->event;
	buf[1] = (uint8_t)((ev->end ? 0x80 : 0) | ev->volume);
	put_be16(buf + 2, ev->duration);
	return 0;
}

int sip_dtmf_event_decode(struct sip_dtmf_event *ev, const uint8_t *buf,
			  size_t len)
{
	if (!buf || len < SIP_DTMF_PAYLOAD_LEN)
		return EBADMSG;
	ev->event = buf[0];
	ev->end = buf[1] >> 7;
	ev->volume = buf[1] & 0x3f;
	ev->duration = be16(buf + 2);
	return 0;
}

int sip_dtmf_digit_event(char digit, uint8_t *eventp)
{
	unsigned i;

	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	for (i = 0; i < 16; i++) {
		if (digits[i] == digit) {
			*eventp = (uint8_t)i;
			return 0;
		}
	}
	return EINVAL;
}

int sip_dtmf_event_digit(uint8_t event, char *digitp)
{
	if (event > 15)
		return EINVAL;
	*digitp = digits[event];
	return 0;
}
