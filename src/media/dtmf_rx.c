/*
 * dtmf_rx.c - RFC 4733 §2.5.2 receiver: report each DTMF event once.
 *
 * §2.5.2.1: packets of one event share its RTP timestamp, so (timestamp,
 * event) identifies it. Reporting on the first packet seen, whichever it
 * is, survives a lost start packet; remembering the last few events
 * ignores retransmitted end packets, even reordered behind the next digit.
 */
#include <errno.h>
#include <string.h>

#include "sip/dtmf.h"

void sip_dtmf_rx_init(struct sip_dtmf_rx *rx)
{
	memset(rx, 0, sizeof *rx);
}

static bool seen(const struct sip_dtmf_rx *rx, uint32_t ts, uint8_t event)
{
	unsigned i;

	for (i = 0; i < SIP_DTMF_HISTORY; i++)
		if (rx->seen[i].used && rx->seen[i].ts == ts &&
		    rx->seen[i].event == event)
			return true;
	return false;
}

static void remember(struct sip_dtmf_rx *rx, uint32_t ts, uint8_t event)
{
	rx->seen[rx->next].ts = ts;
	rx->seen[rx->next].event = event;
	rx->seen[rx->next].used = true;
	rx->next = (rx->next + 1) % SIP_DTMF_HISTORY;
}

int sip_dtmf_rx_input(struct sip_dtmf_rx *rx, uint32_t ts,
		      const uint8_t *payload, size_t len, char *digitp)
{
	struct sip_dtmf_event ev;
	int err;

	err = sip_dtmf_event_decode(&ev, payload, len);
	if (err)
		return err;
	if (seen(rx, ts, ev.event))
		return ENOENT;
	remember(rx, ts, ev.event);
	if (sip_dtmf_event_digit(ev.event, digitp))
		return EPROTONOSUPPORT;
	return 0;
}
