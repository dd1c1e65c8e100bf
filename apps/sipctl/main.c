/*
 * main.c - sipctl, the operator's tool for a running sipd: state, users,
 * the live message trace and ladder diagrams, over sipd's HTTP API
 * (API.md). docs/sipctl.md is the manual.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sipctl.h"

static const char usage[] =
	"usage: sipctl [--url URL] [--token T] [--json] COMMAND [ARGS]\n"
	"\n"
	"Commands (sipd's HTTP API, see docs/sipctl.md):\n"
	"  status                         version, uptime, listeners, counters\n"
	"  reg list                       registered contacts, one per line\n"
	"  reg show AOR                   one AOR's contacts in full (AOR: sip:alice@example.com,\n"
	"                                 or a bare user name for the first local domain)\n"
	"  reg rm AOR                     remove an AOR's bindings\n"
	"  user add NAME [--password P | --password-stdin] [--realm R]\n"
	"                                 add a digest user (asks on a terminal if no password given)\n"
	"  user rm NAME                   remove a user\n"
	"  user list                      users and realms (never hashes)\n"
	"  calls                          calls in progress\n"
	"  reload                         reload sipd's configuration file\n"
	"  trace [--call-id X] [--method M] [--user U] [--addr A] [--since T]\n"
	"        [--limit N] [--brief] [--follow [--interval MS]] [--pcap FILE]\n"
	"  trace --on | --off             switch sipd's tracing at run time\n"
	"                                 sipd's message trace (tracing must be on); --since takes\n"
	"                                 an RFC 3339 time or 30s/10m/2h/1d; --follow polls for\n"
	"                                 new messages until Ctrl-C; --pcap writes a capture\n"
	"                                 file (\"-\": stdout) for tshark or sngrep\n"
	"  ladder CALL-ID [--svg FILE | --html FILE] [--file TRACE] [--ascii]\n"
	"                                 the call as a ladder diagram: text (UTF-8, or --ascii),\n"
	"                                 SVG, or an HTML page with every message; --file reads\n"
	"                                 a saved trace (sipd's trace.format json lines, or the\n"
	"                                 output of 'sipctl --json trace') instead of the API\n"
	"\n"
	"Global options:\n"
	"  --url URL      the API (default $SIPCTL_URL, else " SIPCTL_DEFAULT_URL ")\n"
	"  --token T      bearer token for http.token (default $SIPCTL_TOKEN)\n"
	"  --json         print the API's JSON answer as it is, for scripts\n"
	"  --color, --no-color\n"
	"                 trace/ladder colours; by default only when stdout is a\n"
	"                 terminal and NO_COLOR is not set\n"
	"  -h, --help     this text\n"
	"\n"
	"Exit status:\n"
	"  0  done\n"
	"  1  the API said no (an error status: not found, exists, refused\n"
	"     reload, unauthorized, ...), or a local failure (file, bad trace)\n"
	"  2  usage: unknown command or option, missing or bad argument\n"
	"  3  cannot connect to the API (or no HTTP answer)\n";

static bool want_color(const struct sipctl_args *a)
{
	const char *nc = getenv("NO_COLOR");

	switch (a->color) {
	case SIPCTL_COLOR_ALWAYS: return true;
	case SIPCTL_COLOR_NEVER: return false;
	default: return isatty(STDOUT_FILENO) && !(nc && *nc);
	}
}

static int run(struct sipctl *c)
{
	switch (c->a->cmd) {
	case SIPCTL_STATUS: return sipctl_cmd_status(c);
	case SIPCTL_REG_LIST:
	case SIPCTL_REG_SHOW:
	case SIPCTL_REG_RM: return sipctl_cmd_reg(c);
	case SIPCTL_USER_ADD:
	case SIPCTL_USER_RM:
	case SIPCTL_USER_LIST: return sipctl_cmd_user(c);
	case SIPCTL_CALLS: return sipctl_cmd_calls(c);
	case SIPCTL_RELOAD: return sipctl_cmd_reload(c);
	case SIPCTL_TRACE: return sipctl_cmd_trace(c);
	case SIPCTL_LADDER: return sipctl_cmd_ladder(c);
	case SIPCTL_HELP: break;
	}
	fputs(usage, c->out);
	return SIPCTL_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct sipctl_args a;
	struct sipctl c = { .a = &a, .out = stdout, .err = stderr };
	const char *why;
	char err[256];
	int rc;

	if (sipctl_args_parse(&a, argc, argv, getenv("SIPCTL_URL"),
			      getenv("SIPCTL_TOKEN"), err, sizeof(err))) {
		fprintf(stderr, "sipctl: %s (sipctl --help lists the commands)\n", err);
		return SIPCTL_EXIT_USAGE;
	}
	if (a.cmd != SIPCTL_HELP && sipctl_url_parse(a.url, &c.url, &why)) {
		fprintf(stderr, "sipctl: --url %s: %s\n", a.url, why);
		return SIPCTL_EXIT_USAGE;
	}
	c.color = want_color(&a);
	rc = run(&c);
	if (fflush(stdout) && !rc) {
		perror("sipctl: stdout");
		rc = SIPCTL_EXIT_REFUSED;
	}
	return rc;
}
