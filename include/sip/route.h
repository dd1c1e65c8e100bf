/*
 * route.h - the dial plan: ordered rules that match a call, rewrite the
 * dialled number, check the caller's permission and name a destination
 * (registered user, fixed URI, redirect or gateway group), plus gateway
 * selection with failover (RFC 3261 §16.6/§16.7) and gateway health.
 *
 * Reloading: build a new plan with sip_route_plan_build() and swap the
 * holder's pointer; every call in flight keeps its own sip_mem_ref() of
 * the plan it started with, and the old plan is freed with its last
 * reference:
 *
 *	if (sip_route_plan_build(&np, &desc, err, sizeof err) == 0) {
 *		old = holder->plan;
 *		holder->plan = np;
 *		sip_mem_deref(old);
 *	}
 *
 * Health state lives in the plan's gateways: carry it over with
 * sip_route_plan_copy_health() before the swap. Lookups only read the
 * plan; health feeding writes it, so both belong to the loop thread.
 */
#ifndef SIP_ROUTE_H
#define SIP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Limits checked while building and routing. */
enum {
	SIP_ROUTE_NUMBER_MAX = 128,	/* rewritten number, with its NUL */
	SIP_ROUTE_URI_MAX    = 512,	/* substituted destination URI */
	SIP_ROUTE_GW_MAX     = 32,	/* gateways in one group */
	SIP_ROUTE_ERR_MAX    = 256,	/* suggested size of error buffers */
};

/** What a rule looks at. */
enum sip_route_field {
	SIP_ROUTE_RURI_USER = 0,	/* user part of the Request-URI */
	SIP_ROUTE_FROM_USER,		/* user part of the From URI */
	SIP_ROUTE_SOURCE,		/* source IP address (CIDR only) */
};

/** How a rule matches its field. */
enum sip_route_match {
	SIP_ROUTE_PREFIX = 0,	/* field starts with the pattern ("" = any) */
	SIP_ROUTE_REGEX,	/* PCRE2 pattern, unanchored unless it says so */
	SIP_ROUTE_CIDR,		/* "10.0.0.0/8", "2001:db8::/32", or one address */
};

/** Where a matching call goes. */
enum sip_route_dest {
	SIP_ROUTE_DEST_USER = 0,	/* registered user, via the location service */
	SIP_ROUTE_DEST_URI,		/* fixed SIP URI, "${user}" = number */
	SIP_ROUTE_DEST_REDIRECT,	/* answer 301/302 with the target's contacts */
	SIP_ROUTE_DEST_GROUP,		/* gateway group, with failover */
};

/** One rule of the description; every string is copied by the build. */
struct sip_route_rule_desc {
	const char *name;		/* unique, required */
	enum sip_route_field field;
	enum sip_route_match match;
	const char *pattern;		/* prefix, PCRE2 pattern or CIDR */
	/*
	 * Rewriting, applied in this order to the Request-URI user:
	 * replace (template with $1, ${12}, $$; needs a regex rule on the
	 * Request-URI user), then strip leading characters, then prefix.
	 */
	const char *replace;		/* NULL: keep the number */
	unsigned strip;			/* clamped to the number's length */
	const char *prefix;		/* NULL or "": nothing added */
	enum sip_route_dest dest;
	/*
	 * USER: user name, NULL = the rewritten number. URI: URI template.
	 * REDIRECT: URI template, or "user:" / "user:NAME" for the contacts
	 * of a registered user (the number / NAME). GROUP: group name.
	 */
	const char *target;
	uint16_t redirect_code;		/* 301 or 302 (0 = 302) */
	const char *const *classes;	/* caller classes allowed; none = all */
	size_t nclasses;
	bool fallthrough;		/* refused callers try the next rules */
};

/** One gateway of a group. */
struct sip_route_gw_desc {
	const char *uri;
	unsigned priority;		/* lower is tried first */
	unsigned weight;		/* share within its priority; 0 = 1 */
};

struct sip_route_group_desc {
	const char *name;
	const struct sip_route_gw_desc *gws;
	size_t ngws;			/* 1..SIP_ROUTE_GW_MAX */
};

/** Health thresholds and OPTIONS probe intervals (0 = default). */
struct sip_route_health_conf {
	unsigned fail_down;		/* consecutive failures to mark down (3) */
	unsigned ok_up;			/* consecutive successes to mark up (2) */
	uint64_t interval_ms;		/* probe interval while up (30000) */
	uint64_t down_interval_ms;	/* probe interval while down (= interval) */
};

