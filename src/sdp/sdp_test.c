/*
 * sdp_test.c - SDP parse/print (RFC 8866) and offer/answer (RFC 3264).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/buf.h"
#include "sip/mem.h"
#include "sip/sdp.h"
#include "testutil.h"

static const char offer_text[] =
	"v=0\n"
	"o=alice 2890844526 2890844527 IN IP4 atlanta.example.com\n"
	"s=-\n"
	"c=IN IP4 192.0.2.10\n"
	"t=0 0\n"
	"m=audio 49170 RTP/AVP 0 8 101\n"
	"a=rtpmap:0 PCMU/8000\n"
	"a=rtpmap:8 PCMA/8000\n"
	"a=rtpmap:101 telephone-event/8000\n"
	"a=fmtp:101 0-16\n"
	"a=ptime:20\n"
	"a=sendrecv\n";

/* Decode @p text after turning its LFs into CRLFs; must succeed. */
static struct sip_sdp *decode_crlf(const char *text)
{
	struct sip_sdp *sdp = NULL;
	const char *reason = NULL;
	size_t len;
	char *wire = tu_crlf(text, &len);
	int err = sip_sdp_decode(&sdp, (struct sip_pl){ wire, len }, NULL,
				 &reason);

	free(wire);
	if (err)
		fail_msg("decode: %d %s", err, reason ? reason : "");
	return sdp;
}

static int decode_lf(struct sip_sdp **sdpp, const char *text,
		     const char **reason)
{
	return sip_sdp_decode(sdpp, sip_pl_str(text), NULL, reason);
}

static void assert_fmt(const struct sip_sdp_fmt *f, int pt, const char *name,
		       uint32_t clock)
{
	assert_int_equal(f->pt, pt);
	assert_true(sip_pl_eqs(f->name, name));
	assert_int_equal(f->clock, clock);
}

static void test_parse_offer(void **state)
{
	struct sip_sdp *sdp = decode_crlf(offer_text);
	const struct sip_sdp_media *m;

	(void)state;
	assert_true(sip_pl_eqs(sdp->origin.user, "alice"));
	assert_true(sip_pl_eqs(sdp->origin.id, "2890844526"));
	assert_true(sdp->origin.version == 2890844527u);
	assert_true(sip_pl_eqs(sdp->origin.nettype, "IN"));
	assert_true(sip_pl_eqs(sdp->origin.addrtype, "IP4"));
	assert_true(sip_pl_eqs(sdp->origin.addr, "atlanta.example.com"));
	assert_true(sip_pl_eqs(sdp->name, "-"));
	assert_true(sip_pl_eqs(sdp->conn.addr, "192.0.2.10"));
	assert_int_equal(sdp->ntime, 1);
	assert_int_equal(sdp->nmedia, 1);
	m = &sdp->media[0];
	assert_true(sip_pl_eqs(m->type, "audio"));
	assert_int_equal(m->port, 49170);
	assert_int_equal(m->nports, 0);
	assert_true(sip_pl_eqs(m->proto, "RTP/AVP"));
	assert_int_equal(m->nfmt, 3);
	assert_fmt(&m->fmt[0], 0, "PCMU", 8000);
	assert_fmt(&m->fmt[1], 8, "PCMA", 8000);
	assert_fmt(&m->fmt[2], 101, "telephone-event", 8000);
	assert_true(m->fmt[2].rtpmap);
	assert_false(sip_pl_isset(&m->fmt[0].params));
	assert_true(sip_pl_eqs(m->fmt[2].params, "0-16"));
	assert_int_equal(m->ptime, 20);
	assert_int_equal(m->dir, SIP_SDP_SENDRECV);
	assert_int_equal(m->nattr, 0);
	assert_ptr_equal(sip_sdp_fmt_find(m, "TELEPHONE-EVENT", 8000),
			 &m->fmt[2]);
	assert_null(sip_sdp_fmt_find(m, "G729", 0));
	sip_mem_deref(sdp);
}

/* RFC 8866 §5: LF alone ends a line too; static types need no rtpmap. */
static void test_lf_and_static_pt(void **state)
{
	static const char text[] =
		"v=0\no=- 1 1 IN IP6 2001:db8::1\ns=\nt=0 0\n"
		"m=audio 5004/2 RTP/AVP 18 9 0 10 96\n"
		"c=IN IP6 2001:db8::2\n"
		"a=rtpmap:96 opus/48000/2\n"
		"a=fmtp:18 annexb=no\n";
	struct sip_sdp *sdp = NULL;
	const struct sip_sdp_media *m;
	struct sip_sdp_codec c;

	(void)state;
	assert_int_equal(decode_lf(&sdp, text, NULL), 0);
	m = &sdp->media[0];
	assert_int_equal(m->nports, 2);
	assert_fmt(&m->fmt[0], 18, "G729", 8000);
	assert_false(m->fmt[0].rtpmap);
	assert_true(sip_pl_eqs(m->fmt[0].params, "annexb=no"));
	assert_fmt(&m->fmt[1], 9, "G722", 8000);
	assert_fmt(&m->fmt[2], 0, "PCMU", 8000);
	assert_fmt(&m->fmt[3], 10, "L16", 44100);
	assert_int_equal(m->fmt[3].channels, 2);
	assert_fmt(&m->fmt[4], 96, "opus", 48000);
	assert_int_equal(m->fmt[4].channels, 2);
	assert_true(sip_pl_eqs(sdp->name, ""));
	assert_true(sip_pl_eqs(m->conn.addrtype, "IP6"));
	sip_mem_deref(sdp);

	assert_int_equal(sip_sdp_static_pt(8, &c), 0);
	assert_string_equal(c.name, "PCMA");
	assert_int_equal(sip_sdp_static_pt(96, &c), ENOENT);
	assert_int_equal(sip_sdp_static_pt(2, &c), ENOENT);
	assert_int_equal(sip_sdp_static_find(SIP_PL("pcmu"), 8000, 1), 0);
	assert_int_equal(sip_sdp_static_find(SIP_PL("G729"), 8000, 0), 18);
	assert_int_equal(sip_sdp_static_find(SIP_PL("L16"), 44100, 2), 10);
	assert_int_equal(sip_sdp_static_find(SIP_PL("L16"), 44100, 0), 11);
	assert_int_equal(sip_sdp_static_find(SIP_PL("opus"), 48000, 2), -1);
}

