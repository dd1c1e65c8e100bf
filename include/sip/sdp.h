/*
 * sdp.h - SDP session descriptions (RFC 8866): parse, print, build; and
 * the offer/answer model (RFC 3264 §5-§8) on top of them.
 *
 * A struct sip_sdp is a sip_mem object (free with sip_mem_deref()) with
 * fixed-size arrays bounded by the SIP_SDP_MAX_* limits. Every text field
 * is a slice: into the parsed body (zero copy), into the description's own
 * arena (strings given to the builders are copied there), or into another
 * description the object holds a reference on (an answer refers to its
 * offer). A description is therefore self-contained: its slices live
 * exactly as long as it does.
 *
 * A slice field that is unset (p == NULL, see sip_pl_isset()) means the
 * line or attribute was absent.
 */
#ifndef SIP_SDP_H
#define SIP_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/pl.h"

struct sip_arena;

/* Limits, checked before use; going over one is E2BIG, not EBADMSG. */
enum {
	SIP_SDP_MAX_SIZE  = 65535, /* whole body, bytes */
	SIP_SDP_MAX_MEDIA = 8,     /* m= lines */
	SIP_SDP_MAX_FMT   = 32,    /* formats on one m= line */
	SIP_SDP_MAX_ATTR  = 32,    /* other a= lines per level */
	SIP_SDP_MAX_BW    = 4,     /* b= lines per level */
	SIP_SDP_MAX_TIME  = 4,     /* t= lines */
	SIP_SDP_MAX_EXTRA = 8,     /* i= u= e= p= r= z= k= lines per level */
};

/* RTP payload type ranges (RFC 3551 §6). */
enum {
	SIP_SDP_PT_MAX = 127,
	SIP_SDP_PT_DYN_MIN = 96,
	SIP_SDP_PT_DTMF = 101,   /* customary telephone-event number */
};

/* Media direction (RFC 8866 §6.7, RFC 3264 §5.1). */
enum sip_sdp_dir {
	SIP_SDP_DIR_UNSET = 0,   /* no attribute at this level */
	SIP_SDP_INACTIVE,
	SIP_SDP_SENDONLY,
	SIP_SDP_RECVONLY,
	SIP_SDP_SENDRECV,
};

/* c= line (§5.7), also the address part of a=rtcp (RFC 3605). */
struct sip_sdp_conn {
	struct sip_pl nettype;   /* "IN" */
	struct sip_pl addrtype;  /* "IP4", "IP6" */
	struct sip_pl addr;      /* address, unset when no c= line */
	struct sip_pl suffix;    /* multicast "/ttl[/count]" or empty */
};

/* o= line (§5.2). */
struct sip_sdp_origin {
	struct sip_pl user;      /* "-" when the host has no user ids */
	struct sip_pl id;        /* sess-id digits, kept as text */
	uint64_t version;        /* sess-version, bumped on each change */
	struct sip_pl nettype;
	struct sip_pl addrtype;
	struct sip_pl addr;
};

/* An a= line kept as written: "name" or "name:value". */
struct sip_sdp_attr {
	struct sip_pl name;
	struct sip_pl value;     /* unset for a property attribute */
};

/* A line kept verbatim: i= u= e= p= r= z= k=. */
struct sip_sdp_line {
	char type;
	uint8_t time;            /* r=: index of the t= line it follows */
	struct sip_pl value;
};

/* t= line (§5.9); 0 0 for an unbounded session. */
struct sip_sdp_time {
	uint64_t start;
	uint64_t stop;
};

/* One format of an m= line, with its a=rtpmap and a=fmtp folded in. */
struct sip_sdp_fmt {
	struct sip_pl id;        /* as on the m= line */
	int pt;                  /* RTP payload type, -1 for non-RTP protos */
	struct sip_pl name;      /* encoding name, empty when unknown */
	uint32_t clock;          /* clock rate, 0 when unknown */
	uint32_t channels;       /* encoding parameters, 0 when not given */
	struct sip_pl params;    /* a=fmtp value, unset when none */
	bool rtpmap;             /* name/clock came from (or print) a=rtpmap */
};

