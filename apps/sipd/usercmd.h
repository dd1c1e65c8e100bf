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

struct sipd_config;

/**
 * The HA1s of @p name / @p password in the realm of @p domain (auth.realm
 * or the domain), as hex into @p md5 and @p sha (SIP_AUTH_HEX_SIZE each).
 * Shared with POST /api/users. Returns 0 or an errno value.
 */
int sipd_user_ha1s(const struct sipd_config *cfg, const char *name,
		   const char *password, const char *domain, char *md5, char *sha);

#endif