static void test_conn_levels(void **state)
{
	struct sip_sdp *sdp = decode_crlf(
		"v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x\nc=IN IP4 192.0.2.1\n"
		"t=0 0\n"
		"m=audio 4000 RTP/AVP 0\n"
		"m=video 4002 RTP/AVP 31\nc=IN IP4 198.51.100.7\n"
		"m=video 0 RTP/AVP 31\n");
	const struct sip_sdp_conn *c;

	(void)state;
	c = sip_sdp_media_conn(sdp, &sdp->media[0]);
	assert_ptr_equal(c, &sdp->conn);
	c = sip_sdp_media_conn(sdp, &sdp->media[1]);
	assert_true(sip_pl_eqs(c->addr, "198.51.100.7"));
	sip_mem_deref(sdp);

	/* no session c=: each active media needs one, port 0 does not */
	sdp = decode_crlf("v=0\no=- 1 1 IN IP4 h\ns=x\nt=0 0\n"
			  "m=audio 4000 RTP/AVP 0\nc=IN IP4 192.0.2.9/127/2\n"
			  "m=audio 0 RTP/AVP 0\n");
	assert_null(sip_sdp_media_conn(sdp, &sdp->media[1]));
	assert_true(sip_pl_eqs(sdp->media[0].conn.addr, "192.0.2.9"));
	assert_true(sip_pl_eqs(sdp->media[0].conn.suffix, "/127/2"));
	sip_mem_deref(sdp);
}

static void test_direction(void **state)
{
	struct sip_sdp *sdp = decode_crlf(
		"v=0\no=- 1 1 IN IP4 h\ns=x\nc=IN IP4 192.0.2.1\nt=0 0\n"
		"a=sendonly\n"
		"m=audio 4000 RTP/AVP 0\n"
		"m=audio 4002 RTP/AVP 0\na=recvonly\n"
		"m=audio 4004 RTP/AVP 0\na=inactive\n");

	(void)state;
	assert_int_equal(sdp->dir, SIP_SDP_SENDONLY);
	assert_int_equal(sip_sdp_media_dir(sdp, &sdp->media[0]),
			 SIP_SDP_SENDONLY);
	assert_int_equal(sip_sdp_media_dir(sdp, &sdp->media[1]),
			 SIP_SDP_RECVONLY);
	assert_int_equal(sip_sdp_media_dir(sdp, &sdp->media[2]),
			 SIP_SDP_INACTIVE);
	sdp->dir = SIP_SDP_DIR_UNSET;
	assert_int_equal(sip_sdp_media_dir(sdp, &sdp->media[0]),
			 SIP_SDP_SENDRECV);
	sip_mem_deref(sdp);

	/* RFC 3264 §6.1 table, local policy sendrecv / recvonly */
	assert_int_equal(sip_sdp_dir_answer(SIP_SDP_SENDONLY, SIP_SDP_DIR_UNSET),
			 SIP_SDP_RECVONLY);
	assert_int_equal(sip_sdp_dir_answer(SIP_SDP_RECVONLY, SIP_SDP_SENDRECV),
			 SIP_SDP_SENDONLY);
	assert_int_equal(sip_sdp_dir_answer(SIP_SDP_INACTIVE, SIP_SDP_SENDRECV),
			 SIP_SDP_INACTIVE);
	assert_int_equal(sip_sdp_dir_answer(SIP_SDP_SENDRECV, SIP_SDP_SENDRECV),
			 SIP_SDP_SENDRECV);
	assert_int_equal(sip_sdp_dir_answer(SIP_SDP_SENDRECV, SIP_SDP_RECVONLY),
			 SIP_SDP_RECVONLY);
	assert_int_equal(sip_sdp_dir_answer(SIP_SDP_RECVONLY, SIP_SDP_RECVONLY),
			 SIP_SDP_INACTIVE);
	assert_string_equal(sip_sdp_dir_name(SIP_SDP_INACTIVE), "inactive");
}

