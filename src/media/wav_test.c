/*
 * wav_test.c - WAV writer and reader: round trip in a temp directory,
 * unknown chunks, other formats rejected, truncated files.
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

struct tmp {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/wav_test.XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof t->path, "%s/a.wav", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Write a file by hand: fmt with the given fields, optional extra chunk. */
static void craft(const char *path, uint16_t tag, uint16_t ch, uint32_t rate,
		  uint16_t bits, int extra, uint32_t data_claim)
{
	uint8_t b[128];
	size_t n = 0;
	FILE *f;

	memcpy(b, "RIFF\0\0\0\0WAVE", 12);
	n = 12;
	if (extra) {
		memcpy(b + n, "LIST", 4);
		put_le(b + n + 4, 5, 4);     /* odd size: padded */
		memcpy(b + n + 8, "abcde\0", 6);
		n += 14;
	}
	memcpy(b + n, "fmt ", 4);
	put_le(b + n + 4, 16, 4);
	put_le(b + n + 8, tag, 2);
	put_le(b + n + 10, ch, 2);
	put_le(b + n + 12, rate, 4);
	put_le(b + n + 16, rate * ch * bits / 8, 4);
	put_le(b + n + 20, ch * bits / 8, 2);
	put_le(b + n + 22, bits, 2);
	n += 24;
	memcpy(b + n, "data", 4);
	put_le(b + n + 4, data_claim, 4);
	n += 8;
	put_le(b + n, 0x1234, 2);
	put_le(b + n + 2, 0xfffe, 2);        /* -2 */
	n += 4;
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

static void test_roundtrip(void **state)
{
	struct tmp *t = *state;
	struct sip_wav_writer w;
	struct sip_wav_reader r;
	int16_t in[1000], out[1100];
	size_t got, total = 0;
	int i;

	for (i = 0; i < 1000; i++)
		in[i] = (int16_t)(i * 65 - 32768);
	assert_int_equal(sip_wav_create(&w, t->path), 0);
	assert_int_equal(sip_wav_write(&w, in, 300), 0);
	assert_int_equal(sip_wav_write(&w, in + 300, 700), 0);
	assert_int_equal(sip_wav_finish(&w), 0);
	assert_int_equal(sip_wav_open(&r, t->path, NULL), 0);
	assert_int_equal(r.data_len, 2000);
	do {
		assert_int_equal(sip_wav_read(&r, out + total, 160, &got), 0);
		total += got;
	} while (got);
	assert_int_equal(total, 1000);
	assert_memory_equal(in, out, sizeof in);
	sip_wav_close(&r);
	sip_wav_close(&r);
}

static void test_empty_file(void **state)
{
	struct tmp *t = *state;
	struct sip_wav_writer w;
	struct sip_wav_reader r;
	int16_t s[4];
	size_t got = 9;

	assert_int_equal(sip_wav_create(&w, t->path), 0);
	assert_int_equal(sip_wav_finish(&w), 0);
	assert_int_equal(sip_wav_open(&r, t->path, NULL), 0);
	assert_int_equal(sip_wav_read(&r, s, 4, &got), 0);
	assert_int_equal(got, 0);
	sip_wav_close(&r);
}

static void test_unknown_chunk_and_short_data(void **state)
{
	struct tmp *t = *state;
	struct sip_wav_reader r;
	int16_t s[8];
	size_t got;

	/* data claims 100 bytes, 4 present: read what is there */
	craft(t->path, 1, 1, 8000, 16, 1, 100);
	assert_int_equal(sip_wav_open(&r, t->path, NULL), 0);
	assert_int_equal(sip_wav_read(&r, s, 8, &got), 0);
	assert_int_equal(got, 2);
	assert_int_equal(s[0], 0x1234);
	assert_int_equal(s[1], -2);
	assert_int_equal(sip_wav_read(&r, s, 8, &got), 0);
	assert_int_equal(got, 0);
	sip_wav_close(&r);
}

static void expect_reject(const char *path, int err, const char *why_part)
{
	struct sip_wav_reader r;
	const char *why = NULL;

	assert_int_equal(sip_wav_open(&r, path, &why), err);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}

static void test_reject_formats(void **state)
{
	struct tmp *t = *state;
	struct sip_wav_reader r;
	FILE *f;

	craft(t->path, 1, 2, 8000, 16, 0, 4);
	expect_reject(t->path, ENOTSUP, "mono");
	craft(t->path, 1, 1, 44100, 16, 0, 4);
	expect_reject(t->path, ENOTSUP, "8000");
	craft(t->path, 1, 1, 8000, 8, 0, 4);
	expect_reject(t->path, ENOTSUP, "16 bits");
	craft(t->path, 6, 1, 8000, 8, 1, 4);     /* WAVE_FORMAT_ALAW */
	expect_reject(t->path, ENOTSUP, "PCM");
	f = fopen(t->path, "wb");
	assert_non_null(f);
	fputs("RIFX\0\0\0\0WAVEjunk", f);
	fclose(f);
	expect_reject(t->path, EBADMSG, "RIFF");
	f = fopen(t->path, "wb");
	assert_non_null(f);
	fwrite("RIFF\0\0\0\0WAVEfmt \x10\0\0\0\1\0", 1, 22, f);
	fclose(f);
	expect_reject(t->path, EBADMSG, "truncated");
	f = fopen(t->path, "wb");
	assert_non_null(f);
	fwrite("RIFF\0\0\0\0WAVEdata\0\0\0\0", 1, 20, f);
	fclose(f);
	expect_reject(t->path, EBADMSG, "before fmt");
	unlink(t->path);
	assert_int_equal(sip_wav_open(&r, t->path, NULL), ENOENT);
}

static void test_random_files(void **state)
{
	struct tmp *t = *state;
	struct sip_wav_reader r;
	uint8_t b[96];
	int16_t smp[64];
	unsigned seed = 42, i, j;
	size_t got;
	FILE *f;

	for (i = 0; i < 500; i++) {
		size_t len = 12 + (size_t)rand_r(&seed) % (sizeof b - 12);
		int err;

		memcpy(b, "RIFF\0\0\0\0WAVE", 12);
		for (j = 12; j < len; j++)
			b[j] = (uint8_t)rand_r(&seed);
		/* make chunk ids likely to be ones the reader knows */
		if (len >= 20 && i % 2)
			memcpy(b + 12, i % 4 == 1 ? "fmt " : "data", 4);
		f = fopen(t->path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(b, 1, len, f), len);
		fclose(f);
		err = sip_wav_open(&r, t->path, NULL);
		assert_true(err == 0 || err == EBADMSG || err == ENOTSUP);
		if (err)
			continue;
		while (sip_wav_read(&r, smp, 64, &got) == 0 && got)
			;
		sip_wav_close(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_unknown_chunk_and_short_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_formats, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_random_files, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
