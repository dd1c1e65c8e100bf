/*
 * dtmf_tx.c - RFC 4733 §2.5.1 sender of one DTMF digit.
 *
 *   IDLE --start()--> UPDATE --duration reached--> END --3rd end--> IDLE
 *
 * UPDATE: every packet time one packet with the event's start timestamp
 *   and the duration so far; the first carries the marker (§2.5.1.1).
 * END: the final duration with the E bit, sent SIP_DTMF_END_COUNT times
 *   with the same timestamp (§2.5.1.4).
 */
#include <errno.h>
#include <string.h>

#include "sip/dtmf.h"

int sip_dtmf_tx_init(struct sip_dtmf_tx *tx, uint16_t ptime, uint8_t volume)
{
	if (ptime == 0 || volume > SIP_DTMF_VOLUME_MAX)
		return EINVAL;
	memset(tx, 0, sizeof *tx);
	tx->state = SIP_DTMF_TX_IDLE;
	tx->ptime = ptime;
	tx->volume = volume;
	return 0;
}

int sip_dtmf_tx_start(struct sip_dtmf_tx *tx, char digit, uint32_t ts,
		      uint32_t duration)
{
	uint8_t ev;
	uint32_t packets;

	if (tx->state != SIP_DTMF_TX_IDLE)
		return EBUSY;
	if (duration == 0 || sip_dtmf_digit_event(digit, &ev))
		return EINVAL;
	packets = (duration + tx->ptime - 1) / tx->ptime;
	duration = packets * tx->ptime;
	tx->total = duration > 0xffff ? 0xffff : (uint16_t)duration;
	tx->event = ev;
	tx->ts = ts;
	tx->duration = 0;
	tx->ends = 0;
	tx->state = SIP_DTMF_TX_UPDATE;
	return 0;
}

static void emit(const struct sip_dtmf_tx *tx, struct sip_dtmf_out *out,
		 bool marker, bool end)
{
	struct sip_dtmf_event ev = {
		.event = tx->event, .end = end, .volume = tx->volume,
		.duration = tx->duration,
	};

	out->marker = marker;
	out->ts = tx->ts;
	(void)sip_dtmf_event_encode(out->payload, &ev);
}

int sip_dtmf_tx_next(struct sip_dtmf_tx *tx, struct sip_dtmf_out *out)
{
	bool first;

	switch (tx->state) {
	case SIP_DTMF_TX_IDLE:
		return ENOENT;
	case SIP_DTMF_TX_UPDATE:
		first = tx->duration == 0;
		if ((uint32_t)tx->duration + tx->ptime >= tx->total) {
			tx->duration = tx->total;
			tx->state = SIP_DTMF_TX_END;
			tx->ends = 1;
			emit(tx, out, first, true);
			return 0;
		}
		tx->duration = (uint16_t)(tx->duration + tx->ptime);
		emit(tx, out, first, false);
		return 0;
	case SIP_DTMF_TX_END:
		emit(tx, out, false, true);
		if (++tx->ends >= SIP_DTMF_END_COUNT)
			tx->state = SIP_DTMF_TX_IDLE;
		return 0;
	}
	return ENOENT;
}
