/*
 * run.c - start the daemon from its configuration and run the event loop.
 *
 * Placeholder: the transport (src/transport/) and transaction (src/txn/)
 * layers are not linked yet. This is where the loop, the listeners of
 * sd->cfg->listen and the signal handlers get created.
 */
#include <errno.h>
#include <stdio.h>

#include "sipd.h"

int sipd_run(struct sipd *sd)
{
	fprintf(stderr, "sipd: %s loaded (%zu listener%s); the server core "
		"is not linked yet, exiting\n", sd->config_path,
		sd->cfg->listen_count, sd->cfg->listen_count == 1 ? "" : "s");
	return ENOSYS;
}
