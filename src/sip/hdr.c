/*
 * hdr.c - header names (RFC 3261 §20, compact forms §7.3.3 and the
 * extensions' registrations) and method names (§7.1, extension RFCs).
 */
#include <string.h>

#include "sip/hdr.h"

struct hdr_name {
	const char *name;
	char compact;   /* 0 when none */
	bool list;      /* comma-separated list header (§7.3.1) */
};

static const struct hdr_name hdr_names[SIP_HDR__COUNT] = {
	[SIP_HDR_ACCEPT]              = { "Accept", 0, true },
	[SIP_HDR_ACCEPT_CONTACT]      = { "Accept-Contact", 'a', true },
	[SIP_HDR_ACCEPT_ENCODING]     = { "Accept-Encoding", 0, true },
	[SIP_HDR_ACCEPT_LANGUAGE]     = { "Accept-Language", 0, true },
	[SIP_HDR_ALERT_INFO]          = { "Alert-Info", 0, true },
	[SIP_HDR_ALLOW]               = { "Allow", 0, true },
	[SIP_HDR_ALLOW_EVENTS]        = { "Allow-Events", 'u', true },
	[SIP_HDR_AUTHENTICATION_INFO] = { "Authentication-Info", 0, false },
	[SIP_HDR_AUTHORIZATION]       = { "Authorization", 0, false },
	[SIP_HDR_CALL_ID]             = { "Call-ID", 'i', false },
	[SIP_HDR_CALL_INFO]           = { "Call-Info", 0, true },
	[SIP_HDR_CONTACT]             = { "Contact", 'm', true },
	[SIP_HDR_CONTENT_DISPOSITION] = { "Content-Disposition", 0, false },
	[SIP_HDR_CONTENT_ENCODING]    = { "Content-Encoding", 'e', true },
	[SIP_HDR_CONTENT_LANGUAGE]    = { "Content-Language", 0, true },
	[SIP_HDR_CONTENT_LENGTH]      = { "Content-Length", 'l', false },
	[SIP_HDR_CONTENT_TYPE]        = { "Content-Type", 'c', false },
	[SIP_HDR_CSEQ]                = { "CSeq", 0, false },
	[SIP_HDR_DATE]                = { "Date", 0, false },
	[SIP_HDR_ERROR_INFO]          = { "Error-Info", 0, true },
	[SIP_HDR_EVENT]               = { "Event", 'o', false },
	[SIP_HDR_EXPIRES]             = { "Expires", 0, false },
	[SIP_HDR_FROM]                = { "From", 'f', false },
	[SIP_HDR_IN_REPLY_TO]         = { "In-Reply-To", 0, true },
	[SIP_HDR_MAX_FORWARDS]        = { "Max-Forwards", 0, false },
	[SIP_HDR_MIME_VERSION]        = { "MIME-Version", 0, false },
	[SIP_HDR_MIN_EXPIRES]         = { "Min-Expires", 0, false },
	[SIP_HDR_MIN_SE]              = { "Min-SE", 0, false },
	[SIP_HDR_ORGANIZATION]        = { "Organization", 0, false },
	[SIP_HDR_P_ASSERTED_IDENTITY] = { "P-Asserted-Identity", 0, true },
	[SIP_HDR_P_PREFERRED_IDENTITY]= { "P-Preferred-Identity", 0, true },
	[SIP_HDR_PATH]                = { "Path", 0, true },
	[SIP_HDR_PRIORITY]            = { "Priority", 0, false },
	[SIP_HDR_PRIVACY]             = { "Privacy", 0, false },
	[SIP_HDR_PROXY_AUTHENTICATE]  = { "Proxy-Authenticate", 0, false },
	[SIP_HDR_PROXY_AUTHORIZATION] = { "Proxy-Authorization", 0, false },
	[SIP_HDR_PROXY_REQUIRE]       = { "Proxy-Require", 0, true },
	[SIP_HDR_RACK]                = { "RAck", 0, false },
	[SIP_HDR_REASON]              = { "Reason", 0, true },
	[SIP_HDR_RECORD_ROUTE]        = { "Record-Route", 0, true },
	[SIP_HDR_REFER_TO]            = { "Refer-To", 'r', false },
	[SIP_HDR_REFERRED_BY]         = { "Referred-By", 'b', false },
	[SIP_HDR_REJECT_CONTACT]      = { "Reject-Contact", 'j', true },
	[SIP_HDR_REPLACES]            = { "Replaces", 0, false },
	[SIP_HDR_REPLY_TO]            = { "Reply-To", 0, false },
	[SIP_HDR_REQUEST_DISPOSITION] = { "Request-Disposition", 'd', true },
	[SIP_HDR_REQUIRE]             = { "Require", 0, true },
	[SIP_HDR_RETRY_AFTER]         = { "Retry-After", 0, false },
	[SIP_HDR_ROUTE]               = { "Route", 0, true },
	[SIP_HDR_RSEQ]                = { "RSeq", 0, false },
	[SIP_HDR_SERVER]              = { "Server", 0, false },
	[SIP_HDR_SERVICE_ROUTE]       = { "Service-Route", 0, true },
	[SIP_HDR_SESSION_EXPIRES]     = { "Session-Expires", 'x', false },
	[SIP_HDR_SIP_ETAG]            = { "SIP-ETag", 0, false },
	[SIP_HDR_SIP_IF_MATCH]        = { "SIP-If-Match", 0, false },
	[SIP_HDR_SUBJECT]             = { "Subject", 's', false },
	[SIP_HDR_SUBSCRIPTION_STATE]  = { "Subscription-State", 0, false },
	[SIP_HDR_SUPPORTED]           = { "Supported", 'k', true },
	[SIP_HDR_TIMESTAMP]           = { "Timestamp", 0, false },
	[SIP_HDR_TO]                  = { "To", 't', false },
	[SIP_HDR_UNSUPPORTED]         = { "Unsupported", 0, true },
	[SIP_HDR_USER_AGENT]          = { "User-Agent", 0, false },
	[SIP_HDR_VIA]                 = { "Via", 'v', true },
	[SIP_HDR_WARNING]             = { "Warning", 0, true },
	[SIP_HDR_WWW_AUTHENTICATE]    = { "WWW-Authenticate", 0, false },
};

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Open-addressing table keyed by a case-folded hash of the name, built on
 * first use would need a global; instead dispatch on length and first
 * letter, which narrows the search to one or two candidates. */