static void test_other_lines_kept(void **state)
{
	struct sip_sdp *sdp = decode_crlf(
		"v=0\no=- 1 1 IN IP4 h\ns=x\ni=info\nu=http://example.com/\n"
		"e=a@example.com\np=+1 555\nc=IN IP4 192.0.2.1\nb=CT:128\n"
		"t=3034423619 3042462419\nr=604800 3600 0 90000\nz=2882844526 -1h\n"
		"a=tool:sipd\na=recvonly\n"
		"m=audio 4000 RTP/SAVP 0 96\ni=voice\nb=AS:64\n"
		"a=rtcp:53020 IN IP4 126.16.64.4\na=rtcp-mux\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:xyz\n"
		"a=rtpmap:97 foo/8000\na=maxptime:40\n"
		"m=application 9 UDP/BFCP *\na=floorctrl:c-only\n"
		"a=fmtp:* x=1\n");
	const struct sip_sdp_media *m = &sdp->media[0];
	const struct sip_sdp_attr *a;

	(void)state;
	assert_int_equal(sdp->nextra, 6);
	assert_int_equal(sdp->extra[4].type, 'r');
	assert_true(sdp->time[0].start == 3034423619u);
	assert_true(sip_pl_eqs(sdp->bw[0], "CT:128"));
	a = sip_sdp_attr_find(sdp, NULL, "tool");
	assert_true(sip_pl_eqs(a->value, "sipd"));
	assert_int_equal(sdp->dir, SIP_SDP_RECVONLY);
	assert_true(sip_pl_eqs(m->bw[0], "AS:64"));
	assert_int_equal(m->rtcp_port, 53020);
	assert_true(sip_pl_eqs(m->rtcp_conn.addr, "126.16.64.4"));
	assert_int_equal(m->maxptime, 40);
	assert_false(sip_pl_isset(&sip_sdp_attr_find(sdp, m, "rtcp-mux")->value));
	assert_non_null(sip_sdp_attr_find(sdp, m, "crypto"));
	/* rtpmap for a format not on the m= line: kept as it came */
	a = sip_sdp_attr_find(sdp, m, "rtpmap");
	assert_true(sip_pl_eqs(a->value, "97 foo/8000"));
	/* dynamic type without rtpmap: encoding unknown */
	assert_int_equal(m->fmt[1].pt, 96);
	assert_int_equal(m->fmt[1].name.len, 0);
	/* non-RTP formats */
	m = &sdp->media[1];
	assert_int_equal(m->fmt[0].pt, -1);
	assert_true(sip_pl_eqs(m->fmt[0].params, "x=1"));
	sip_mem_deref(sdp);
}

static void test_zero_copy_owner(void **state)
{
	size_t len;
	char *wire = tu_crlf(offer_text, &len);
	char *owner = sip_mem_zalloc(len, NULL);
	struct sip_sdp *sdp = NULL;

	(void)state;
	memcpy(owner, wire, len);
	free(wire);
	assert_int_equal(sip_sdp_decode(&sdp, (struct sip_pl){ owner, len },
					owner, NULL), 0);
	assert_int_equal(sip_mem_nrefs(owner), 2);
	assert_true(sdp->origin.user.p >= owner &&
		    sdp->origin.user.p < owner + len);
	owner = sip_mem_deref(owner);
	assert_true(sip_pl_eqs(sdp->media[0].fmt[1].name, "PCMA"));
	sip_mem_deref(sdp);
}

/* ---- values equal after print -> parse ---- */

static void assert_pl_eq(struct sip_pl a, struct sip_pl b)
{
	if (!sip_pl_eq(a, b))
		fail_msg("'%.*s' != '%.*s'", (int)a.len, a.p ? a.p : "",
			 (int)b.len, b.p ? b.p : "");
}

static void assert_conn_eq(const struct sip_sdp_conn *a,
			   const struct sip_sdp_conn *b)
{
	assert_int_equal(sip_pl_isset(&a->addr), sip_pl_isset(&b->addr));
	if (!sip_pl_isset(&a->addr))
		return;
	assert_pl_eq(a->nettype, b->nettype);
	assert_pl_eq(a->addrtype, b->addrtype);
	assert_pl_eq(a->addr, b->addr);
	assert_pl_eq(a->suffix, b->suffix);
}

static void assert_attrs_eq(const struct sip_sdp_attr *a,
			    const struct sip_sdp_attr *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_pl_eq(a[i].name, b[i].name);
		assert_int_equal(sip_pl_isset(&a[i].value),
				 sip_pl_isset(&b[i].value));
		assert_pl_eq(a[i].value, b[i].value);
	}
}

static void assert_fmt_eq(const struct sip_sdp_fmt *a,
			  const struct sip_sdp_fmt *b)
{
	assert_pl_eq(a->id, b->id);
	assert_int_equal(a->pt, b->pt);
	assert_pl_eq(a->name, b->name);
	assert_int_equal(a->clock, b->clock);
	assert_int_equal(a->channels, b->channels);
	assert_int_equal(sip_pl_isset(&a->params), sip_pl_isset(&b->params));
	assert_pl_eq(a->params, b->params);
}

