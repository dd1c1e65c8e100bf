/*
 * wav_conv_test.c - reading other 16-bit PCM formats as 8 kHz mono
 * (sip_wav_open_convert()): channels averaged, 16 kHz and 44.1 kHz
 * decimated with the right length and level, 8 kHz mono unchanged, and
 * formats still refused (8-bit, below 8 kHz); sip_wav_open() itself
 * still refuses anything but 8 kHz mono.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sip/wav.h"

static char path[64];

static int setup(void **state)
{
	int fd;

	strcpy(path, "/tmp/wav_conv_test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A WAV of @p frames frames of @p ch channels at @p rate: sample(i, c). */
static void write_wav(uint16_t ch, uint32_t rate, uint16_t bits, size_t frames,
		      int16_t (*sample)(size_t i, unsigned c))
{
	uint8_t h[44];
	size_t bytes = frames * ch * (bits / 8);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	memcpy(h, "RIFF", 4);
	put_le(h + 4, (uint32_t)(36 + bytes), 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le(h + 16, 16, 4);
	put_le(h + 20, 1, 2);
	put_le(h + 22, ch, 2);
	put_le(h + 24, rate, 4);
	put_le(h + 28, rate * ch * bits / 8, 4);
	put_le(h + 32, ch * bits / 8, 2);
	put_le(h + 34, bits, 2);
	memcpy(h + 36, "data", 4);
	put_le(h + 40, (uint32_t)bytes, 4);
	assert_int_equal(fwrite(h, 1, 44, f), 44);
	for (size_t i = 0; i < frames; i++)
		for (unsigned c = 0; c < ch; c++) {
			uint8_t s[2];

			put_le(s, (uint16_t)sample(i, c), 2);
			assert_int_equal(fwrite(s, 1, bits / 8, f), bits / 8);
		}
	fclose(f);
}

static size_t read_all(struct sip_wav_reader *r, int16_t *out, size_t max)
{
	size_t total = 0, got;

	do {
		size_t want = max - total < 37 ? max - total : 37;  /* odd chunks */

		assert_int_equal(sip_wav_read(r, out + total, want, &got), 0);
		total += got;
	} while (got && total < max);
	return total;
}

static int16_t stereo(size_t i, unsigned c)
{
	return c ? 3000 : 1000;
}

static void test_stereo_16k(void **state)
{
	struct sip_wav_reader r;
	int16_t out[2000];

	write_wav(2, 16000, 16, 1600, stereo);   /* 0.1 s */
	/* the plain reader refuses it */
	assert_int_equal(sip_wav_open(&r, path, NULL), ENOTSUP);
	assert_int_equal(sip_wav_open_convert(&r, path, NULL), 0);
	assert_int_equal(read_all(&r, out, 2000), 800);   /* 0.1 s at 8 kHz */
	for (size_t i = 0; i < 800; i++)
		assert_int_equal(out[i], 2000);
	sip_wav_close(&r);
}

/* 400 Hz square wave at 44.1 kHz, +-10000 */
static int16_t square441(size_t i, unsigned c)
{
	return (i * 800 / 44100) % 2 ? -10000 : 10000;
}

static void test_square_44k1(void **state)
{
	struct sip_wav_reader r;
	static int16_t out[10000];
	int64_t sq = 0;
	size_t n;

	write_wav(1, 44100, 16, 44100, square441);  /* 1 s */
	assert_int_equal(sip_wav_open_convert(&r, path, NULL), 0);
	n = read_all(&r, out, 10000);
	assert_int_equal(n, 8000);
	for (size_t i = 0; i < n; i++)
		sq += (int64_t)out[i] * out[i];
	/* the level is kept: only the samples astride an edge are averaged */
	assert_true(sq / (int64_t)n > 9000LL * 9000 && sq / (int64_t)n <= 10000LL * 10000);
	/* the waveform too: +10000 for the first 1.25 ms (10 samples), then - */
	for (size_t i = 0; i < 9; i++)
		assert_int_equal(out[i], 10000);
	for (size_t i = 11; i < 19; i++)
		assert_int_equal(out[i], -10000);
	sip_wav_close(&r);
}

static int16_t ramp(size_t i, unsigned c)
{
	return (int16_t)(i * 3 - 500);
}

static void test_8k_mono_unchanged(void **state)
{
	struct sip_wav_reader r;
	int16_t out[400];

	write_wav(1, 8000, 16, 333, ramp);
	assert_int_equal(sip_wav_open_convert(&r, path, NULL), 0);
	assert_int_equal(read_all(&r, out, 400), 333);
	for (size_t i = 0; i < 333; i++)
		assert_int_equal(out[i], ramp(i, 0));
	sip_wav_close(&r);
}

static void test_refused(void **state)
{
	struct sip_wav_reader r;
	const char *why = NULL;

	write_wav(1, 8000, 8, 100, ramp);
	assert_int_equal(sip_wav_open_convert(&r, path, &why), ENOTSUP);
	assert_non_null(why);
	write_wav(1, 4000, 16, 100, ramp);
	assert_int_equal(sip_wav_open_convert(&r, path, &why), ENOTSUP);
	assert_non_null(strstr(why, "8000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stereo_16k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_square_44k1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_8k_mono_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
