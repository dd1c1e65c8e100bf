/*
 * pt.c - static RTP payload types of the RTP/AVP profile (RFC 3551 §6,
 * tables 4 and 5), so that m= formats without a=rtpmap are understood.
 */
#include <errno.h>

#include "sip/sdp.h"

struct static_pt {
	unsigned pt;
	const char *name;
	uint32_t clock;
	uint32_t channels;   /* 0: not given (mono for audio) */
};

static const struct static_pt table[] = {
	{  0, "PCMU",  8000, 0 },
	{  3, "GSM",   8000, 0 },
	{  4, "G723",  8000, 0 },
	{  5, "DVI4",  8000, 0 },
	{  6, "DVI4", 16000, 0 },
	{  7, "LPC",   8000, 0 },
	{  8, "PCMA",  8000, 0 },
	/* RFC 3551 §4.5.2: G.722 samples at 16 kHz but says 8000 here. */
	{  9, "G722",  8000, 0 },
	{ 10, "L16",  44100, 2 },
	{ 11, "L16",  44100, 0 },
	{ 12, "QCELP", 8000, 0 },
	{ 13, "CN",    8000, 0 },
	{ 14, "MPA",  90000, 0 },
	{ 15, "G728",  8000, 0 },
	{ 16, "DVI4", 11025, 0 },
	{ 17, "DVI4", 22050, 0 },
	{ 18, "G729",  8000, 0 },
	{ 25, "CelB", 90000, 0 },
	{ 26, "JPEG", 90000, 0 },
	{ 28, "nv",   90000, 0 },
	{ 31, "H261", 90000, 0 },
	{ 32, "MPV",  90000, 0 },
	{ 33, "MP2T", 90000, 0 },
	{ 34, "H263", 90000, 0 },
};

enum { NTABLE = sizeof(table) / sizeof(table[0]) };

int sip_sdp_static_pt(unsigned pt, struct sip_sdp_codec *c)
{
	for (size_t i = 0; i < NTABLE; i++) {
		if (table[i].pt != pt)
			continue;
		c->name = table[i].name;
		c->clock = table[i].clock;
		c->channels = table[i].channels;
		c->fmtp = NULL;
		return 0;
	}
	return ENOENT;
}

static uint32_t mono(uint32_t channels)
{
	return channels ? channels : 1;
}

int sip_sdp_static_find(struct sip_pl name, uint32_t clock,
			uint32_t channels)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].clock == clock &&
		    mono(table[i].channels) == mono(channels) &&
		    sip_pl_caseeqs(name, table[i].name))
			return (int)table[i].pt;
	return -1;
}