static void assert_media_eq(const struct sip_sdp_media *a,
			    const struct sip_sdp_media *b)
{
	assert_pl_eq(a->type, b->type);
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->nports, b->nports);
	assert_pl_eq(a->proto, b->proto);
	assert_int_equal(a->nfmt, b->nfmt);
	for (size_t i = 0; i < a->nfmt; i++)
		assert_fmt_eq(&a->fmt[i], &b->fmt[i]);
	assert_conn_eq(&a->conn, &b->conn);
	assert_int_equal(a->nbw, b->nbw);
	for (size_t i = 0; i < a->nbw; i++)
		assert_pl_eq(a->bw[i], b->bw[i]);
	assert_int_equal(a->nextra, b->nextra);
	assert_int_equal(a->ptime, b->ptime);
	assert_int_equal(a->maxptime, b->maxptime);
	assert_int_equal(a->dir, b->dir);
	assert_int_equal(a->rtcp_port, b->rtcp_port);
	assert_conn_eq(&a->rtcp_conn, &b->rtcp_conn);
	assert_int_equal(a->nattr, b->nattr);
	assert_attrs_eq(a->attr, b->attr, a->nattr);
}

static void assert_sdp_eq(const struct sip_sdp *a, const struct sip_sdp *b)
{
	assert_pl_eq(a->origin.user, b->origin.user);
	assert_pl_eq(a->origin.id, b->origin.id);
	assert_true(a->origin.version == b->origin.version);
	assert_pl_eq(a->origin.addrtype, b->origin.addrtype);
	assert_pl_eq(a->origin.addr, b->origin.addr);
	assert_pl_eq(a->name, b->name);
	assert_conn_eq(&a->conn, &b->conn);
	assert_int_equal(a->nbw, b->nbw);
	assert_int_equal(a->ntime, b->ntime);
	for (size_t i = 0; i < a->ntime; i++) {
		assert_true(a->time[i].start == b->time[i].start);
		assert_true(a->time[i].stop == b->time[i].stop);
	}
	assert_int_equal(a->nextra, b->nextra);
	for (size_t i = 0; i < a->nextra; i++) {
		assert_int_equal(a->extra[i].type, b->extra[i].type);
		assert_int_equal(a->extra[i].time, b->extra[i].time);
		assert_pl_eq(a->extra[i].value, b->extra[i].value);
	}
	assert_int_equal(a->dir, b->dir);
	assert_int_equal(a->nattr, b->nattr);
	assert_attrs_eq(a->attr, b->attr, a->nattr);
	assert_int_equal(a->nmedia, b->nmedia);
	for (size_t i = 0; i < a->nmedia; i++)
		assert_media_eq(&a->media[i], &b->media[i]);
}

/* Print @p sdp, check CRLF endings, parse it back and compare. */
static void round_trip(const struct sip_sdp *sdp)
{
	struct sip_buf b;
	struct sip_sdp *again = NULL;
	const char *reason = NULL;

	sip_buf_init(&b);
	assert_int_equal(sip_sdp_encode(&b, sdp), 0);
	for (size_t i = 0; i < b.len; i++)
		if (b.p[i] == '\n')
			assert_true(i > 0 && b.p[i - 1] == '\r');
	assert_int_equal(sip_sdp_decode(&again, sip_buf_pl_get(&b), NULL,
					&reason), 0);
	assert_sdp_eq(sdp, again);
	sip_mem_deref(again);
	sip_buf_reset(&b);
}

static void test_round_trip(void **state)
{
	struct sip_sdp *sdp = decode_crlf(offer_text);

	(void)state;
	round_trip(sdp);
	sip_mem_deref(sdp);
	sdp = decode_crlf(
		"v=0\no=- 1 1 IN IP4 h\ns=x\ni=info\nc=IN IP4 224.2.1.1/127\n"
		"b=CT:128\nt=1 2\nr=7d 1h 0 25h\nt=3 4\nr=1 2 3\nz=5 -1h\n"
		"k=prompt\na=tool:sipd\na=inactive\n"
		"m=audio 4000/2 RTP/SAVP 0 96\ni=voice\nc=IN IP4 192.0.2.5\n"
		"b=AS:64\nk=clear:x\na=rtpmap:96 opus/48000/2\n"
		"a=fmtp:96 useinbandfec=1\na=ptime:30\na=maxptime:60\n"
		"a=rtcp:53020 IN IP4 126.16.64.4\na=rtcp-mux\na=sendonly\n"
		"m=video 0 RTP/AVP 31\n"
		"m=application 9 UDP/BFCP *\na=fmtp:* x=1\na=floorid:1\n");
	round_trip(sdp);
	sip_mem_deref(sdp);
}

static const struct sip_sdp_codec pcmu = { "PCMU", 8000, 0, NULL };
static const struct sip_sdp_codec pcma = { "PCMA", 8000, 1, NULL };
static const struct sip_sdp_codec g729 = { "G729", 8000, 0, "annexb=no" };
static const struct sip_sdp_codec opus = { "opus", 48000, 2, NULL };
static const struct sip_sdp_codec dtmf = { "telephone-event", 8000, 0,
					   "0-15" };