/* One media description (§5.14 and the lines that follow it). */
struct sip_sdp_media {
	struct sip_pl type;      /* "audio", "video", ... */
	uint32_t port;           /* 0: stream disabled / rejected */
	uint32_t nports;         /* "/count" on the m= line, 0 when absent */
	struct sip_pl proto;     /* "RTP/AVP", ... */
	struct sip_sdp_fmt fmt[SIP_SDP_MAX_FMT];
	size_t nfmt;
	struct sip_sdp_conn conn;         /* media c=, overrides session's */
	struct sip_pl bw[SIP_SDP_MAX_BW]; /* "AS:64", verbatim */
	size_t nbw;
	struct sip_sdp_line extra[SIP_SDP_MAX_EXTRA]; /* i=, k= */
	size_t nextra;
	uint32_t ptime;          /* a=ptime, 0 when absent */
	uint32_t maxptime;       /* a=maxptime, 0 when absent */
	enum sip_sdp_dir dir;    /* overrides the session's */
	uint32_t rtcp_port;      /* a=rtcp port, 0 when absent */
	struct sip_sdp_conn rtcp_conn;    /* a=rtcp address, may be unset */
	struct sip_sdp_attr attr[SIP_SDP_MAX_ATTR]; /* any other a= */
	size_t nattr;
};

struct sip_sdp {
	struct sip_pl raw;       /* the parsed body; empty when built */
	uint32_t version;        /* v=, always 0 */
	struct sip_sdp_origin origin;
	struct sip_pl name;      /* s= */
	struct sip_sdp_conn conn;
	struct sip_pl bw[SIP_SDP_MAX_BW];
	size_t nbw;
	struct sip_sdp_time time[SIP_SDP_MAX_TIME];
	size_t ntime;
	struct sip_sdp_line extra[SIP_SDP_MAX_EXTRA];
	size_t nextra;
	enum sip_sdp_dir dir;
	struct sip_sdp_attr attr[SIP_SDP_MAX_ATTR];
	size_t nattr;
	struct sip_sdp_media media[SIP_SDP_MAX_MEDIA];
	size_t nmedia;

	/* private: keeps borrowed bytes alive; copies of builder strings */
	void *owner;
	struct sip_arena *arena;
};

/* A codec by name (case-insensitive), clock rate and channel count. */
struct sip_sdp_codec {
	const char *name;        /* "PCMU", "opus", "telephone-event" */
	uint32_t clock;
	uint32_t channels;       /* 0 or 1 both mean mono */
	const char *fmtp;        /* NULL or the a=fmtp parameters to send */
};

/* What the local side can do with one stream (one m= line). */
struct sip_sdp_stream_caps {
	const char *type;        /* "audio" */
	const char *proto;       /* NULL for "RTP/AVP" */
	uint16_t port;           /* local RTP port */
	const struct sip_sdp_codec *codecs; /* in order of preference */
	size_t ncodecs;
	bool dtmf;               /* also telephone-event/8000 (RFC 4733) */
	enum sip_sdp_dir dir;    /* local policy; UNSET means sendrecv */
	uint32_t ptime;          /* 0: no a=ptime */
};

/* The local side: o= and c= values plus its streams. */
struct sip_sdp_caps {
	const char *user;        /* NULL for "-" */
	uint64_t sess_id;
	uint64_t sess_version;
	const char *addr;        /* IPv4 or IPv6 literal, for o= and c= */
	const char *name;        /* s=, NULL for "-" */
	const struct sip_sdp_stream_caps *streams;
	size_t nstreams;
};

/* ---- parse and print (decode.c, attr.c, encode.c) ---- */

/**
 * Parse the SDP body @p body. Lines may end in CRLF or LF alone.
 *
 * If @p owner is a sip_mem object keeping the bytes alive, the description
 * takes a reference on it and its slices point into @p body (zero copy);
 * with @p owner NULL the bytes are first copied once into its arena.
 *
 * Returns 0 and sets @p *sdpp (free with sip_mem_deref()); EBADMSG when
 * malformed or a required line (v= o= s= t=, a c= for every media with a
 * non-zero port) is missing; E2BIG when over a SIP_SDP_MAX_* limit;
 * ENOMEM. On EBADMSG and E2BIG, @p *reason, if not NULL, gets a static
 * string naming the problem, e.g. "SDP: bad m= line".
 */