enum sip_hdr_id sip_hdr_lookup(struct sip_pl name)
{
	int c0;

	if (!name.len)
		return SIP_HDR_OTHER;
	c0 = lower((unsigned char)name.p[0]);
	if (name.len == 1) {
		for (int id = 1; id < SIP_HDR__COUNT; id++)
			if (hdr_names[id].compact == c0)
				return (enum sip_hdr_id)id;
		return SIP_HDR_OTHER;
	}
	for (int id = 1; id < SIP_HDR__COUNT; id++) {
		const char *n = hdr_names[id].name;

		if (lower((unsigned char)n[0]) != c0 || strlen(n) != name.len)
			continue;
		if (sip_pl_caseeqs(name, n))
			return (enum sip_hdr_id)id;
	}
	return SIP_HDR_OTHER;
}

const char *sip_hdr_name(enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT)
		return NULL;
	return hdr_names[id].name;
}

int sip_hdr_is_list(enum sip_hdr_id id)
{
	if (id <= SIP_HDR_OTHER || id >= SIP_HDR__COUNT)
		return 0;
	return hdr_names[id].list;
}

static const char *const method_names[SIP_METHOD__COUNT] = {
	[SIP_ACK] = "ACK",         [SIP_BYE] = "BYE",
	[SIP_CANCEL] = "CANCEL",   [SIP_INFO] = "INFO",
	[SIP_INVITE] = "INVITE",   [SIP_MESSAGE] = "MESSAGE",
	[SIP_NOTIFY] = "NOTIFY",   [SIP_OPTIONS] = "OPTIONS",
	[SIP_PRACK] = "PRACK",     [SIP_PUBLISH] = "PUBLISH",
	[SIP_REFER] = "REFER",     [SIP_REGISTER] = "REGISTER",
	[SIP_SUBSCRIBE] = "SUBSCRIBE", [SIP_UPDATE] = "UPDATE",
};

enum sip_method sip_method_lookup(struct sip_pl name)
{
	for (int m = 1; m < SIP_METHOD__COUNT; m++)
		if (sip_pl_eqs(name, method_names[m]))
			return (enum sip_method)m;
	return SIP_METHOD_OTHER;
}

const char *sip_method_name(enum sip_method m)
{
	if (m <= SIP_METHOD_OTHER || m >= SIP_METHOD__COUNT)
		return NULL;
	return method_names[m];
}