/** The plain description a plan is built from (YAML maps onto it). */
struct sip_route_plan_desc {
	const struct sip_route_rule_desc *rules;
	size_t nrules;
	const struct sip_route_group_desc *groups;
	size_t ngroups;
	struct sip_route_health_conf health;
};

struct sip_route_plan;
struct sip_route_rule;
struct sip_route_group;
struct sip_route_gw;

/**
 * Validate @p desc and build a plan from it (regexes compiled, JIT when
 * available). On success *planp holds one reference (sip_mem_deref()).
 * Returns 0; EINVAL with a message in @p err (may be NULL, @p errsz
 * bytes) for an empty rule set, a duplicate or missing rule name, a bad
 * regex (PCRE2's message and offset), a bad CIDR or template, an unknown
 * or bad gateway group; ENOMEM when out of memory.
 */
int sip_route_plan_build(struct sip_route_plan **planp,
			 const struct sip_route_plan_desc *desc,
			 char *err, size_t errsz);

/** A call to route; strings borrowed for the call only. */
struct sip_route_req {
	const char *ruri_user;		/* the dialled number */
	const char *from_user;		/* NULL: From rules do not match */
	const char *source;		/* source IP text, NULL: no match */
	const char *caller_class;	/* NULL: caller has no class */
};

/** Outcome of a lookup. */
struct sip_route_result {
	/* 0: routed; 403: a matching rule refused the caller; 404: none. */
	uint16_t status;
	const struct sip_route_rule *rule;	/* borrowed from the plan */
	enum sip_route_dest dest;
	char number[SIP_ROUTE_NUMBER_MAX];	/* rewritten number */
	/* USER and redirect-to-user: the user to resolve; URI/REDIRECT: URI */
	char target[SIP_ROUTE_URI_MAX];
	bool target_is_user;
	uint16_t redirect_code;			/* REDIRECT only */
	const struct sip_route_group *group;	/* GROUP only, borrowed */
};

/**
 * Route @p req through @p plan: the first matching rule decides; a
 * caller whose class the rule does not list gets 403 unless the rule
 * says fallthrough, then the next rules are tried (403 if none allows).
 * Returns 0 with @p res written (see status); ENOMEM; ENAMETOOLONG when
 * the rewritten number or URI exceeds the limits.
 */
int sip_route_lookup(const struct sip_route_plan *plan,
		     const struct sip_route_req *req,
		     struct sip_route_result *res);

/** Rule name (for logs). */
const char *sip_route_rule_name(const struct sip_route_rule *rule);

/** Gateway group by name, or NULL. Borrowed from the plan. */
struct sip_route_group *sip_route_plan_group(struct sip_route_plan *plan,
					     const char *name);

/**
 * Number of gateway groups, and group @p i (NULL past the end): the
 * daemon walks them to probe every gateway. Borrowed from the plan.
 */
size_t sip_route_plan_ngroups(const struct sip_route_plan *plan);
struct sip_route_group *sip_route_plan_group_at(struct sip_route_plan *plan,
						size_t i);

/** Group name; number of gateways; gateway @p i (NULL past the end). */
const char *sip_route_group_name(const struct sip_route_group *g);
size_t sip_route_group_count(const struct sip_route_group *g);
struct sip_route_gw *sip_route_group_gw(const struct sip_route_group *g,
					size_t i);

/** Gateway URI, priority, weight. */
const char *sip_route_gw_uri(const struct sip_route_gw *gw);
unsigned sip_route_gw_priority(const struct sip_route_gw *gw);
unsigned sip_route_gw_weight(const struct sip_route_gw *gw);

/**
 * Copy each gateway's health from @p old to @p plan where group name and
 * URI match (for a reload). Either may be NULL.
 */
void sip_route_plan_copy_health(struct sip_route_plan *plan,
				const struct sip_route_plan *old);

/* ---- Gateway selection and failover ------------------------------ */

/** Random source: a uniformly distributed 32-bit value. */
typedef uint32_t (sip_route_rand_h)(void *arg);

/**
 * The order in which @p g's gateways are tried: ascending priority,
 * weighted random within a priority (weight / sum of weights for each
 * pick, without replacement), gateways that are down left out.
 * @p rh NULL uses arc4random(). Writes up to SIP_ROUTE_GW_MAX gateways
 * to @p order and returns how many.
 */
size_t sip_route_group_order(const struct sip_route_group *g,
			     sip_route_rand_h *rh, void *arg,
			     struct sip_route_gw **order);

