/*
 * rstats.c - RTP receiver statistics: sequence validation and extended
 * highest sequence (RFC 3550 A.1), loss and fraction lost (§6.4.1, A.3),
 * interarrival jitter (§6.4.1, A.8).
 */
#include <errno.h>
#include <string.h>

#include "sip/rtp.h"

enum {
	MAX_DROPOUT = 3000,      /* A.1 suggested values */
	MAX_MISORDER = 100,
	MIN_SEQUENTIAL = 2,
};

#define SEQ_MOD 0x10000u

/* Restart counting at @p seq (A.1 init_seq()). */
static void restart(struct sip_rtp_rstats *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = SEQ_MOD + 1;   /* cannot match any seq */
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
}

void sip_rtp_rstats_init(struct sip_rtp_rstats *s)
{
	memset(s, 0, sizeof *s);
}

/* A source is valid only after MIN_SEQUENTIAL packets in a row. */
static int on_probation(struct sip_rtp_rstats *s, uint16_t seq)
{
	if (seq == (uint16_t)(s->max_seq + 1)) {
		s->probation--;
		s->max_seq = seq;
		if (s->probation == 0) {
			restart(s, seq);
			s->received++;
			return 0;
		}
	}
	else {
		s->probation = MIN_SEQUENTIAL - 1;
		s->max_seq = seq;
	}
	return EAGAIN;
}

static int update_seq(struct sip_rtp_rstats *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);

	if (s->probation)
		return on_probation(s, seq);
	if (udelta < MAX_DROPOUT) {
		/* in order, possibly with a gap; count a wrap */
		if (seq < s->max_seq)
			s->cycles += SEQ_MOD;
		s->max_seq = seq;
	}
	else if (udelta <= SEQ_MOD - MAX_MISORDER) {
		/* A.1: a big jump; two in a row mean the sender restarted. */
		if (seq == s->bad_seq) {
			restart(s, seq);
		}
		else {
			s->bad_seq = (seq + 1) & (SEQ_MOD - 1);
			return ERANGE;
		}
	}
	/* else: duplicate or reordered within MAX_MISORDER, still counted */
	s->received++;
	return 0;
}

static void update_jitter(struct sip_rtp_rstats *s, uint32_t ts,
			  uint32_t arrival)
{
	int32_t transit = (int32_t)(arrival - ts), d;

	if (s->have_transit) {
		d = transit - s->transit;
		if (d < 0)
			d = -d;
		/* A.8: J += (|D| - J) / 16, kept scaled by 16 */
		s->jitter += (uint32_t)d - ((s->jitter + 8) >> 4);
	}
	s->transit = transit;
	s->have_transit = true;
}

int sip_rtp_rstats_update(struct sip_rtp_rstats *s, uint16_t seq,
			  uint32_t ts, uint32_t arrival)
{
	int err;

	if (!s->started) {
		restart(s, seq);
		s->max_seq = (uint16_t)(seq - 1);
		s->probation = MIN_SEQUENTIAL;
		s->started = true;
	}
	err = update_seq(s, seq);
	if (err)
		return err;
	update_jitter(s, ts, arrival);
	return 0;
}

void sip_rtp_rstats_report(struct sip_rtp_rstats *s, struct sip_rtp_loss *loss)
{
	uint32_t ext_max = s->cycles + s->max_seq;
	uint32_t expected = ext_max - s->base_seq + 1;
	int64_t lost = (int64_t)expected - s->received;
	uint32_t exp_int = expected - s->expected_prior;
	uint32_t rcv_int = s->received - s->received_prior;
	int64_t lost_int = (int64_t)exp_int - rcv_int;

	if (!s->started || s->probation) {
		memset(loss, 0, sizeof *loss);
		loss->jitter = s->jitter >> 4;
		return;
	}
	/* §6.4.1: cumulative loss is a 24-bit signed field; clamp it. */
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	else if (lost < -0x800000)
		lost = -0x800000;
	s->expected_prior = expected;
	s->received_prior = s->received;
	if (exp_int == 0 || lost_int <= 0)
		loss->fraction = 0;
	else if (lost_int >= exp_int)
		loss->fraction = 255;
	else
		loss->fraction = (uint8_t)((lost_int << 8) / exp_int);
	loss->cumulative = (int32_t)lost;
	loss->ext_max_seq = ext_max;
	loss->jitter = s->jitter >> 4;
}
