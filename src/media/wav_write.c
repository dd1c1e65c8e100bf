/*
 * wav_write.c - writing RIFF/WAVE 16-bit PCM mono 8 kHz. The 44-byte
 * header is written with zero sizes and patched when the file is finished.
 */
#include <errno.h>
#include <string.h>

#include "sip/wav.h"
#include "bytes.h"

static void header(uint8_t *h, uint32_t data_len)
{
	memcpy(h, "RIFF", 4);
	put_le32(h + 4, 36 + data_len);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le32(h + 16, 16);
	put_le16(h + 20, 1);                         /* WAVE_FORMAT_PCM */
	put_le16(h + 22, SIP_WAV_CHANNELS);
	put_le32(h + 24, SIP_WAV_RATE);
	put_le32(h + 28, SIP_WAV_RATE * 2);          /* byte rate */
	put_le16(h + 32, 2);                         /* block align */
	put_le16(h + 34, SIP_WAV_BITS);
	memcpy(h + 36, "data", 4);
	put_le32(h + 40, data_len);
}

int sip_wav_create(struct sip_wav_writer *w, const char *path)
{
	uint8_t h[SIP_WAV_HDR_LEN];
	FILE *f;

	f = fopen(path, "wb");
	if (!f)
		return errno;
	header(h, 0);
	if (fwrite(h, 1, sizeof h, f) != sizeof h) {
		fclose(f);
		return EIO;
	}
	w->f = f;
	w->data_len = 0;
	w->err = 0;
	return 0;
}

int sip_wav_write(struct sip_wav_writer *w, const int16_t *s, size_t n)
{
	uint8_t b[512];
	size_t i, k;

	if (w->err)
		return w->err;
	if (n > (UINT32_MAX - 36 - w->data_len) / 2)
		return EFBIG;
	while (n) {
		k = n < sizeof b / 2 ? n : sizeof b / 2;
		for (i = 0; i < k; i++)
			put_le16(b + 2 * i, (uint16_t)s[i]);
		if (fwrite(b, 2, k, w->f) != k) {
			w->err = EIO;
			return EIO;
		}
		w->data_len += (uint32_t)(2 * k);
		s += k;
		n -= k;
	}
	return 0;
}

int sip_wav_finish(struct sip_wav_writer *w)
{
	uint8_t h[SIP_WAV_HDR_LEN];
	int err = w->err;

	if (!w->f)
		return EINVAL;
	header(h, w->data_len);
	if (!err && (fseek(w->f, 0, SEEK_SET) ||
		     fwrite(h, 1, sizeof h, w->f) != sizeof h))
		err = EIO;
	if (fclose(w->f) && !err)
		err = EIO;
	w->f = NULL;
	return err;
}