static void test_offer_build(void **state)
{
	const struct sip_sdp_codec codecs[] = { opus, pcmu, pcma, dtmf };
	struct sip_sdp *sdp = NULL;
	const struct sip_sdp_media *m;
	struct sip_buf b;

	(void)state;
	assert_int_equal(sip_sdp_offer_audio(&sdp, "192.0.2.7", 40000,
					     codecs, 4), 0);
	m = &sdp->media[0];
	assert_int_equal(m->nfmt, 4);
	assert_fmt(&m->fmt[0], 96, "opus", 48000);
	assert_fmt(&m->fmt[1], 0, "PCMU", 8000);
	assert_fmt(&m->fmt[2], 8, "PCMA", 8000);
	assert_fmt(&m->fmt[3], 101, "telephone-event", 8000);
	assert_true(sip_pl_eqs(m->fmt[3].params, "0-15"));
	assert_true(sip_pl_eqs(sdp->conn.addr, "192.0.2.7"));
	round_trip(sdp);

	sip_buf_init(&b);
	assert_int_equal(sip_sdp_encode(&b, sdp), 0);
	assert_string_equal(b.p,
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.0.2.7\r\n"
		"s=-\r\n"
		"c=IN IP4 192.0.2.7\r\n"
		"t=0 0\r\n"
		"m=audio 40000 RTP/AVP 96 0 8 101\r\n"
		"a=rtpmap:96 opus/48000/2\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000/1\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-15\r\n"
		"a=sendrecv\r\n");
	sip_buf_reset(&b);
	sip_mem_deref(sdp);

	/* no codecs, no address */
	assert_int_equal(sip_sdp_offer_audio(&sdp, "192.0.2.7", 1, codecs, 0),
			 EINVAL);
	assert_int_equal(sip_sdp_offer_audio(&sdp, NULL, 1, codecs, 1), EINVAL);
}

static void test_offer_caps_ipv6(void **state)
{
	const struct sip_sdp_codec codecs[] = { g729, { "AMR", 8000, 0, NULL } };
	const struct sip_sdp_stream_caps st = {
		.type = "audio", .port = 6000, .codecs = codecs,
		.ncodecs = 2, .dtmf = true, .ptime = 20,
		.dir = SIP_SDP_SENDONLY,
	};
	const struct sip_sdp_caps caps = {
		.user = "bob", .sess_id = 99, .sess_version = 7,
		.addr = "2001:db8::7", .name = "call",
		.streams = &st, .nstreams = 1,
	};
	struct sip_sdp *sdp = NULL;
	const struct sip_sdp_media *m;

	(void)state;
	assert_int_equal(sip_sdp_offer(&sdp, &caps), 0);
	assert_true(sip_pl_eqs(sdp->origin.addrtype, "IP6"));
	assert_true(sip_pl_eqs(sdp->origin.id, "99"));
	assert_true(sdp->origin.version == 7);
	m = &sdp->media[0];
	assert_fmt(&m->fmt[0], 18, "G729", 8000);
	assert_fmt(&m->fmt[1], 96, "AMR", 8000);
	assert_fmt(&m->fmt[2], 101, "telephone-event", 8000);
	assert_true(sip_pl_eqs(m->fmt[2].params, "0-16"));
	assert_int_equal(m->ptime, 20);
	assert_int_equal(m->dir, SIP_SDP_SENDONLY);
	assert_true(sip_sdp_held(sdp));
	round_trip(sdp);
	sip_mem_deref(sdp);
}

static void test_origin_next(void **state)
{
	struct sip_sdp *prev = decode_crlf(offer_text);
	struct sip_sdp *next = NULL;

	(void)state;
	assert_int_equal(sip_sdp_offer_audio(&next, "192.0.2.7", 4000, &pcmu, 1),
			 0);
	assert_int_equal(sip_sdp_origin_next(next, prev), 0);
	sip_mem_deref(prev);
	assert_true(sip_pl_eqs(next->origin.user, "alice"));
	assert_true(sip_pl_eqs(next->origin.id, "2890844526"));
	assert_true(next->origin.version == 2890844528u);
	assert_true(sip_pl_eqs(next->origin.addr, "atlanta.example.com"));
	sip_mem_deref(next);
}

/* ---- answers ---- */

static struct sip_sdp *answer_of(const char *offer,
				 const struct sip_sdp_caps *caps)
{
	struct sip_sdp *o = decode_crlf(offer);
	struct sip_sdp *a = NULL;

	assert_int_equal(sip_sdp_answer(&a, o, caps), 0);
	sip_mem_deref(o);  /* the answer keeps it alive */
	return a;
}

static const struct sip_sdp_codec local_codecs[] = {
	{ "PCMA", 8000, 1, NULL },
	{ "PCMU", 8000, 0, NULL },
	{ "opus", 48000, 2, NULL },
};

static const struct sip_sdp_stream_caps local_audio = {
	.type = "audio", .port = 30000, .codecs = local_codecs,
	.ncodecs = 3, .dtmf = true, .ptime = 20,
};

static const struct sip_sdp_caps local_caps = {
	.user = "sipd", .sess_id = 42, .sess_version = 1,
	.addr = "198.51.100.1", .streams = &local_audio, .nstreams = 1,
};

