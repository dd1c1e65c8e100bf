/*
 * wav.h - RIFF/WAVE files of 16-bit PCM, mono, 8 kHz: the audio sipua
 * sends and records (other rates and channel counts of 16-bit PCM are
 * converted on reading with sip_wav_open_convert()). (RIFF: Microsoft "Multimedia Programming Interface
 * and Data Specifications 1.0"; WAVE fmt chunk, WAVE_FORMAT_PCM.)
 */
#ifndef SIP_WAV_H
#define SIP_WAV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	SIP_WAV_RATE = 8000,
	SIP_WAV_BITS = 16,
	SIP_WAV_CHANNELS = 1,
	SIP_WAV_HDR_LEN = 44,        /* header as written by the writer */
};

/** A file being read. Caller-owned; fields are read-only for callers. */
struct sip_wav_reader {
	FILE *f;                     /* owned, closed by sip_wav_close() */
	uint32_t data_len;           /* data chunk size in bytes */
	uint32_t left;               /* bytes of it not yet read */
	/* sip_wav_open_convert() only: the file's format, and how far the
	 * conversion to 8 kHz mono got */
	int convert;                 /* 0 for sip_wav_open() */
	uint32_t rate;               /* the file's sample rate */
	uint16_t channels;           /* the file's channels */
	uint64_t in_frames;          /* source frames consumed */
	uint64_t out_frames;         /* 8 kHz samples produced */
};

/**
 * Open @p path and position at its samples. Chunks other than "fmt " and
 * "data" are skipped. Returns 0; the fopen() errno (ENOENT, EACCES...);
 * EBADMSG for a file that is not RIFF/WAVE or is truncated or malformed;
 * ENOTSUP for a format other than 16-bit PCM mono 8000 Hz. If @p whyp is
 * not NULL, *whyp gets a static description of any EBADMSG/ENOTSUP error.
 * *r is written only on success.
 */
int sip_wav_open(struct sip_wav_reader *r, const char *path, const char **whyp);

/**
 * As sip_wav_open() for any 16-bit PCM file of 1 to 8 channels at 8000 to
 * 192000 Hz: reads then deliver 8 kHz mono, channels averaged and higher
 * rates decimated by averaging the source frames of each 125 µs output
 * period (a box filter, crude but enough against aliasing for speech).
 * Returns as sip_wav_open(); ENOTSUP for another sample size, a rate
 * below 8000 Hz or more than 8 channels.
 */
int sip_wav_open_convert(struct sip_wav_reader *r, const char *path,
			 const char **whyp);

/**
 * Read up to @p n samples into @p buf; *gotp gets the count, 0 at the end
 * of the data (a data chunk cut short by the end of the file just ends
 * early). Returns 0, or EIO on a read error.
 */
int sip_wav_read(struct sip_wav_reader *r, int16_t *buf, size_t n,
		 size_t *gotp);

/** sip_wav_read() with the reader as a void pointer, for sample sources. */
int sip_wav_src(void *arg, int16_t *buf, size_t n, size_t *gotp);

/** Close the file. Safe on a reader that was closed already. */
void sip_wav_close(struct sip_wav_reader *r);

/** A file being written. Caller-owned. */
struct sip_wav_writer {
	FILE *f;                     /* owned, closed by sip_wav_finish() */
	uint32_t data_len;           /* sample bytes written */
	int err;                     /* first write error, sticky */
};

/**
 * Create (truncate) @p path and write a header with zero sizes.
 * Returns 0, the fopen() errno, or EIO. *w is written only on success.
 */
int sip_wav_create(struct sip_wav_writer *w, const char *path);

/**
 * Append @p n samples. Returns 0; EFBIG past the 4 GiB RIFF limit; EIO on
 * a write error (also reported by sip_wav_finish()).
 */
int sip_wav_write(struct sip_wav_writer *w, const int16_t *s, size_t n);

/**
 * Patch the RIFF and data sizes and close the file. Returns 0, or the
 * first error met while writing (EIO). The writer is closed either way.
 */
int sip_wav_finish(struct sip_wav_writer *w);

#endif
