/*
 * reload.h - SIGHUP: read the configuration file again and apply what
 * can change while calls are up, never touching a transaction.
 *
 * A file that fails to load is refused: its "FILE:LINE: what is wrong"
 * is logged as an error and the running configuration stays. Otherwise:
 *
 *   applied live    log.level, log.format, trace.enabled (kept on when
 *                   sipd was started with --trace), trace.ring_size (the
 *                   newest entries are kept), server.name (Server
 *                   header), server.domains (what counts as this server)
 *                   users (put into the store again)
 *   need a restart  listen, transaction (T1, T2, T4), limits, store,
 *                   registrar, auth, http, trace.hep: a change is
 *                   logged as a warning and the running values are kept
 *
 * Each change applied is logged at info ("reloaded" with the key, old and
 * new value), or "configuration unchanged". Later roles add their own
 * live keys (users, dial plan, ACLs).
 */
#ifndef SIPD_RELOAD_H
#define SIPD_RELOAD_H

struct sipd;

/** Reload sd->config_path into @p sd (see above). Never fails. */
void sipd_reload(struct sipd *sd);

/**
 * As sipd_reload(), telling whether the file was taken: 0, or the error
 * of sipd_config_load() with its "FILE:LINE: message" in @p err (the
 * running configuration kept). For POST /api/reload.
 */
int sipd_reload_check(struct sipd *sd, char *err, size_t errlen);

#endif