/** Failover over one group for one call; caller-allocated. */
struct sip_route_failover {
	struct sip_route_gw *order[SIP_ROUTE_GW_MAX];
	size_t n;
	size_t pos;			/* index of the current attempt */
	uint16_t codes[SIP_ROUTE_GW_MAX];	/* final codes so far */
	size_t ncodes;
};

/** Verdict on the response of the current attempt. */
enum sip_route_next {
	SIP_ROUTE_TRY = 0,	/* try *gwp next */
	SIP_ROUTE_RELAY,	/* relay this response to the caller */
	SIP_ROUTE_EXHAUSTED,	/* no gateway left: send best response */
};

/**
 * Start failover over @p g (borrowed: the plan must outlive @p f).
 * *gwp gets the first gateway. Returns 0, or ENOENT when every gateway
 * is down (then answer 503).
 */
int sip_route_failover_start(struct sip_route_failover *f,
			     const struct sip_route_group *g,
			     sip_route_rand_h *rh, void *arg,
			     struct sip_route_gw **gwp);

/**
 * Feed the final response @p status of the current attempt (0 for a
 * timeout or transport error). 408, 5xx and 0 try the next gateway that
 * is still up (*gwp set, SIP_ROUTE_TRY); 2xx, 3xx, other 4xx and 6xx
 * give SIP_ROUTE_RELAY; when no gateway is left, SIP_ROUTE_EXHAUSTED
 * and *statusp gets sip_route_best_response() of all codes.
 */
enum sip_route_next sip_route_failover_next(struct sip_route_failover *f,
					    uint16_t status,
					    struct sip_route_gw **gwp,
					    uint16_t *statusp);

/**
 * RFC 3261 §16.7 step 6: the best of @p n final responses (0 = no
 * response, counted as 408): any 6xx wins; otherwise the lowest class;
 * within 4xx, 401, 407, 415, 420 and 484 are preferred; a chosen 503
 * becomes 500. Returns 408 when @p n is 0.
 */
uint16_t sip_route_best_response(const uint16_t *codes, size_t n);

/* ---- Gateway health ---------------------------------------------- */

enum sip_route_health_state {
	SIP_ROUTE_GW_UP = 0,
	SIP_ROUTE_GW_DOWN,
};

/** Health of one gateway, fed by OPTIONS probe results. */
struct sip_route_health {
	struct sip_route_health_conf conf;
	enum sip_route_health_state state;
	unsigned consec_ok;
	unsigned consec_fail;
	uint64_t next_probe_ms;
	uint64_t probes;		/* counters since init */
	uint64_t failures;
	uint64_t successes;
	uint64_t transitions;
};

/** Start UP with the first probe due at @p now_ms; zero conf = defaults. */
void sip_route_health_init(struct sip_route_health *h,
			   const struct sip_route_health_conf *conf,
			   uint64_t now_ms);

/**
 * Feed one probe result at @p now_ms and schedule the next probe.
 * Returns true when the state changed (UP<->DOWN).
 */
bool sip_route_health_feed(struct sip_route_health *h, bool ok,
			   uint64_t now_ms);

/** Absolute time (ms) when the next probe is due. */
uint64_t sip_route_health_next_probe(const struct sip_route_health *h);

/** "up" or "down". */
const char *sip_route_health_name(enum sip_route_health_state s);

/** The health tracker of a gateway (mutable: probes feed it). */
struct sip_route_health *sip_route_gw_health(struct sip_route_gw *gw);

/** True when the gateway is not marked down. */
bool sip_route_gw_is_up(const struct sip_route_gw *gw);

/* ---- Dry run ------------------------------------------------------ */

/**
 * The human-readable decision for `sipd route test NUMBER --from USER`:
 * matching rule, rewritten number, destination (for a group, the try
 * order with down gateways marked) or why nothing matched / why the
 * caller is refused. Written NUL-terminated into @p buf (@p size > 0).
 * Returns 0, ENOMEM, or ENOSPC when the text was truncated.
 */
int sip_route_dryrun(const struct sip_route_plan *plan,
		     const struct sip_route_req *req,
		     sip_route_rand_h *rh, void *arg,
		     char *buf, size_t size);

/**
 * Debug dump of @p plan (rules, groups, gateway health) into @p buf
 * (@p size > 0), NUL-terminated. Returns 0, or ENOSPC when truncated.
 */
int sip_route_plan_debug(const struct sip_route_plan *plan, char *buf,
			 size_t size);

#endif
