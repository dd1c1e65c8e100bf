/*
 * opts.c - sipua's command line and its account file (-c FILE, a flat
 * YAML mapping read with libyaml; mistakes reported as FILE:LINE).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sipua.h"

void ua_usage(FILE *f)
{
	fputs("usage: sipua [options] register\n"
	      "       sipua [options] call URI\n"
	      "       sipua [options] answer\n"
	      "       sipua [options] options URI\n"
	      "       sipua [options] message URI TEXT\n"
	      "account: --user U --password P --domain D --proxy IP[:PORT]\n"
	      "         --local-ip IP --local-port N --transport udp|tcp\n"
	      "         --display NAME --expires S --register -c FILE\n"
	      "call:    --play FILE.wav --record FILE.wav --dtmf DIGITS\n"
	      "         --dtmf-info --dtmf-delay S --duration S --hangup-after S\n"
	      "         --ring S --decline CODE --calls N --wait S\n"
	      "         --100rel off|on|require --session-expires S --min-se S\n"
	      "         --refresh-update --pcma --at S:COMMAND -i (interactive)\n"
	      "         --t1 MS --trace\n"
	      "commands (stdin with -i, or --at): hangup, dtmf DIGITS, hold,\n"
	      "         resume, transfer URI, info TEXT, update\n"
	      "See docs/sipua.md for exit statuses and the summary line.\n", f);
}

/* Strings from the file stay allocated until exit: the options borrow them. */
static int set_key(struct ua_opts *o, const char *k, const char *v,
		   const char *file, unsigned line)
{
	char *s = strdup(v);

	if (!s)
		return ENOMEM;
	if (o->nowned == sizeof(o->owned) / sizeof(o->owned[0])) {
		free(s);
		fprintf(stderr, "%s:%u: too many keys\n", file, line);
		return EINVAL;
	}
	o->owned[o->nowned++] = s;
	if (!strcmp(k, "user"))
		o->user = s;
	else if (!strcmp(k, "password"))
		o->password = s;
	else if (!strcmp(k, "domain"))
		o->domain = s;
	else if (!strcmp(k, "proxy"))
		o->proxy = s;
	else if (!strcmp(k, "display"))
		o->display = s;
	else if (!strcmp(k, "local_ip"))
		o->local_ip = s;
	else if (!strcmp(k, "local_port") || !strcmp(k, "expires")) {
		char *end;
		unsigned long n = strtoul(s, &end, 10);

		if (*end || n > 65535) {
			fprintf(stderr, "%s:%u: %s: not a number below 65536\n", file, line, k);
			return EINVAL;
		}
		if (k[0] == 'l')
			o->local_port = (uint16_t)n;
		else
			o->expires = (uint32_t)n;
	} else if (!strcmp(k, "transport")) {
		if (!strcmp(s, "udp"))
			o->transport = SIP_TP_UDP;
		else if (!strcmp(s, "tcp"))
			o->transport = SIP_TP_TCP;
		else {
			fprintf(stderr, "%s:%u: transport: udp or tcp, not \"%s\"\n", file, line, s);
			return EINVAL;
		}
	} else {
		fprintf(stderr, "%s:%u: unknown key \"%s\" (user, password, domain, "
			"proxy, display, local_ip, local_port, transport, expires)\n",
			file, line, k);
		return EINVAL;
	}
	return 0;
}

static int load_file(struct ua_opts *o, const char *file)
{
	FILE *f = fopen(file, "r");
	yaml_parser_t p;
	yaml_event_t ev;
	char key[64] = "";
	int depth = 0, err = 0;
	bool have_key = false, done = false;

	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return EINVAL;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done && !err) {
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "%s:%zu: %s\n", file, p.problem_mark.line + 1,
				p.problem ? p.problem : "YAML syntax error");
			err = EINVAL;
			break;
		}
		unsigned line = (unsigned)ev.start_mark.line + 1;

		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
			if (++depth > 1) {
				fprintf(stderr, "%s:%u: %s: a scalar value is expected\n",
					file, line, key);
				err = EINVAL;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
			fprintf(stderr, "%s:%u: a list is not expected here\n", file, line);
			err = EINVAL;
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			if (depth != 1) {
				fprintf(stderr, "%s:%u: the file must be a mapping of keys\n",
					file, line);
				err = EINVAL;
			} else if (!have_key) {
				snprintf(key, sizeof(key), "%s", (char *)ev.data.scalar.value);
				have_key = true;
			} else {
				err = set_key(o, key, (char *)ev.data.scalar.value, file, line);
				have_key = false;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	fclose(f);
	return err;
}

static int num(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || v < 0)
		return EINVAL;
	*out = v;
	return 0;
}