static void test_answer_intersection(void **state)
{
	struct sip_sdp *a = answer_of(
		"v=0\no=alice 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.10\nt=5 6\n"
		"m=audio 49170 RTP/AVP 18 8 96 0 97\n"
		"a=rtpmap:96 telephone-event/8000\na=fmtp:96 0-15\n"
		"a=rtpmap:97 opus/48000/2\n", &local_caps);
	const struct sip_sdp_media *m = &a->media[0];
	struct sip_buf b;

	(void)state;
	assert_true(sip_pl_eqs(a->origin.user, "sipd"));
	assert_true(sip_pl_eqs(a->origin.id, "42"));
	assert_true(sip_pl_eqs(a->conn.addr, "198.51.100.1"));
	assert_true(a->time[0].start == 5 && a->time[0].stop == 6);
	assert_int_equal(a->nmedia, 1);
	assert_int_equal(m->port, 30000);
	/* offerer's order and numbers: G729 dropped, DTMF found on 96 */
	assert_int_equal(m->nfmt, 4);
	assert_fmt(&m->fmt[0], 8, "PCMA", 8000);
	assert_fmt(&m->fmt[1], 96, "telephone-event", 8000);
	assert_true(sip_pl_eqs(m->fmt[1].params, "0-15"));
	assert_fmt(&m->fmt[2], 0, "PCMU", 8000);
	assert_fmt(&m->fmt[3], 97, "opus", 48000);
	assert_int_equal(m->ptime, 20);
	assert_int_equal(m->dir, SIP_SDP_SENDRECV);
	assert_false(sip_sdp_held(a));

	sip_buf_init(&b);
	assert_int_equal(sip_sdp_encode(&b, a), 0);
	assert_non_null(strstr(b.p, "m=audio 30000 RTP/AVP 8 96 0 97\r\n"));
	assert_non_null(strstr(b.p, "a=rtpmap:96 telephone-event/8000\r\n"));
	sip_buf_reset(&b);
	round_trip(a);
	sip_mem_deref(a);
}

static void test_answer_rejects(void **state)
{
	const struct sip_sdp_stream_caps two[] = {
		local_audio,
		{ .type = "audio", .port = 30002, .codecs = &pcmu, .ncodecs = 1 },
	};
	struct sip_sdp_caps caps = local_caps;
	struct sip_sdp *a;

	(void)state;
	caps.streams = two;
	caps.nstreams = 2;
	a = answer_of(
		"v=0\no=alice 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\n"
		"m=audio 49170 RTP/AVP 0\n"          /* -> first caps stream */
		"m=video 49172 RTP/AVP 31 34\n"      /* unsupported media */
		"m=audio 49174 RTP/AVP 18 101\n"     /* no common codec */
		"a=rtpmap:101 telephone-event/8000\n"
		"m=audio 0 RTP/AVP 0\n"              /* offered disabled */
		"m=audio 49176 RTP/SAVP 0\n"         /* other proto */
		"m=audio 49178 RTP/AVP 3 0\n"        /* -> second caps stream */
		"m=audio 49180 RTP/AVP 0\n",         /* caps all taken */
		&caps);
	assert_int_equal(a->nmedia, 7);
	assert_int_equal(a->media[0].port, 30000);
	assert_int_equal(a->media[1].port, 0);
	assert_true(sip_pl_eqs(a->media[1].type, "video"));
	assert_int_equal(a->media[1].nfmt, 2);
	assert_true(sip_pl_eqs(a->media[1].fmt[1].id, "34"));
	assert_int_equal(a->media[1].nattr, 0);
	assert_int_equal(a->media[2].port, 0);
	assert_int_equal(a->media[3].port, 0);
	assert_int_equal(a->media[4].port, 0);
	assert_int_equal(a->media[5].port, 30002);
	assert_int_equal(a->media[5].nfmt, 1);
	assert_int_equal(a->media[5].fmt[0].pt, 0);
	assert_int_equal(a->media[6].port, 0);
	assert_int_equal(sip_sdp_nactive(a), 2);
	round_trip(a);
	sip_mem_deref(a);

	/* nothing usable: still an answer, all rejected */
	a = answer_of("v=0\no=alice 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.10\n"
		      "t=0 0\nm=audio 49170 RTP/AVP 18\n", &local_caps);
	assert_int_equal(sip_sdp_nactive(a), 0);
	assert_false(sip_sdp_held(a));
	sip_mem_deref(a);

	caps.addr = NULL;
	{
		struct sip_sdp *o = decode_crlf(offer_text);

		assert_int_equal(sip_sdp_answer(&a, o, &caps), EINVAL);
		sip_mem_deref(o);
	}
}

static void test_answer_hold(void **state)
{
	struct sip_sdp *a;

	(void)state;
	/* offer sendonly (hold) -> recvonly */
	a = answer_of("v=0\no=alice 1 2 IN IP4 h\ns=-\nc=IN IP4 192.0.2.10\n"
		      "t=0 0\nm=audio 49170 RTP/AVP 0\na=sendonly\n",
		      &local_caps);
	assert_int_equal(a->media[0].dir, SIP_SDP_RECVONLY);
	sip_mem_deref(a);
	/* session-level recvonly -> sendonly */
	a = answer_of("v=0\no=alice 1 2 IN IP4 h\ns=-\nc=IN IP4 192.0.2.10\n"
		      "t=0 0\na=recvonly\nm=audio 49170 RTP/AVP 0\n",
		      &local_caps);
	assert_int_equal(a->media[0].dir, SIP_SDP_SENDONLY);
	sip_mem_deref(a);
	/* inactive -> inactive */
	a = answer_of("v=0\no=alice 1 2 IN IP4 h\ns=-\nc=IN IP4 192.0.2.10\n"
		      "t=0 0\nm=audio 49170 RTP/AVP 0\na=inactive\n",
		      &local_caps);
	assert_int_equal(a->media[0].dir, SIP_SDP_INACTIVE);
	sip_mem_deref(a);
}

