/*
 * args.h - sipctl's command line: global flags, the command, its
 * arguments and options (see `sipctl --help` and docs/sipctl.md).
 *
 * Options may come before or after the command words; "--opt=value" and
 * "--opt value" are the same; "--" ends the options. An option a command
 * does not take is a usage error (exit 2), as is a missing or extra
 * argument or a malformed value.
 */
#ifndef SIPCTL_ARGS_H
#define SIPCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define SIPCTL_DEFAULT_URL "http://127.0.0.1:8080"

enum sipctl_cmd {
	SIPCTL_HELP,
	SIPCTL_STATUS,
	SIPCTL_REG_LIST,
	SIPCTL_REG_SHOW,
	SIPCTL_REG_RM,
	SIPCTL_USER_ADD,
	SIPCTL_USER_RM,
	SIPCTL_USER_LIST,
	SIPCTL_CALLS,
	SIPCTL_RELOAD,
	SIPCTL_TRACE,
	SIPCTL_LADDER,
};

enum sipctl_color { SIPCTL_COLOR_AUTO, SIPCTL_COLOR_NEVER, SIPCTL_COLOR_ALWAYS };

/* Exit statuses (documented in --help and docs/sipctl.md). */
enum {
	SIPCTL_EXIT_OK = 0,
	SIPCTL_EXIT_REFUSED = 1,   /* the API said no, not found, or a local
	                              failure (file, bad trace data) */
	SIPCTL_EXIT_USAGE = 2,
	SIPCTL_EXIT_CONNECT = 3,   /* no connection, or no HTTP answer */
};

struct sipctl_args {
	enum sipctl_cmd cmd;
	/* global */
	const char *url;         /* --url, $SIPCTL_URL, or the default */
	const char *token;       /* --token, $SIPCTL_TOKEN, or NULL */
	bool json;               /* --json: the API's JSON as is */
	enum sipctl_color color; /* --color / --no-color */
	const char *arg;         /* AOR, NAME or CALL-ID */
	/* user add */
	const char *password;
	bool password_stdin;
	const char *realm;
	/* trace (and ladder's --file) */
	const char *call_id, *method, *user, *addr, *since;
	bool follow;
	bool brief;              /* one line per message */
	int trace_switch;        /* --on 1, --off 0, else -1 */
	const char *pcap;
	unsigned limit;          /* 0: the API's default */
	unsigned interval_ms;    /* --follow polling period */
	/* ladder */
	const char *svg, *html, *file;
	bool ascii;
};

/**
 * Parse @p argc / @p argv (argv[0] is the program) into @p a, with
 * @p env_url and @p env_token (may be NULL) as the defaults of --url and
 * --token. Pointers in @p a point into argv or the env strings.
 * Returns 0, or EINVAL with @p err (size @p errsize) saying why.
 */
int sipctl_args_parse(struct sipctl_args *a, int argc, char **argv,
		      const char *env_url, const char *env_token,
		      char *err, size_t errsize);

/**
 * The value of --since for the API: an RFC 3339 time is passed as it
 * is; "30s", "10m", "2h", "1d" mean that long before @p now, written as
 * RFC 3339 UTC into @p out (size >= 32). Returns 0 or EINVAL.
 */
int sipctl_since(const char *in, time_t now, char *out, size_t size);

#endif