enum {
	O_USER = 256, O_PASSWORD, O_DOMAIN, O_PROXY, O_LIP, O_LPORT, O_TRANSPORT,
	O_DISPLAY, O_EXPIRES, O_REGISTER, O_PLAY, O_RECORD, O_DTMF, O_DTMF_INFO,
	O_DTMF_DELAY, O_DURATION, O_HANGUP, O_RING, O_DECLINE, O_CALLS, O_WAIT,
	O_100REL, O_SE, O_MINSE, O_REFRESH_UPDATE, O_PCMA, O_AT, O_T1, O_TRACE,
	O_HELP,
};

static const struct option longopts[] = {
	{ "user", required_argument, NULL, O_USER },
	{ "password", required_argument, NULL, O_PASSWORD },
	{ "domain", required_argument, NULL, O_DOMAIN },
	{ "proxy", required_argument, NULL, O_PROXY },
	{ "local-ip", required_argument, NULL, O_LIP },
	{ "local-port", required_argument, NULL, O_LPORT },
	{ "transport", required_argument, NULL, O_TRANSPORT },
	{ "display", required_argument, NULL, O_DISPLAY },
	{ "expires", required_argument, NULL, O_EXPIRES },
	{ "register", no_argument, NULL, O_REGISTER },
	{ "play", required_argument, NULL, O_PLAY },
	{ "record", required_argument, NULL, O_RECORD },
	{ "dtmf", required_argument, NULL, O_DTMF },
	{ "dtmf-info", no_argument, NULL, O_DTMF_INFO },
	{ "dtmf-delay", required_argument, NULL, O_DTMF_DELAY },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "hangup-after", required_argument, NULL, O_HANGUP },
	{ "ring", required_argument, NULL, O_RING },
	{ "decline", required_argument, NULL, O_DECLINE },
	{ "calls", required_argument, NULL, O_CALLS },
	{ "wait", required_argument, NULL, O_WAIT },
	{ "100rel", required_argument, NULL, O_100REL },
	{ "session-expires", required_argument, NULL, O_SE },
	{ "min-se", required_argument, NULL, O_MINSE },
	{ "refresh-update", no_argument, NULL, O_REFRESH_UPDATE },
	{ "pcma", no_argument, NULL, O_PCMA },
	{ "at", required_argument, NULL, O_AT },
	{ "t1", required_argument, NULL, O_T1 },
	{ "trace", no_argument, NULL, O_TRACE },
	{ "interactive", no_argument, NULL, 'i' },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *what, const char *v)
{
	fprintf(stderr, "sipua: bad value for %s: \"%s\"\n", what, v);
	return UA_EXIT_USAGE;
}

