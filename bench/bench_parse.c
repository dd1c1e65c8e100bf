/*
 * bench_parse.c - parse throughput on one core: sipd's lazy parse (start
 * line, top Via, CSeq, Call-ID, From/To tags: sip_msg_keys) and full parse
 * (every header typed: sip_msg_parse_all), next to libosip2 parsing the
 * same bytes. Prints "BENCH <name> <value> msg/s" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/uri.h"

enum { ROUNDS = 5 };
static const double SECS = 1.0;

struct input {
	const char *name;   /* invite | register */
	const char *file;
	char *bytes;        /* sip_mem object: the "receive buffer" */
	size_t len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void load(struct input *in)
{
	char path[512];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/msg/%s", SIPD_TEST_DATA, in->file);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	rewind(f);
	in->bytes = sip_mem_zalloc((size_t)n, NULL);
	if (!in->bytes || fread(in->bytes, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	in->len = (size_t)n;
	fclose(f);
}

/* One parse; returns 0 when the message was accepted. */
typedef int (parse_h)(const struct input *in);

static int sipd_lazy(const struct input *in)
{
	struct sip_msg_keys k;
	struct sip_msg *m;
	int err = sip_msg_decode(&m, in->bytes, in->len, in->bytes, 0, NULL);

	if (err)
		return err;
	err = sip_msg_keys(m, &k);
	sip_msg_free(m);
	return err;
}

static int sipd_full(const struct input *in)
{
	struct sip_msg *m;
	const struct sip_uri *u;
	int err = sip_msg_decode(&m, in->bytes, in->len, in->bytes, 0, NULL);

	if (err)
		return err;
	err = sip_msg_parse_all(m);
	if (!err && m->req)
		err = sip_msg_ruri(m, &u);
	sip_msg_free(m);
	return err;
}

static int osip_full(const struct input *in)
{
	osip_message_t *sip;
	int err;

	if (osip_message_init(&sip) != 0)
		return -1;
	err = osip_message_parse(sip, in->bytes, in->len);
	osip_message_free(sip);
	return err;
}

static double rate(parse_h *ph, const struct input *in)
{
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now(), t;
		long n = 0;

		do {
			for (int i = 0; i < 1000; i++) {
				if (ph(in) != 0) {
					fprintf(stderr, "parse failed (%s)\n", in->name);
					exit(1);
				}
			}
			n += 1000;
			t = now() - t0;
		} while (t < SECS);
		if (n / t > best)
			best = n / t;
	}
	return best;
}

int main(void)
{
	struct input inputs[] = {
		{ "invite", "callflow-1-invite.sip", NULL, 0 },
		{ "register", "register.sip", NULL, 0 },
	};

	parser_init();
	for (size_t i = 0; i < 2; i++)
		load(&inputs[i]);
	for (size_t i = 0; i < 2; i++) {
		const struct input *in = &inputs[i];

		printf("BENCH parse_lazy_%s %.0f msg/s\n", in->name, rate(sipd_lazy, in));
		printf("BENCH parse_full_%s %.0f msg/s\n", in->name, rate(sipd_full, in));
		printf("BENCH osip2_parse_%s %.0f msg/s\n", in->name, rate(osip_full, in));
	}
	for (size_t i = 0; i < 2; i++)
		sip_mem_deref(inputs[i].bytes);
	return 0;
}
