/*
 * wav_read.c - reading RIFF/WAVE 16-bit PCM mono 8 kHz: the RIFF header,
 * the "fmt " chunk (WAVE_FORMAT_PCM, or WAVE_FORMAT_EXTENSIBLE with a PCM
 * sub-format) and the "data" chunk; any other chunk is skipped. With
 * sip_wav_open_convert(), 16-bit PCM of other rates and channel counts is
 * averaged down to 8 kHz mono while reading.
 */
#include <errno.h>
#include <string.h>

#include "sip/wav.h"
#include "bytes.h"

enum {
	FMT_PCM = 1,
	FMT_EXTENSIBLE = 0xfffe,
	FMT_MIN = 16,
	FMT_EXT_MIN = 40,
	FMT_MAX = 64,                /* larger fmt chunks are malformed */
};

enum {
	CONV_RATE_MAX = 192000,
	CONV_CHANNELS_MAX = 8,
};

struct open_state {
	FILE *f;
	const char *why;
	int fmt_seen;
	int convert;                 /* accept other rates and channels */
	uint32_t rate;
	uint16_t channels;
};

static int fail(struct open_state *st, int err, const char *why)
{
	st->why = why;
	return err;
}

static int read_exact(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n ? 0 : EBADMSG;
}

static int check_fmt(struct open_state *st, const uint8_t *b, uint32_t size)
{
	uint16_t tag = le16(b);

	if (tag == FMT_EXTENSIBLE && size >= FMT_EXT_MIN)
		tag = le16(b + 24);  /* first two bytes of the sub-format GUID */
	if (tag != FMT_PCM)
		return fail(st, ENOTSUP, "not PCM (compressed WAV format)");
	uint16_t ch = le16(b + 2);
	uint32_t rate = le32(b + 4);

	if (!st->convert && ch != SIP_WAV_CHANNELS)
		return fail(st, ENOTSUP, "not mono");
	if (!st->convert && rate != SIP_WAV_RATE)
		return fail(st, ENOTSUP, "sample rate is not 8000 Hz");
	if (ch < 1 || ch > CONV_CHANNELS_MAX)
		return fail(st, ENOTSUP, "more than 8 channels");
	if (rate < SIP_WAV_RATE || rate > CONV_RATE_MAX)
		return fail(st, ENOTSUP, "sample rate outside 8000-192000 Hz");
	if (le16(b + 14) != SIP_WAV_BITS)
		return fail(st, ENOTSUP, "not 16 bits per sample");
	if (le16(b + 12) != 2 * ch || le32(b + 8) != 2 * ch * rate)
		return fail(st, EBADMSG, "inconsistent block align/byte rate");
	st->rate = rate;
	st->channels = ch;
	return 0;
}

static int read_fmt(struct open_state *st, uint32_t size)
{
	uint8_t b[FMT_MAX];
	int err;

	if (size < FMT_MIN || size > FMT_MAX)
		return fail(st, EBADMSG, "bad fmt chunk size");
	if (read_exact(st->f, b, size))
		return fail(st, EBADMSG, "truncated fmt chunk");
	if ((size & 1) && fgetc(st->f) == EOF)
		return fail(st, EBADMSG, "truncated fmt chunk");
	err = check_fmt(st, b, size);
	if (err)
		return err;
	st->fmt_seen = 1;
	return 0;
}

static int skip(struct open_state *st, uint32_t size)
{
	/* RIFF chunks are padded to an even length */
	long n = (long)size + (size & 1);

	if (fseek(st->f, n, SEEK_CUR))
		return fail(st, EBADMSG, "truncated chunk");
	return 0;
}

/* Walk the chunks up to "data"; *lenp gets its size. */
static int find_data(struct open_state *st, uint32_t *lenp)
{
	uint8_t h[8];
	uint32_t size;
	int err;

	for (;;) {
		if (read_exact(st->f, h, 8))
			return fail(st, EBADMSG, "no data chunk");
		size = le32(h + 4);
		if (!memcmp(h, "fmt ", 4))
			err = read_fmt(st, size);
		else if (!memcmp(h, "data", 4))
			break;
		else
			err = skip(st, size);
		if (err)
			return err;
	}
	if (!st->fmt_seen)
		return fail(st, EBADMSG, "data chunk before fmt chunk");
	*lenp = size;
	return 0;
}

