/*
 * roles.h - private to src/roles/: the binding update of a REGISTER
 * (RFC 3261 §10.3 steps 6-7) as a pure function, so that the rules can
 * be read and tested apart from parsing and storage.
 */
#ifndef ROLES_PRIV_H
#define ROLES_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/registrar.h"
#include "sip/store.h"
#include "sip/uri.h"

struct sip_arena;

/** One Contact of a REGISTER, validated. */
struct reg_contact {
	struct sip_uri uri;          /* parsed contact URI (slices into the
	                                request) */
	struct sip_binding b;        /* what a PUT stores: every field set,
	                                b.key the key a new binding gets */
	uint32_t secs;               /* granted expiry; 0 removes */
};

enum reg_verdict {
	REG_OK,
	REG_STALE,                   /* same Call-ID, CSeq not higher */
	REG_TOO_MANY,                /* more than max_contacts */
};

/** Result of reg_update_compute(); free with reg_update_free(). */
struct reg_update {
	enum reg_verdict verdict;
	struct sip_binding_change *chg;   /* the changes to apply */
	size_t nchg;
	const struct sip_binding **after; /* the AOR's bindings afterwards:
	                                     borrowed from the inputs */
	size_t nafter;
	unsigned added, refreshed, removed;
};

/**
 * Compute the update of an AOR whose unexpired bindings are @p cur, by
 * request contacts @p rc[@p n] (or the wildcard, @p star) with Call-ID
 * @p callid and CSeq @p cseq. Bindings keep their key; a new one takes
 * rc[i].b.key. @p max_contacts caps the bindings afterwards, unless the
 * request does not add to a list already over the cap.
 * Returns 0 (verdict set) or ENOMEM. The result borrows @p cur and @p rc.
 */
int reg_update_compute(struct reg_update *u, const struct sip_bindings *cur,
		       const struct reg_contact *rc, size_t n, bool star,
		       const char *callid, uint32_t cseq, unsigned max_contacts);

/** Free what reg_update_compute() allocated (not the borrowed data). */
void reg_update_free(struct reg_update *u);

/* ---- the registrar (registrar.c, reg_request.c, reg_reply.c) ---- */

struct sip_registrar {
	struct sip_store *st;               /* referenced */
	struct sip_registrar_conf conf;     /* conf.domains: in dbuf */
	char *dbuf;                         /* owned (malloc) */
	struct sip_registrar_stats stats;
};

/* One REGISTER from sip_registrar_handle() to its answer. */
struct reg_tx {
	struct sip_registrar *reg;          /* referenced */
	struct sip_msg *m;                  /* borrowed */
	sip_registrar_reply_h *h;
	void *arg;
	struct sip_arena *arena;            /* strings of rc[], aor, path */
	uint64_t now;                       /* store clock at arrival */
	char totag[32];
	sip_registrar_build_h *build;       /* NULL: sip_out_reply() */
	void *build_arg;
	const char *aor;                    /* canonical To AOR */
	struct reg_contact *rc;             /* the request's contacts */
	size_t nrc;
	bool star;                          /* Contact: * */
	const char *path;                   /* Path values joined, or NULL */
	bool path_ok;                       /* Supported: path */
	bool outbound_ok;                   /* Supported: outbound */
	bool outbound_used;                 /* an instance with reg-id */
	uint16_t scode;                     /* answer decided early, or 0 */
	const char *reason;                 /* its phrase (static or arena) */
	struct sip_bindings *cur;           /* referenced lookup result */
	struct reg_update upd;
};

/**
 * Read and check REGISTER @p rq into @p tx: domains, AOR, third-party
 * policy, contacts with their expiry (§10.3 steps 1-7 that need no
 * stored state). Returns 0 to go on, or the status to answer with
 * (tx->reason set, and tx->scode 423 wants Min-Expires).
 */
uint16_t reg_request_read(struct reg_tx *tx, const struct sip_reg_req *rq);

/**
 * Build the answer @p scode (@p reason NULL: the RFC's phrase) to
 * tx->m: for 200 the bindings in tx->upd.after, Date, Path, Require;
 * Min-Expires for 423, Retry-After for 503. NULL when out of memory.
 */
struct sip_out *reg_reply_build(struct reg_tx *tx, uint16_t scode,
				const char *reason);

#endif
