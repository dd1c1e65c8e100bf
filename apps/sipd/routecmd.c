/*
 * routecmd.c - `sipd route test NUMBER [--from USER] [--source IP]
 * [--class CLASS] -c FILE` (see routecmd.h): load the configuration,
 * build its dial plan and print the dry run of one call. Nothing is
 * sent; gateway health is that of a fresh start (every gateway up), and
 * the gateways of one priority are listed in the order of the file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/route.h"

#include "config.h"
#include "config_dialplan.h"
#include "routecmd.h"
#include "scalar.h"

#define ERR_MAX  512
#define TEXT_MAX 8192

struct args {
	const char *path;
	const char *number;
	const char *from;
	const char *source;
	const char *cls;
};

static int usage(void)
{
	fputs("usage: sipd route test NUMBER [--from USER] [--source IP] "
	      "[--class CLASS] -c FILE\n"
	      "exit status: 0 routed, 1 refused (403) or unrouted (404), "
	      "2 usage or configuration error\n", stderr);
	return SIPD_ROUTE_USAGE;
}

/* One option; false for an unknown one. */
static bool option(int c, struct args *a)
{
	switch (c) {
	case 'c':
		a->path = optarg;
		return true;
	case 'f':
		a->from = optarg;
		return true;
	case 's':
		a->source = optarg;
		return true;
	case 'k':
		a->cls = optarg;
		return true;
	default:
		return false;
	}
}

/* Options may come before and after "test NUMBER". */
static bool parse(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "source", required_argument, NULL, 's' },
		{ "class", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *words[2] = { NULL, NULL };
	int c, nwords = 0;

	optind = 1;
	while (optind < argc) {
		if (argv[optind][0] != '-' || !argv[optind][1]) {
			if (nwords == 2)
				return false;
			words[nwords++] = argv[optind++];
			continue;
		}
		c = getopt_long(argc, argv, "+c:", longopts, NULL);
		if (c == -1 || !option(c, a))
			return false;
	}
	if (nwords != 2 || strcmp(words[0], "test") || !a->path || !*words[1])
		return false;
	a->number = words[1];
	return true;
}

/* A draw that always takes the first candidate: within one priority the
 * gateways are shown in the order of the file, so the output is stable
 * (calls draw by weight). */
static uint32_t first(void *arg)
{
	(void)arg;
	return 0;
}

/* The decision's status: 0 routed, 403, 404; or -1 on an error. */
static int decide(const struct sip_route_plan *plan,
		  const struct sip_route_req *req)
{
	struct sip_route_result res;
	char text[TEXT_MAX];
	int e;

	e = sip_route_lookup(plan, req, &res);
	if (!e)
		e = sip_route_dryrun(plan, req, first, NULL, text, sizeof(text));
	if (e) {
		fprintf(stderr, "sipd route test: %s\n",
			e == ENAMETOOLONG ? "the rewritten number or URI is "
			"too long" : strerror(e));
		return -1;
	}
	fputs(text, stdout);
	return res.status;
}

static int run(const struct sipd_config *cfg, const struct args *a)
{
	struct sip_route_plan *plan = NULL;
	struct sip_route_req req = {
		.ruri_user = a->number, .from_user = a->from,
		.source = a->source,
		.caller_class = a->cls ? a->cls :
				sipd_config_user_class(cfg, a->from),
	};
	char err[SIP_ROUTE_ERR_MAX];
	int e, status;

	e = sipd_config_dialplan_build(&cfg->dialplan, &plan, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s: %s\n", a->path, e == ENOENT ?
			"no dial plan (dialplan.rules is empty)" :
			e == EINVAL ? err : strerror(e));
		return SIPD_ROUTE_USAGE;
	}
	status = decide(plan, &req);
	sip_mem_deref(plan);
	return status < 0 ? SIPD_ROUTE_USAGE :
	       status ? SIPD_ROUTE_REFUSED : SIPD_ROUTE_ROUTED;
}

int sipd_routecmd(int argc, char **argv)
{
	struct args a = { 0 };
	struct sipd_config *cfg;
	char err[ERR_MAX];
	int status;

	if (!parse(argc - 1, argv + 1, &a))
		return usage();
	if (a.source && sipd_scalar_ip(a.source, strlen(a.source), NULL, NULL)) {
		fprintf(stderr, "sipd route test: --source '%s' is not an IP "
			"address\n", a.source);
		return SIPD_ROUTE_USAGE;
	}
	if (sipd_config_load(&cfg, a.path, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return SIPD_ROUTE_USAGE;
	}
	status = run(cfg, &a);
	sipd_config_free(cfg);
	return status;
}