static int open_file(struct sip_wav_reader *r, const char *path,
		     const char **whyp, int convert)
{
	struct open_state st = { NULL, NULL, 0, convert, 0, 0 };
	uint8_t h[12];
	uint32_t len = 0;
	int err;

	st.f = fopen(path, "rb");
	if (!st.f)
		return errno;
	if (read_exact(st.f, h, 12) || memcmp(h, "RIFF", 4) ||
	    memcmp(h + 8, "WAVE", 4))
		err = fail(&st, EBADMSG, "not a RIFF/WAVE file");
	else
		err = find_data(&st, &len);
	if (err) {
		fclose(st.f);
		if (whyp)
			*whyp = st.why;
		return err;
	}
	*r = (struct sip_wav_reader){
		.f = st.f, .data_len = len, .left = len, .convert = convert,
		.rate = st.rate, .channels = st.channels,
	};
	return 0;
}

int sip_wav_open(struct sip_wav_reader *r, const char *path, const char **whyp)
{
	return open_file(r, path, whyp, 0);
}

int sip_wav_open_convert(struct sip_wav_reader *r, const char *path,
			 const char **whyp)
{
	return open_file(r, path, whyp, 1);
}

/* One source frame, its channels averaged. ENODATA at the end. */
static int read_frame(struct sip_wav_reader *r, int32_t *mono)
{
	uint8_t b[2 * CONV_CHANNELS_MAX];
	size_t block = 2u * r->channels;
	int32_t sum = 0;

	if (r->left < block)
		return ENODATA;
	if (fread(b, block, 1, r->f) != 1) {
		r->left = 0;
		return ferror(r->f) ? EIO : ENODATA;
	}
	r->left -= (uint32_t)block;
	for (size_t c = 0; c < r->channels; c++)
		sum += (int16_t)le16(b + 2 * c);
	*mono = sum / (int32_t)r->channels;
	return 0;
}

/* Output sample k averages the source frames i with
 * k * rate <= i * 8000 < (k + 1) * rate. */
static int read_convert(struct sip_wav_reader *r, int16_t *buf, size_t n,
			size_t *gotp)
{
	size_t got = 0;

	while (got < n) {
		uint64_t edge = (r->out_frames + 1) * r->rate;
		int64_t sum = 0;
		int32_t v;
		unsigned cnt = 0;
		int err = 0;

		while (r->in_frames * SIP_WAV_RATE < edge &&
		       !(err = read_frame(r, &v))) {
			sum += v;
			cnt++;
			r->in_frames++;
		}
		if (err == EIO)
			return EIO;
		if (!cnt)
			break;
		buf[got++] = (int16_t)(sum / cnt);
		r->out_frames++;
		if (err)
			break;
	}
	*gotp = got;
	return 0;
}

int sip_wav_read(struct sip_wav_reader *r, int16_t *buf, size_t n,
		 size_t *gotp)
{
	uint8_t b[512];
	size_t got = 0, want, k, i;

	if (r->convert)
		return read_convert(r, buf, n, gotp);
	while (got < n && r->left >= 2) {
		want = n - got;
		if (want > sizeof b / 2)
			want = sizeof b / 2;
		if (want > r->left / 2)
			want = r->left / 2;
		k = fread(b, 2, want, r->f);
		for (i = 0; i < k; i++)
			buf[got + i] = (int16_t)le16(b + 2 * i);
		got += k;
		r->left -= (uint32_t)(2 * k);
		if (k < want) {
			if (ferror(r->f))
				return EIO;
			r->left = 0;     /* data chunk longer than the file */
		}
	}
	*gotp = got;
	return 0;
}

int sip_wav_src(void *arg, int16_t *buf, size_t n, size_t *gotp)
{
	return sip_wav_read(arg, buf, n, gotp);
}

void sip_wav_close(struct sip_wav_reader *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
}
