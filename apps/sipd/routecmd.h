/*
 * routecmd.h - `sipd route test NUMBER [--from USER] [--source IP]
 * [--class CLASS] -c FILE`: a dry run of the configuration's dial plan
 * for one call, printed as sip_route_dryrun() explains it (the matching
 * rule, the rewritten number, where the call goes: gateways in the order
 * they would be tried; or why it is refused or unrouted).
 */
#ifndef SIPD_ROUTECMD_H
#define SIPD_ROUTECMD_H

/** Exit statuses of sipd_routecmd(). */
enum {
	SIPD_ROUTE_ROUTED = 0,   /* a rule routes the call */
	SIPD_ROUTE_REFUSED = 1,  /* 403 (class not allowed) or 404 (no rule) */
	SIPD_ROUTE_USAGE = 2,    /* bad usage, bad configuration, no plan */
};

/**
 * Run `sipd route ...` with main's @p argc / @p argv (argv[1] is
 * "route"). The
 * caller's class is --class, else the class of the --from user in
 * users[]. Prints the decision on stdout, errors on stderr. Returns an
 * exit status above.
 */
int sipd_routecmd(int argc, char **argv);

#endif
