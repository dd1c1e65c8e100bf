/*
 * ctype.h - message body description: Content-Type (RFC 3261 §20.15,
 * media-type of §25.1), Content-Disposition (§20.11), and multipart
 * bodies (RFC 2046 §5.1: multipart/mixed, /alternative, /related, ...).
 */
#ifndef SIP_CTYPE_H
#define SIP_CTYPE_H

#include <stdbool.h>

#include "sip/buf.h"
#include "sip/pl.h"

struct sip_arena;
struct sip_msg;

/* Limits of multipart splitting. */
enum {
	SIP_MULTIPART_MAX_PARTS = 32,     /* body parts of one multipart body */
	SIP_MULTIPART_MAX_BOUNDARY = 70,  /* RFC 2046 §5.1.1 */
};

struct sip_ctype {
	struct sip_pl raw;        /* the value as written */
	struct sip_pl type;       /* m-type: "application" */
	struct sip_pl subtype;    /* m-subtype: "sdp" */
	struct sip_pl params;     /* from the first ';' (included), or empty */
	struct sip_pl boundary;   /* quotes excluded; unset when absent */
	struct sip_pl charset;    /* unset when absent */
};

enum sip_handling {
	SIP_HANDLING_REQUIRED = 0,  /* also the default when absent (§20.11) */
	SIP_HANDLING_OPTIONAL,
	SIP_HANDLING_OTHER,         /* other-handling token: see ->handling */
};

struct sip_cdisp {
	struct sip_pl raw;
	struct sip_pl type;       /* disp-type: "session", "render", "icon", ... */
	struct sip_pl handling;   /* "handling" parameter; unset when absent */
	enum sip_handling handling_id;
	struct sip_pl params;     /* from the first ';' (included), or empty */
};

struct sip_bodypart {
	struct sip_pl raw;        /* the part between its delimiters */
	struct sip_pl headers;    /* its header lines, CRLF-separated, without
	                             the empty line; empty when it has none */
	struct sip_ctype ctype;   /* valid when has_ctype; RFC 2046 §5.1:
	                             text/plain; charset=us-ascii when absent */
	bool has_ctype;
	struct sip_cdisp cdisp;   /* valid when has_cdisp */
	bool has_cdisp;
	struct sip_pl body;       /* the part's body (may be empty) */
	struct sip_bodypart *next;
};

/**
 * The Content-Type header (compact form "c") of @p m, parsed once and
 * cached. Single valued; every parameter needs a value (m-parameter =
 * m-attribute EQUAL m-value). Returns 0 and sets @p *ctp; ENOENT when
 * absent; EBADMSG with m->err "Bad Content-Type header"; ENOMEM.
 */
int sip_msg_ctype(struct sip_msg *m, const struct sip_ctype **ctp);

/** Parse a media-type from @p text into @p ct. Returns 0 or EBADMSG. */
int sip_ctype_decode(struct sip_ctype *ct, struct sip_pl text);

/**
 * True when @p ct is @p type / @p subtype, ignoring case (§7.3.1);
 * @p subtype "*" matches any subtype. @p ct NULL gives false.
 */
bool sip_ctype_is(const struct sip_ctype *ct, const char *type, const char *subtype);

/**
 * Print "type/subtype", then boundary and charset from the typed fields
 * (quoted when they are not tokens), then the other parameters of
 * ->params canonically.
 */
void sip_ctype_print(struct sip_buf *b, const struct sip_ctype *ct);

/**
 * The Content-Disposition header of @p m, parsed once and cached. Single
 * valued. Returns 0 and sets @p *cdp; ENOENT when absent; EBADMSG with
 * m->err "Bad Content-Disposition header"; ENOMEM.
 */
int sip_msg_cdisp(struct sip_msg *m, const struct sip_cdisp **cdp);

/** Parse a Content-Disposition value. Returns 0 or EBADMSG. */
int sip_cdisp_decode(struct sip_cdisp *cd, struct sip_pl text);

/** Print "type", ";handling=" when set, then the other parameters. */
void sip_cdisp_print(struct sip_buf *b, const struct sip_cdisp *cd);

/**
 * Split a multipart @p body (RFC 2046 §5.1.1) described by @p ct, which
 * must be multipart/<any> with a boundary of 1 to 70 characters. The
 * preamble and the epilogue are skipped; the CRLF before each delimiter
 * belongs to the delimiter; a part's headers end at the first empty line
 * (a part that starts with CRLF has none). Each part's Content-Type and
 * Content-Disposition are parsed. Nested multiparts are left for the
 * caller (call again with the part's ctype and body).
 *
 * Parts are allocated from @p a and point into @p body. Returns 0 and
 * sets @p *first; EINVAL when @p ct is not multipart; EBADMSG on a missing
 * or bad boundary, no first delimiter, no close delimiter ("--boundary--"),
 * a malformed part header or a body without any part; E2BIG above
 * SIP_MULTIPART_MAX_PARTS; ENOMEM. @p *first is written only on success.
 */
int sip_body_multipart(struct sip_arena *a, const struct sip_ctype *ct,
		       struct sip_pl body, struct sip_bodypart **first);

/**
 * Value of the first header named @p name (case-insensitive) among the
 * part's header lines, trimmed (folds kept). Returns 0 or ENOENT.
 */
int sip_bodypart_hdr(const struct sip_bodypart *bp, const char *name,
		     struct sip_pl *value);

/**
 * Print a multipart body: for each part "--boundary" CRLF, its header
 * lines and CRLF (when it has any), CRLF, its body, then CRLF
 * "--boundary--" CRLF. The result splits back into the same parts.
 */
void sip_body_multipart_print(struct sip_buf *b, struct sip_pl boundary,
			      const struct sip_bodypart *first);

#endif