static void test_hold_detect(void **state)
{
	struct sip_sdp *s;

	(void)state;
	s = decode_crlf("v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.1\n"
			"t=0 0\nm=audio 4000 RTP/AVP 0\na=sendonly\n"
			"m=video 0 RTP/AVP 31\n");
	assert_true(sip_sdp_media_held(s, &s->media[0]));
	assert_false(sip_sdp_media_held(s, &s->media[1]));
	assert_true(sip_sdp_held(s));
	s->media[0].dir = SIP_SDP_INACTIVE;
	assert_true(sip_sdp_held(s));
	s->media[0].dir = SIP_SDP_RECVONLY;
	assert_false(sip_sdp_held(s));
	sip_mem_deref(s);

	/* RFC 2543 hold */
	s = decode_crlf("v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 0.0.0.0\n"
			"t=0 0\nm=audio 4000 RTP/AVP 0\n"
			"m=audio 4002 RTP/AVP 0\nc=IN IP4 192.0.2.1\n");
	assert_true(sip_sdp_media_held(s, &s->media[0]));
	assert_false(sip_sdp_media_held(s, &s->media[1]));
	assert_false(sip_sdp_held(s));
	sip_mem_deref(s);
}

/* ---- errors ---- */

struct bad_case {
	const char *text;
	int err;
	const char *reason;
};

#define HEAD "v=0\no=- 1 1 IN IP4 h\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"

static const struct bad_case bad_cases[] = {
	{ "", EBADMSG, "SDP: missing v= line" },
	{ "o=- 1 1 IN IP4 h\ns=-\nt=0 0\n", EBADMSG, "SDP: missing v= line" },
	{ "v=1\n", EBADMSG, "SDP: bad v= line" },
	{ "v=0\ns=-\nt=0 0\n", EBADMSG, "SDP: missing o= line" },
	{ "v=0\no=- 1 1 IN IP4 h\nt=0 0\n", EBADMSG, "SDP: missing s= line" },
	{ "v=0\no=- 1 1 IN IP4 h\ns=-\n", EBADMSG, "SDP: missing t= line" },
	{ "v=0\no=- 1 IN IP4 h\ns=-\nt=0 0\n", EBADMSG, "SDP: bad o= line" },
	{ "v=0\no=- x 1 IN IP4 h\ns=-\nt=0 0\n", EBADMSG, "SDP: bad o= line" },
	{ "v=0\no=- 1 1 IN IP4 h\ns=-\ns=-\n", EBADMSG,
	  "SDP: more than one s= line" },
	{ HEAD "t=now\n", EBADMSG, "SDP: bad t= line" },
	{ HEAD "x=1\n", EBADMSG, "SDP: unknown line type" },
	{ HEAD "bogus\n", EBADMSG, "SDP: bad line" },
	{ HEAD "c=IN IP4\n", EBADMSG, "SDP: bad c= line" },
	{ HEAD "c=IN IP4 192.0.2.2\n", EBADMSG, "SDP: more than one c= line" },
	{ HEAD "b=AS\n", EBADMSG, "SDP: bad b= line" },
	{ HEAD "m=audio\n", EBADMSG, "SDP: bad m= line" },
	{ HEAD "m=audio 4000 RTP/AVP\n", EBADMSG, "SDP: bad m= line" },
	{ HEAD "m=audio 70000 RTP/AVP 0\n", EBADMSG, "SDP: bad m= line" },
	{ HEAD "m=audio x RTP/AVP 0\n", EBADMSG, "SDP: bad m= line" },
	{ HEAD "m=audio 4000/0 RTP/AVP 0\n", EBADMSG, "SDP: bad m= line" },
	{ HEAD "m=audio 4000 RTP/AVP 128\n", EBADMSG, "SDP: bad m= format" },
	{ HEAD "m=audio 4000 RTP/AVP abc\n", EBADMSG, "SDP: bad m= format" },
	{ HEAD "m=audio 4000 RTP/AVP 0\ns=x\n", EBADMSG,
	  "SDP: session line after m=" },
	{ HEAD "m=audio 4000 RTP/AVP 96\na=rtpmap:96 opus\n", EBADMSG,
	  "SDP: bad a=rtpmap" },
	{ HEAD "m=audio 4000 RTP/AVP 96\na=rtpmap:x opus/8000\n", EBADMSG,
	  "SDP: bad a=rtpmap" },
	{ HEAD "m=audio 4000 RTP/AVP 96\na=rtpmap:96 opus/0\n", EBADMSG,
	  "SDP: bad a=rtpmap" },
	{ HEAD "m=audio 4000 RTP/AVP 96\na=rtpmap:96 /8000\n", EBADMSG,
	  "SDP: bad a=rtpmap" },
	{ HEAD "m=audio 4000 RTP/AVP 96\na=rtpmap:96 a/8000/x\n", EBADMSG,
	  "SDP: bad a=rtpmap" },
	{ HEAD "m=audio 4000 RTP/AVP 96\na=rtpmap\n", EBADMSG,
	  "SDP: bad a=rtpmap" },
	{ HEAD "m=audio 4000 RTP/AVP 96\na=fmtp:\n", EBADMSG,
	  "SDP: bad a=fmtp" },
	{ HEAD "m=audio 4000 RTP/AVP 0\na=ptime:x\n", EBADMSG,
	  "SDP: bad a=ptime" },
	{ HEAD "m=audio 4000 RTP/AVP 0\na=maxptime:\n", EBADMSG,
	  "SDP: bad a=maxptime" },
	{ HEAD "m=audio 4000 RTP/AVP 0\na=rtcp:99999\n", EBADMSG,
	  "SDP: bad a=rtcp" },
	{ HEAD "m=audio 4000 RTP/AVP 0\na=rtcp:5 IN IP4\n", EBADMSG,
	  "SDP: bad a=rtcp" },
	{ HEAD "a=:x\n", EBADMSG, "SDP: bad a= line" },
	{ "v=0\no=- 1 1 IN IP4 h\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n",
	  EBADMSG, "SDP: missing c= line" },
	{ "v=0\no=- 1 1 IN IP4 h\ns=-\nr=1 2 3\nt=0 0\n", EBADMSG,
	  "SDP: r= line before t=" },
	{ HEAD "b=AS:1\nb=AS:1\nb=AS:1\nb=AS:1\nb=AS:1\n", E2BIG,
	  "SDP: too many b= lines" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct sip_sdp *sdp = NULL;
		const char *reason = NULL;
		int err = decode_lf(&sdp, bad_cases[i].text, &reason);

		if (err != bad_cases[i].err || !reason ||
		    strcmp(reason, bad_cases[i].reason))
			fail_msg("case %zu: got %d '%s', want %d '%s'", i, err,
				 reason ? reason : "(null)", bad_cases[i].err,
				 bad_cases[i].reason);
		assert_null(sdp);
	}
}