int sip_sdp_decode(struct sip_sdp **sdpp, struct sip_pl body, void *owner,
		   const char **reason);

/**
 * Append @p sdp to @p b in the canonical line order of RFC 8866 §5, CRLF
 * line ends. a=rtpmap / a=fmtp lines are printed per format, then ptime,
 * maxptime, rtcp, the other attributes, the direction. Missing s= and t=
 * print as "s=-" and "t=0 0".
 * Returns 0, or ENOMEM (the buffer's sticky error).
 */
int sip_sdp_encode(struct sip_buf *b, const struct sip_sdp *sdp);

/* ---- building (sdp.c, offer.c) ---- */

/**
 * Allocate an empty description (v=0, nothing else) to fill in by hand.
 * Returns 0 and sets @p *sdpp (free with sip_mem_deref()), or ENOMEM.
 */
int sip_sdp_alloc(struct sip_sdp **sdpp);

/**
 * Copy @p s into @p sdp's arena and point @p *out at the copy, so that a
 * built description owns its strings. Returns 0 or ENOMEM (@p *out
 * untouched).
 */
int sip_sdp_strdup(struct sip_sdp *sdp, struct sip_pl *out, struct sip_pl s);

/**
 * Append an m= line of @p type / @p port / @p proto (NULL: "RTP/AVP"),
 * strings copied. Returns 0 and sets @p *mp; E2BIG when @p sdp already has
 * SIP_SDP_MAX_MEDIA; ENOMEM.
 */
int sip_sdp_media_add(struct sip_sdp *sdp, struct sip_sdp_media **mp,
		      const char *type, uint16_t port, const char *proto);

/**
 * Append format @p c on RTP payload type @p pt to @p m, with an a=rtpmap
 * and, when c->fmtp is set, an a=fmtp; strings copied into @p sdp.
 * Returns 0; EINVAL when @p pt is over 127 or already used on @p m;
 * E2BIG when @p m is full; ENOMEM.
 */
int sip_sdp_fmt_add(struct sip_sdp *sdp, struct sip_sdp_media *m,
		    const struct sip_sdp_codec *c, unsigned pt);

/**
 * Append attribute @p name (with @p value, or NULL for a property) to
 * @p m, or to the session when @p m is NULL; strings copied.
 * Returns 0, E2BIG when full, ENOMEM.
 */
int sip_sdp_attr_add(struct sip_sdp *sdp, struct sip_sdp_media *m,
		     const char *name, const char *value);

/**
 * Build an offer (RFC 3264 §5): o= and session c= from @p caps, t=0 0,
 * one m= line per caps stream. Static payload types (RFC 3551) are used
 * for the codecs that have one, dynamic ones are numbered from 96, and
 * telephone-event (stream dtmf, or listed as a codec) takes 101 when
 * free. Every format gets an a=rtpmap.
 * Returns 0 and sets @p *sdpp; EINVAL (no addr, a stream without codecs,
 * more than 32 dynamic codecs); E2BIG; ENOMEM.
 */
int sip_sdp_offer(struct sip_sdp **sdpp, const struct sip_sdp_caps *caps);

/**
 * Shorthand for sip_sdp_offer(): one sendrecv audio stream, RTP/AVP,
 * on @p addr / @p port with @p codecs (list telephone-event among them
 * to offer DTMF), user "-", session id and version 1.
 * Returns as sip_sdp_offer().
 */
int sip_sdp_offer_audio(struct sip_sdp **sdpp, const char *addr,
			uint16_t port, const struct sip_sdp_codec *codecs,
			size_t ncodecs);

