/*
 * usercmd.h - `sipd user add|rm|list`: manage the users (digest HA1
 * hashes, never the password) in the store the configuration names.
 */
#ifndef SIPD_USERCMD_H
#define SIPD_USERCMD_H

/** Exit statuses of sipd_usercmd(). */
enum {
	SIPD_USER_OK = 0,
	SIPD_USER_STORE = 1,     /* the store failed */
	SIPD_USER_USAGE = 2,     /* bad usage or configuration */
	SIPD_USER_NOENT = 3,     /* rm: no such user */
};

/**
 * Run `sipd user ...` with @p argc / @p argv starting at "user". Prints
 * to stdout (list) and stderr (errors). Returns an exit status above.
 */
int sipd_usercmd(int argc, char **argv);

#endif