static int one(struct ua_opts *o, int c, const char *a)
{
	double d;

	switch (c) {
	case O_USER: o->user = a; break;
	case O_PASSWORD: o->password = a; break;
	case O_DOMAIN: o->domain = a; break;
	case O_PROXY: o->proxy = a; break;
	case O_LIP: o->local_ip = a; break;
	case O_DISPLAY: o->display = a; break;
	case O_LPORT:
		if (num(a, &d) || d > 65535)
			return bad("--local-port", a);
		o->local_port = (uint16_t)d;
		break;
	case O_TRANSPORT:
		if (!strcmp(a, "udp"))
			o->transport = SIP_TP_UDP;
		else if (!strcmp(a, "tcp"))
			o->transport = SIP_TP_TCP;
		else
			return bad("--transport", a);
		break;
	case O_EXPIRES:
		if (num(a, &d))
			return bad("--expires", a);
		o->expires = (uint32_t)d;
		break;
	case O_REGISTER: o->do_register = true; break;
	case O_PLAY: o->play = a; break;
	case O_RECORD: o->record = a; break;
	case O_DTMF:
		for (const char *p = a; *p; p++) {
			uint8_t ev;

			if (sip_dtmf_digit_event(*p, &ev))
				return bad("--dtmf", a);
		}
		o->dtmf = a;
		break;
	case O_DTMF_INFO: o->dtmf_info = true; break;
	case O_DTMF_DELAY:
		if (num(a, &o->dtmf_delay))
			return bad("--dtmf-delay", a);
		break;
	case O_DURATION:
		if (num(a, &o->duration))
			return bad("--duration", a);
		break;
	case O_HANGUP:
		if (num(a, &o->hangup_after))
			return bad("--hangup-after", a);
		break;
	case O_RING:
		if (num(a, &o->ring))
			return bad("--ring", a);
		break;
	case O_WAIT:
		if (num(a, &o->wait))
			return bad("--wait", a);
		break;
	case O_DECLINE:
		if (num(a, &d) || d < 300 || d > 699)
			return bad("--decline (300-699)", a);
		o->decline = (uint16_t)d;
		break;
	case O_CALLS:
		if (num(a, &d) || d < 1)
			return bad("--calls", a);
		o->calls = (unsigned)d;
		break;
	case O_100REL:
		if (!strcmp(a, "off"))
			o->rel100 = 0;
		else if (!strcmp(a, "on"))
			o->rel100 = 1;
		else if (!strcmp(a, "require"))
			o->rel100 = 2;
		else
			return bad("--100rel", a);
		break;
	case O_SE:
		if (num(a, &d))
			return bad("--session-expires", a);
		o->session_expires = (uint32_t)d;
		break;
	case O_MINSE:
		if (num(a, &d) || d < 1)
			return bad("--min-se", a);
		o->min_se = (uint32_t)d;
		break;
	case O_REFRESH_UPDATE: o->refresh_update = true; break;
	case O_PCMA: o->pcma = true; break;
	case O_AT: {
		const char *colon = strchr(a, ':');
		char n[32];

		if (!colon || o->nat >= UA_AT_MAX || (size_t)(colon - a) >= sizeof(n))
			return bad("--at (S:COMMAND, at most 16)", a);
		memcpy(n, a, (size_t)(colon - a));
		n[colon - a] = 0;
		if (num(n, &o->at[o->nat].secs))
			return bad("--at", a);
		snprintf(o->at[o->nat].cmd, UA_CMD_MAX, "%s", colon + 1);
		o->nat++;
		break;
	}
	case O_T1:
		if (num(a, &d) || d < 10)
			return bad("--t1", a);
		o->t1 = (unsigned)d;
		break;
	case O_TRACE: o->trace = true; break;
	case 'i': o->interactive = true; break;
	case O_HELP:
		ua_usage(stdout);
		exit(0);
	case 'c':
		if (load_file(o, a))
			return UA_EXIT_USAGE;
		break;
	default:
		ua_usage(stderr);
		return UA_EXIT_USAGE;
	}
	return 0;
}

void ua_opts_free(struct ua_opts *o)
{
	while (o->nowned)
		free(o->owned[--o->nowned]);
}

int ua_opts_parse(struct ua_opts *o, int argc, char **argv)
{
	int c, err;

	*o = (struct ua_opts){ .local_ip = "127.0.0.1", .expires = 3600,
			       .rel100 = 1, .min_se = SIP_ST_MIN_SE,
			       .dtmf_delay = 0.5, .transport = SIP_TP_UDP };
	/* -c first, so that flags override the file wherever they stand */
	for (int i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "-c") && (err = one(o, 'c', argv[i + 1])))
			return err;
	while ((c = getopt_long(argc, argv, "+c:i", longopts, NULL)) != -1) {
		if (c == 'c')
			continue;
		if ((err = one(o, c, optarg)))
			return err;
	}
	if (optind >= argc) {
		ua_usage(stderr);
		return UA_EXIT_USAGE;
	}
	o->command = argv[optind++];
	if (!strcmp(o->command, "call") || !strcmp(o->command, "options") ||
	    !strcmp(o->command, "message")) {
		if (optind >= argc) {
			fprintf(stderr, "sipua: %s needs a URI\n", o->command);
			return UA_EXIT_USAGE;
		}
		o->target = argv[optind++];
		if (!strcmp(o->command, "message")) {
			if (optind >= argc) {
				fprintf(stderr, "sipua: message needs a TEXT\n");
				return UA_EXIT_USAGE;
			}
			o->text = argv[optind++];
		}
	} else if (strcmp(o->command, "register") && strcmp(o->command, "answer")) {
		fprintf(stderr, "sipua: unknown command \"%s\"\n", o->command);
		ua_usage(stderr);
		return UA_EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "sipua: unexpected argument \"%s\"\n", argv[optind]);
		return UA_EXIT_USAGE;
	}
	if (o->play) {
		struct sip_wav_reader r;
		const char *why = NULL;
		int e = sip_wav_open_convert(&r, o->play, &why);

		if (e) {
			fprintf(stderr, "sipua: --play %s: %s%s\n", o->play,
				why ? why : strerror(e), e == ENOTSUP ?
				" (16-bit PCM needed: sox IN -b 16 OUT.wav)" : "");
			return UA_EXIT_USAGE;
		}
		sip_wav_close(&r);
	}
	if (!strcmp(o->command, "register") && (!o->user || !o->domain)) {
		fprintf(stderr, "sipua: register needs --user and --domain\n");
		return UA_EXIT_USAGE;
	}
	return 0;
}