static void test_limits(void **state)
{
	struct sip_buf b;
	struct sip_sdp *sdp = NULL;
	const char *reason = NULL;

	(void)state;
	sip_buf_init(&b);
	sip_buf_puts(&b, HEAD);
	for (int i = 0; i <= SIP_SDP_MAX_MEDIA; i++)
		sip_buf_puts(&b, "m=audio 0 RTP/AVP 0\n");
	assert_int_equal(sip_sdp_decode(&sdp, sip_buf_pl_get(&b), NULL,
					&reason), E2BIG);
	assert_string_equal(reason, "SDP: too many m= lines");
	sip_buf_reset(&b);

	sip_buf_puts(&b, HEAD "m=audio 0 RTP/AVP");
	for (int i = 0; i <= SIP_SDP_MAX_FMT; i++)
		sip_buf_printf(&b, " %d", i);
	sip_buf_puts(&b, "\n");
	assert_int_equal(sip_sdp_decode(&sdp, sip_buf_pl_get(&b), NULL,
					&reason), E2BIG);
	assert_string_equal(reason, "SDP: too many formats");
	sip_buf_reset(&b);

	sip_buf_puts(&b, HEAD);
	for (int i = 0; i <= SIP_SDP_MAX_ATTR; i++)
		sip_buf_puts(&b, "a=x\n");
	assert_int_equal(sip_sdp_decode(&sdp, sip_buf_pl_get(&b), NULL,
					&reason), E2BIG);
	assert_string_equal(reason, "SDP: too many attributes");
	sip_buf_reset(&b);

	assert_int_equal(sip_sdp_decode(&sdp, (struct sip_pl){ HEAD,
					SIP_SDP_MAX_SIZE + 1 }, NULL, &reason),
			 E2BIG);
	assert_null(sdp);
}

/* Every allocation failure gives ENOMEM and leaks nothing. */
static void test_oom(void **state)
{
	long live = sip_mem_live();
	struct sip_sdp *o = NULL, *a = NULL;
	size_t len;
	char *wire = tu_crlf(offer_text, &len);
	int err;

	(void)state;
	for (long n = 0;; n++) {
		sip_mem_fail_after(n);
		err = sip_sdp_decode(&o, (struct sip_pl){ wire, len }, NULL,
				     NULL);
		if (!err)
			err = sip_sdp_answer(&a, o, &local_caps);
		sip_mem_fail_after(-1);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		o = sip_mem_deref(o);
		assert_int_equal(sip_mem_live(), live);
		assert_true(n < 100);
	}
	sip_mem_deref(a);
	sip_mem_deref(o);
	free(wire);
	assert_int_equal(sip_mem_live(), live);

	for (long n = 0;; n++) {
		sip_mem_fail_after(n);
		err = sip_sdp_offer(&o, &local_caps);
		sip_mem_fail_after(-1);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		assert_int_equal(sip_mem_live(), live);
		assert_true(n < 100);
	}
	sip_mem_deref(o);
	assert_int_equal(sip_mem_live(), live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_offer),
		cmocka_unit_test(test_lf_and_static_pt),
		cmocka_unit_test(test_conn_levels),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_other_lines_kept),
		cmocka_unit_test(test_zero_copy_owner),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_offer_build),
		cmocka_unit_test(test_offer_caps_ipv6),
		cmocka_unit_test(test_origin_next),
		cmocka_unit_test(test_answer_intersection),
		cmocka_unit_test(test_answer_rejects),
		cmocka_unit_test(test_answer_hold),
		cmocka_unit_test(test_hold_detect),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