/**
 * Make @p sdp the next version of @p prev, a description sent earlier by
 * the same side (RFC 3264 §8): o= copied from @p prev with the version
 * one higher. Call it for every changed offer or answer; resending the
 * same SDP keeps the version. Returns 0 or ENOMEM (@p sdp unchanged).
 */
int sip_sdp_origin_next(struct sip_sdp *sdp, const struct sip_sdp *prev);

/* ---- offer/answer (answer.c) ---- */

/**
 * Answer @p offer with @p caps (RFC 3264 §6): the same m= lines in the
 * same order; each accepted stream takes the first unused caps stream of
 * its type and proto, and lists the formats both sides support in the
 * offerer's order with the offerer's payload type numbers (matching by
 * encoding name, clock and channels, never by number, so telephone-event
 * on any dynamic PT is found). Parameters are the caps codec's fmtp when
 * set, else the offer's. The direction follows §6.1 against the caps
 * stream's policy. Streams offered with port 0, of an unsupported type or
 * proto, or with no common codec besides telephone-event are rejected:
 * port 0, the offered formats with their rtpmaps, no other attribute.
 * t= is copied from the offer.
 *
 * The answer holds a reference on @p offer. Returns 0 and sets @p *ansp
 * (even if every stream is rejected: see sip_sdp_nactive()); EINVAL
 * (caps without addr); ENOMEM.
 */
int sip_sdp_answer(struct sip_sdp **ansp, const struct sip_sdp *offer,
		   const struct sip_sdp_caps *caps);

/* ---- queries (sdp.c, pt.c) ---- */

/** The c= line that applies to @p m (its own, else the session's), or NULL. */
const struct sip_sdp_conn *sip_sdp_media_conn(const struct sip_sdp *sdp,
					      const struct sip_sdp_media *m);

/** The direction that applies to @p m: its own, the session's, or sendrecv. */
enum sip_sdp_dir sip_sdp_media_dir(const struct sip_sdp *sdp,
				   const struct sip_sdp_media *m);

/** "sendrecv", "sendonly", "recvonly", "inactive", or "" for UNSET. */
const char *sip_sdp_dir_name(enum sip_sdp_dir dir);

/**
 * The direction to answer with (RFC 3264 §6.1): we send only if the offer
 * receives and @p local sends, we receive only if the offer sends and
 * @p local receives. UNSET counts as sendrecv on both sides.
 */
enum sip_sdp_dir sip_sdp_dir_answer(enum sip_sdp_dir offer,
				    enum sip_sdp_dir local);

/**
 * True when @p m (port not 0) puts its receiver on hold: direction
 * sendonly or inactive (RFC 3264 §8.4), or the RFC 2543 legacy
 * c=IN IP4 0.0.0.0.
 */
bool sip_sdp_media_held(const struct sip_sdp *sdp,
			const struct sip_sdp_media *m);

/** True when @p sdp has active streams and all of them are held. */
bool sip_sdp_held(const struct sip_sdp *sdp);

/** Number of m= lines with a port other than 0. */
size_t sip_sdp_nactive(const struct sip_sdp *sdp);

/**
 * First format of @p m matching @p name (case-insensitive) and @p clock
 * (0: any); NULL when none.
 */
const struct sip_sdp_fmt *sip_sdp_fmt_find(const struct sip_sdp_media *m,
					   const char *name, uint32_t clock);

/**
 * First attribute named @p name among the other attributes of @p m, or of
 * the session when @p m is NULL; NULL when none.
 */
const struct sip_sdp_attr *sip_sdp_attr_find(const struct sip_sdp *sdp,
					     const struct sip_sdp_media *m,
					     const char *name);

/**
 * The static RTP payload type @p pt of RFC 3551 §6 into @p *c (name is a
 * static string, fmtp NULL). Returns 0, or ENOENT when @p pt is dynamic,
 * reserved or unassigned.
 */
int sip_sdp_static_pt(unsigned pt, struct sip_sdp_codec *c);

/**
 * The static payload type of codec @p name / @p clock / @p channels
 * (0 as 1), or -1 when it has none.
 */
int sip_sdp_static_find(struct sip_pl name, uint32_t clock,
			uint32_t channels);

#endif
