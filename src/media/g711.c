/*
 * g711.c - G.711 µ-law and A-law (ITU-T G.711 §2, §3; tables 1 and 2).
 *
 * Computed from the segment/quantisation rules rather than tables.
 * µ-law works on 14-bit magnitudes: with the bias of 33 added, segment s
 * holds [32 << s, 64 << s) and its 16 steps are 2 << s wide. A-law works on
 * 13-bit magnitudes: segment 0 is [0, 32) in steps of 2, segment s >= 1
 * holds [16 << s, 32 << s) in steps of 1 << s. Decoders return the middle
 * of the step, scaled back to 16 bits.
 */
#include <errno.h>

#include "sip/g711.h"

enum {
	ULAW_BIAS = 33,     /* 14-bit domain */
	ULAW_CLIP = 8158,   /* largest 14-bit magnitude: 8158 + 33 = 8191 */
	ALAW_MAX = 4095,    /* largest 13-bit magnitude */
};

/* Index of the highest set bit of v (v > 0). */
static int msb(unsigned v)
{
	int n = 0;

	while (v >>= 1)
		n++;
	return n;
}

uint8_t sip_g711_ulaw_enc(int16_t x)
{
	int v = x;
	unsigned sign = 0, mag, seg, mant;

	if (v < 0) {
		sign = 0x80;
		v = -v;
	}
	mag = (unsigned)v >> 2;
	if (mag > ULAW_CLIP)
		mag = ULAW_CLIP;
	mag += ULAW_BIAS;
	seg = (unsigned)msb(mag) - 5;
	mant = (mag >> (seg + 1)) & 0x0f;
	/* G.711 table 2: all bits are inverted on the line. */
	return (uint8_t)~(sign | seg << 4 | mant);
}

int16_t sip_g711_ulaw_dec(uint8_t c)
{
	unsigned u = (uint8_t)~c;
	unsigned seg = (u >> 4) & 7, mant = u & 0x0f;
	/* 4 * (((2 * mant + 33) << seg) - 33) */
	int mag = (int)(((mant << 3) + 4 * ULAW_BIAS) << seg) - 4 * ULAW_BIAS;

	return (int16_t)((u & 0x80) ? -mag : mag);
}

uint8_t sip_g711_alaw_enc(int16_t x)
{
	int v = x;
	unsigned sign = 0x80, mag, seg, mant;

	if (v < 0) {
		sign = 0;
		v = -v;
	}
	mag = (unsigned)v >> 3;
	if (mag > ALAW_MAX)
		mag = ALAW_MAX;
	if (mag < 32) {
		seg = 0;
		mant = mag >> 1;
	}
	else {
		seg = (unsigned)msb(mag) - 4;
		mant = (mag >> seg) & 0x0f;
	}
	/* G.711 table 1: even bits are inverted on the line. */
	return (uint8_t)((sign | seg << 4 | mant) ^ 0x55);
}

int16_t sip_g711_alaw_dec(uint8_t c)
{
	unsigned a = c ^ 0x55u;
	unsigned seg = (a >> 4) & 7, mant = a & 0x0f;
	int mag;

	if (seg == 0)
		mag = (int)(mant << 4) + 8;
	else
		mag = (int)(((mant << 4) + 264) << (seg - 1));
	return (int16_t)((a & 0x80) ? mag : -mag);
}

int sip_g711_encode(int pt, uint8_t *dst, const int16_t *src, size_t n)
{
	size_t i;

	if (pt != SIP_G711_PT_PCMU && pt != SIP_G711_PT_PCMA)
		return EPROTONOSUPPORT;
	for (i = 0; i < n; i++)
		dst[i] = pt == SIP_G711_PT_PCMU ? sip_g711_ulaw_enc(src[i])
			: sip_g711_alaw_enc(src[i]);
	return 0;
}

int sip_g711_decode(int pt, int16_t *dst, const uint8_t *src, size_t n)
{
	size_t i;

	if (pt != SIP_G711_PT_PCMU && pt != SIP_G711_PT_PCMA)
		return EPROTONOSUPPORT;
	for (i = 0; i < n; i++)
		dst[i] = pt == SIP_G711_PT_PCMU ? sip_g711_ulaw_dec(src[i])
			: sip_g711_alaw_dec(src[i]);
	return 0;
}
