/*
 * hdr.h - header field names known to the parser (RFC 3261 §20 and the
 * extensions sipd speaks), their compact forms, and SIP methods.
 */
#ifndef SIP_HDR_H
#define SIP_HDR_H

#include "sip/pl.h"

enum sip_hdr_id {
	SIP_HDR_OTHER = 0,          /* unknown: kept as text only */
	SIP_HDR_ACCEPT,
	SIP_HDR_ACCEPT_CONTACT,     /* a */
	SIP_HDR_ACCEPT_ENCODING,
	SIP_HDR_ACCEPT_LANGUAGE,
	SIP_HDR_ALERT_INFO,
	SIP_HDR_ALLOW,
	SIP_HDR_ALLOW_EVENTS,       /* u */
	SIP_HDR_AUTHENTICATION_INFO,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_CALL_ID,            /* i */
	SIP_HDR_CALL_INFO,
	SIP_HDR_CONTACT,            /* m */
	SIP_HDR_CONTENT_DISPOSITION,
	SIP_HDR_CONTENT_ENCODING,   /* e */
	SIP_HDR_CONTENT_LANGUAGE,
	SIP_HDR_CONTENT_LENGTH,     /* l */
	SIP_HDR_CONTENT_TYPE,       /* c */
	SIP_HDR_CSEQ,
	SIP_HDR_DATE,
	SIP_HDR_ERROR_INFO,
	SIP_HDR_EVENT,              /* o */
	SIP_HDR_EXPIRES,
	SIP_HDR_FROM,               /* f */
	SIP_HDR_IN_REPLY_TO,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_MIME_VERSION,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_MIN_SE,
	SIP_HDR_ORGANIZATION,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_P_PREFERRED_IDENTITY,
	SIP_HDR_PATH,
	SIP_HDR_PRIORITY,
	SIP_HDR_PRIVACY,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_RACK,
	SIP_HDR_REASON,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_REFER_TO,           /* r */
	SIP_HDR_REFERRED_BY,        /* b */
	SIP_HDR_REJECT_CONTACT,     /* j */
	SIP_HDR_REPLACES,
	SIP_HDR_REPLY_TO,
	SIP_HDR_REQUEST_DISPOSITION,/* d */
	SIP_HDR_REQUIRE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_ROUTE,
	SIP_HDR_RSEQ,
	SIP_HDR_SERVER,
	SIP_HDR_SERVICE_ROUTE,
	SIP_HDR_SESSION_EXPIRES,    /* x */
	SIP_HDR_SIP_ETAG,
	SIP_HDR_SIP_IF_MATCH,
	SIP_HDR_SUBJECT,            /* s */
	SIP_HDR_SUBSCRIPTION_STATE,
	SIP_HDR_SUPPORTED,          /* k */
	SIP_HDR_TIMESTAMP,
	SIP_HDR_TO,                 /* t */
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_USER_AGENT,
	SIP_HDR_VIA,                /* v */
	SIP_HDR_WARNING,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR__COUNT
};

/** Header id for a field name, long or compact form, any case. */
enum sip_hdr_id sip_hdr_lookup(struct sip_pl name);

/** Canonical long name of @p id ("Call-ID"); NULL for SIP_HDR_OTHER. */
const char *sip_hdr_name(enum sip_hdr_id id);

/**
 * True for headers whose value is a comma-separated list (§7.3.1), so that
 * several values may share one line and one header may span lines.
 */
int sip_hdr_is_list(enum sip_hdr_id id);

enum sip_method {
	SIP_METHOD_OTHER = 0,
	SIP_ACK,
	SIP_BYE,
	SIP_CANCEL,
	SIP_INFO,
	SIP_INVITE,
	SIP_MESSAGE,
	SIP_NOTIFY,
	SIP_OPTIONS,
	SIP_PRACK,
	SIP_PUBLISH,
	SIP_REFER,
	SIP_REGISTER,
	SIP_SUBSCRIBE,
	SIP_UPDATE,
	SIP_METHOD__COUNT
};

/** Method id of a method token (case-sensitive, §7.1). */
enum sip_method sip_method_lookup(struct sip_pl name);

/** Name of @p m ("INVITE"); NULL for SIP_METHOD_OTHER. */
const char *sip_method_name(enum sip_method m);

#endif
