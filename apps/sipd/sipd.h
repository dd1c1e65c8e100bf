/*
 * sipd.h - the daemon instance: everything one running sipd owns, passed
 * down explicitly (no globals), so two can live in one test process.
 */
#ifndef SIPD_SIPD_H
#define SIPD_SIPD_H

#include "config.h"

/** One daemon. */
struct sipd {
	const char *config_path;   /**< borrowed (argv) */
	struct sipd_config *cfg;   /**< owned */
};

/**
 * Run the daemon described by @p sd (its configuration loaded) until it
 * is told to stop. Returns 0 after a clean shutdown, otherwise an errno
 * value (ENOSYS while the server core is not linked in).
 */
int sipd_run(struct sipd *sd);

#endif
