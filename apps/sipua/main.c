/*
 * main.c - sipua: a scriptable SIP user agent with real audio. Parses the
 * command line and runs one command (cmd.c); the exit status says how it
 * ended (docs/sipua.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sipua.h"

int main(int argc, char **argv)
{
	static struct ua_opts o;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((err = ua_opts_parse(&o, argc, argv))) {
		ua_opts_free(&o);
		return err;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	err = ua_run(&o);
	ua_opts_free(&o);
	return err;
}
