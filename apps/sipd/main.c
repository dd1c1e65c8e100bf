/*
 * main.c - the sipd command line: options, the configuration, then either
 * check it (--check-config) or run the daemon (run.c).
 *
 * `sipd user ...` manages the store's users instead (usercmd.h);
 * `sipd route test ...` is a dry run of the dial plan (routecmd.h).
 *
 * Exit status: 0 success, 1 the daemon (or the store) failed, 2 bad usage
 * or a bad configuration, 3 `sipd user rm` of an unknown user;
 * `sipd route test`: 0 routed, 1 refused or unrouted, 2 usage/config.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipd.h"
#include "routecmd.h"
#include "usercmd.h"

#ifndef SIPD_VERSION
#define SIPD_VERSION "0.0.0"
#endif

#define EXIT_USAGE 2
#define ERR_MAX    512

/* A status for "go on": exit statuses are 0..255. */
#define CONTINUE (-1)

struct opts {
	const char *config;
	bool check;
	bool trace;
};

static void usage(FILE *f)
{
	fputs("usage: sipd -c FILE [--check-config] [--trace]\n"
	      "       sipd user add NAME PASSWORD [--domain D] -c FILE\n"
	      "       sipd user rm NAME [--domain D] -c FILE\n"
	      "       sipd user list -c FILE\n"
	      "       sipd route test NUMBER [--from USER] [--source IP]\n"
	      "                       [--class CLASS] -c FILE\n"
	      "\n"
	      "  -c, --config FILE   configuration file (YAML, see etc/sipd.yaml)\n"
	      "      --check-config  validate the configuration, print 'FILE: ok'\n"
	      "                      or 'FILE:LINE: what is wrong' and exit\n"
	      "      --trace         print every SIP message sent and received on\n"
	      "                      stderr and keep it in the trace ring (sets\n"
	      "                      trace.enabled, kept across reloads)\n"
	      "  -h, --help          show this help\n"
	      "  -V, --version       show the version\n"
	      "\n"
	      "\n"
	      "user: manage the users of the configured store (store.*): only\n"
	      "the HA1 hashes (MD5, SHA-256) of the password for the domain's\n"
	      "realm are kept. D defaults to the first registrar.domains entry,\n"
	      "else the first server.domains entry. With the sqlite store a\n"
	      "running sipd sees the change at its next start (redis: at once).\n"
	      "\n"
	      "route test: which dial plan rule the call matches, the rewritten\n"
	      "number and where it goes (gateways in the order they would be\n"
	      "tried), or why it is refused (403) or unrouted (404). The class\n"
	      "is --class, else that of the --from user in users[].\n"
	      "\n"
	      "Exit status: 0 ok, 1 the daemon (or the store) failed, 2 bad usage\n"
	      "or configuration, 3 user rm: no such user; route test: 0 routed,\n"
	      "1 refused or unrouted, 2 bad usage or configuration.\n",
	      f);
}

/* Fills @p o; returns CONTINUE or the exit status to end with. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { OPT_CHECK = 256, OPT_TRACE };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_TRACE:
			o->trace = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("sipd %s\n", SIPD_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sipd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!o->config) {
		fprintf(stderr, "sipd: no configuration file (use -c FILE)\n");
		return EXIT_USAGE;
	}
	return CONTINUE;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sipd sd = { 0 };
	char err[ERR_MAX];
	int status;

	if (argc > 1 && !strcmp(argv[1], "user"))
		return sipd_usercmd(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "route"))
		return sipd_routecmd(argc, argv);
	status = parse_args(argc, argv, &o);
	if (status != CONTINUE)
		return status;

	sd.config_path = o.config;
	if (sipd_config_load(&sd.cfg, o.config, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (o.trace) {
		sd.cfg->trace.enabled = true;
		sd.trace_cli = true;
	}

	if (o.check) {
		printf("%s: ok\n", o.config);
		status = EXIT_SUCCESS;
	} else {
		status = sipd_run(&sd) ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	sipd_config_free(sd.cfg);
	return status;
}
