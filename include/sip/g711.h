/*
 * g711.h - G.711 µ-law and A-law companding (ITU-T G.711, tables 1a/1b
 * and 2a/2b), 16-bit linear PCM <-> 8-bit code.
 */
#ifndef SIP_G711_H
#define SIP_G711_H

#include <stddef.h>
#include <stdint.h>

/** RTP static payload types (RFC 3551 §6) for the two laws. */
enum {
	SIP_G711_PT_PCMU = 0,
	SIP_G711_PT_PCMA = 8,
};

/**
 * Encode one 16-bit linear sample as µ-law. Values beyond the µ-law range
 * (|x| > 32124) clip to the largest code. 0 encodes as 0xff (the positive
 * zero); 0x7f (negative zero) also decodes to 0.
 */
uint8_t sip_g711_ulaw_enc(int16_t x);

/** Decode one µ-law code to 16-bit linear (the interval's midpoint). */
int16_t sip_g711_ulaw_dec(uint8_t c);

/** Encode one 16-bit linear sample as A-law (clips beyond ±32256). */
uint8_t sip_g711_alaw_enc(int16_t x);

/** Decode one A-law code to 16-bit linear (the interval's midpoint). */
int16_t sip_g711_alaw_dec(uint8_t c);

/**
 * Encode / decode @p n samples for RTP payload type @p pt (PCMU or PCMA).
 * Returns 0, or EPROTONOSUPPORT for another payload type. Buffers are the
 * caller's and must hold @p n elements.
 */
int sip_g711_encode(int pt, uint8_t *dst, const int16_t *src, size_t n);
int sip_g711_decode(int pt, int16_t *dst, const uint8_t *src, size_t n);

#endif
