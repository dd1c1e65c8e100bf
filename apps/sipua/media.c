/*
 * media.c - one call's audio: RTP and RTCP over UDP (RFC 3550: SR and
 * SDES after 1 s then every 5 s, BYE when leaving, §6.2, §6.6), G.711
 * from the negotiated answer (RFC 3551), a WAV file (8 kHz mono 16-bit)
 * paced out every 20 ms, received audio through the jitter buffer into a
 * WAV file, RFC 4733 telephone-events sent in the audio's sequence space
 * and reported once when received.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "sip/g711.h"
#include "sip/rtcp.h"
#include "sip/rtp.h"

#include "sipua.h"

enum { PTIME = 20, JB_DELAY = 60, DIGIT_MS = 100, DIGIT_GAP_SLOTS = 3,
       RTCP_IVL = 5000, RTCP_FIRST = 1000 };

/* Silence for ever: what a call without --play sends. */
static int silence_src(void *arg, int16_t *buf, size_t n, size_t *gotp)
{
	memset(buf, 0, n * sizeof(*buf));
	*gotp = n;
	return 0;
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct media *m = h->data;

	if (h == (uv_handle_t *)&m->rtp) {
		b->base = (char *)m->rtp_buf;
		b->len = sizeof(m->rtp_buf);
	} else {
		b->base = (char *)m->rtcp_buf;
		b->len = sizeof(m->rtcp_buf);
	}
}

static void on_rtp(uv_udp_t *h, ssize_t n, const uv_buf_t *b,
		   const struct sockaddr *from, unsigned flags)
{
	struct media *m = h->data;
	char digit = 0;
	int err;

	if (n <= 0 || !m->rx_on)
		return;
	ua_sync(m->ua);
	uint32_t arrival = (uint32_t)((ua_now(m->ua) - m->start_ms) * 8);

	err = sip_rtprx_input(&m->rx, (const uint8_t *)b->base, (size_t)n, arrival, &digit);
	if (err == EBADMSG || err == EPROTONOSUPPORT)
		return;
	m->rtp_rx++;
	if (digit && m->digit_h)
		m->digit_h(m->digit_arg, digit);
}

/* A compound RTCP packet: counted when it decodes; a BYE reported. */
static void on_rtcp(uv_udp_t *h, ssize_t n, const uv_buf_t *b,
		    const struct sockaddr *from, unsigned flags)
{
	struct media *m = h->data;
	const uint8_t *p = (const uint8_t *)b->base;
	size_t left = n > 0 ? (size_t)n : 0, used;
	struct sip_rtcp_pkt pkt;
	bool ok = false;

	while (left && !sip_rtcp_decode(&pkt, p, left, &used) && used) {
		ok = true;
		if (pkt.type == SIP_RTCP_BYE)
			m->rtcp_bye = true;
		p += used;
		left -= used;
	}
	if (ok)
		m->rtcp_rx++;
}

/* Bind an even port and its odd neighbour (RTP, RTCP) with plain
 * sockets, so that two processes racing for the same pair cannot both
 * win; the sockets are then handed to libuv. */
static bool pair_bind(const struct sockaddr_storage *a, uint16_t port, int fds[2])
{
	struct sockaddr_storage t = *a;
	socklen_t len = t.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
		sizeof(struct sockaddr_in);

	fds[0] = fds[1] = -1;
	for (int i = 0; i < 2; i++) {
		if (t.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&t)->sin6_port = htons((uint16_t)(port + i));
		else
			((struct sockaddr_in *)&t)->sin_port = htons((uint16_t)(port + i));
		fds[i] = socket(t.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&t, len)) {
			for (int j = 0; j <= i; j++)
				if (fds[j] >= 0)
					close(fds[j]);
			return false;
		}
	}
	return true;
}

static int bind_pair(struct media *m, const char *ip)
{
	struct sockaddr_storage a;
	int fds[2];

	memset(&a, 0, sizeof(a));
	if (uv_ip4_addr(ip, 0, (struct sockaddr_in *)&a) &&
	    uv_ip6_addr(ip, 0, (struct sockaddr_in6 *)&a))
		return EINVAL;
	for (unsigned tries = 0; tries < 100; tries++) {
		uint16_t port = (uint16_t)(16384 + 2 * (rand() % 8000));

		if (!pair_bind(&a, port, fds))
			continue;
		if (uv_udp_open(&m->rtp, fds[0])) {
			close(fds[0]);
			close(fds[1]);
			return EIO;
		}
		if (uv_udp_open(&m->rtcp, fds[1])) {
			close(fds[1]);
			return EIO;
		}
		m->port = port;
		return 0;
	}
	return EADDRINUSE;
}

int media_open(struct media *m, struct ua *ua)
{
	char ip[64];
	size_t n = strlen(ua->lhost);
	int err;

	memset(m, 0, sizeof(*m));
	m->ua = ua;
	m->pt = -1;
	m->dtmf_pt = -1;
	if (ua->lhost[0] == '[') {
		snprintf(ip, sizeof(ip), "%.*s", (int)(n - 2), ua->lhost + 1);
	} else {
		snprintf(ip, sizeof(ip), "%s", ua->lhost);
	}
	uv_udp_init(&ua->loop, &m->rtp);
	uv_udp_init(&ua->loop, &m->rtcp);
	uv_timer_init(&ua->loop, &m->tick);
	m->rtp.data = m;
	m->rtcp.data = m;
	m->tick.data = m;
	m->open = true;
	if ((err = bind_pair(m, ip)))
		return err;
	uv_udp_recv_start(&m->rtp, on_alloc, on_rtp);
	uv_udp_recv_start(&m->rtcp, on_alloc, on_rtcp);
	m->ssrc = (uint32_t)rand() ^ ((uint32_t)rand() << 16);
	return 0;
}

static void send_to(struct media *m, uv_udp_t *h, const struct sockaddr_storage *to,
		    const uint8_t *p, size_t n)
{
	uv_buf_t b = uv_buf_init((char *)p, (unsigned)n);

	(void)uv_udp_try_send(h, &b, 1, (const struct sockaddr *)to);
}

static void send_rtcp(struct media *m, bool bye)
{
	uint8_t buf[256];
	size_t n = 0, k = 0;
	struct sip_rtcp_pkt p = { .type = SIP_RTCP_SR, .ssrc = m->ssrc };
	uint64_t now = ua_now(m->ua);

	if (!m->have_remote)
		return;
	p.sr.ntp_sec = (uint32_t)(now / 1000 + 2208988800u);
	p.sr.ntp_frac = (uint32_t)((now % 1000) * 4294967ull);
	p.sr.rtp_ts = m->pacer.ts;
	p.sr.pkt_count = (uint32_t)m->rtp_tx;
	p.sr.octet_count = (uint32_t)m->octets;
	if (sip_rtcp_encode(buf, sizeof(buf), &p, &n))
		return;
	struct sip_rtcp_pkt s = { .type = SIP_RTCP_SDES, .ssrc = m->ssrc,
				  .cname = "sipua", .cname_len = 5 };

	if (!sip_rtcp_encode(buf + n, sizeof(buf) - n, &s, &k))
		n += k;
	if (bye) {
		struct sip_rtcp_pkt y = { .type = SIP_RTCP_BYE, .count = 1 };

		y.srcs[0] = m->ssrc;
		if (!sip_rtcp_encode(buf + n, sizeof(buf) - n, &y, &k))
			n += k;
	}
	send_to(m, &m->rtcp, &m->rcaddr, buf, n);
	m->rtcp_tx++;
}

void media_bye(struct media *m)
{
	if (m->running && !m->bye_sent) {
		send_rtcp(m, true);
		m->bye_sent = true;
	}
}

static void send_dtmf_slot(struct media *m, uint16_t seq)
{
	struct sip_dtmf_out out;
	struct sip_rtp_pkt p = { 0 };
	uint8_t buf[64];
	size_t n;

	if (sip_dtmf_tx_next(&m->dtx, &out)) {
		m->dtmf_sending = false;
		m->dtmf_gap = DIGIT_GAP_SLOTS;
		return;
	}
	p.marker = out.marker;
	p.pt = (uint8_t)m->dtmf_pt;
	p.seq = seq;
	p.ts = out.ts;
	p.ssrc = m->ssrc;
	p.payload = out.payload;
	p.payload_len = sizeof(out.payload);
	if (!sip_rtp_encode(buf, sizeof(buf), &p, &n) && m->send) {
		send_to(m, &m->rtp, &m->raddr, buf, n);
		m->rtp_tx++;
		m->octets += p.payload_len;
	}
}

/* One due packet slot: a DTMF packet, a gap, or audio. EAGAIN: none due. */
static int send_slot(struct media *m, uint64_t now)
{
	uint8_t buf[512];
	size_t n;
	uint16_t seq;
	uint32_t ts;
	int err;
	bool want_digit = !m->dtmf_sending && !m->dtmf_gap && m->dtmf_q[0] &&
		m->dtmf_pt >= 0 && now >= m->start_ms;

	if (m->dtmf_sending || want_digit || (m->dtmf_gap && m->play_done)) {
		if ((err = sip_pacer_skip(&m->pacer, now, &seq, &ts)))
			return err;
		if (want_digit) {
			char d = m->dtmf_q[0];

			memmove(m->dtmf_q, m->dtmf_q + 1, strlen(m->dtmf_q));
			if (!sip_dtmf_tx_start(&m->dtx, d, ts, DIGIT_MS * 8))
				m->dtmf_sending = true;
		}
		if (m->dtmf_sending)
			send_dtmf_slot(m, seq);
		else if (m->dtmf_gap)
			m->dtmf_gap--;
		return 0;
	}
	err = sip_pacer_poll(&m->pacer, now, buf, sizeof(buf), &n);
	if (err == ENOENT) {
		if (!m->play_done)
			m->play_done = true;
		return m->dtmf_q[0] && m->dtmf_pt >= 0 ? 0 : EAGAIN;
	}
	if (err)
		return err;
	if (m->dtmf_gap)
		m->dtmf_gap--;
	if (m->send) {
		send_to(m, &m->rtp, &m->raddr, buf, n);
		m->rtp_tx++;
		m->octets += n - SIP_RTP_HDR_LEN;
	}
	return 0;
}

/*
 * The recording holds what came, from the first frame to the last:
 * buffering before the first packet and after the last is left out, but
 * a buffer that ran dry in between (a stall of the loop, a late burst) is
 * filled with that much silence once audio comes again, so the file
 * keeps the stream's timing.
 */
static void record(struct media *m, int err, const int16_t *pcm)
{
	static const int16_t silence[PTIME * 8];

	if (!m->rec_open || !m->recv)
		return;
	if (err == EAGAIN) {
		if (m->rec_started && m->rec_gap < 50 * 60)
			m->rec_gap++;
		return;
	}
	if (err && err != ENODATA)
		return;
	for (; m->rec_gap; m->rec_gap--)
		(void)sip_wav_write(&m->rec, silence, PTIME * 8);
	(void)sip_wav_write(&m->rec, pcm, PTIME * 8);
	m->rec_started = true;
}

static void on_tick(uv_timer_t *h)
{
	struct media *m = h->data;
	uint64_t now;
	int16_t pcm[PTIME * 8];

	ua_sync(m->ua);
	now = ua_now(m->ua);
	if (m->pacer_on && m->have_remote)
		for (unsigned i = 0; i < 100 && !send_slot(m, now); i++)
			;
	if (m->rx_on) {
		uint64_t due = (now - m->start_ms) / PTIME;

		for (; m->ticks < due; m->ticks++) {
			int err = sip_rtprx_tick(&m->rx, pcm, PTIME * 8);

			record(m, err, pcm);
		}
	}
	/* RFC 3550 §6.2: the first report sooner, then every interval */
	if (now - m->last_sr >= (m->rtcp_tx ? RTCP_IVL : RTCP_FIRST)) {
		m->last_sr = now;
		send_rtcp(m, false);
	}
}

/* The peer's RTP and RTCP addresses from the negotiated stream. */
static int set_remote(struct media *m, const struct sip_ua_stream *st)
{
	struct sip_tp_addr a;

	if (sip_tp_addr_ip(&a, sip_pl_str(st->addr), st->port))
		return EINVAL;
	memcpy(&m->raddr, &a.u.ss, a.len);
	sip_tp_addr_set_port(&a, st->rtcp_port);
	memcpy(&m->rcaddr, &a.u.ss, a.len);
	m->have_remote = !sip_tp_addr_is_any(&a);
	return 0;
}

int media_apply(struct media *m, const struct sip_sdp *l, const struct sip_sdp *r,
		bool local_is_offer)
{
	struct sip_ua_stream st;
	struct ua *ua = m->ua;
	int err;

	if ((err = sip_ua_stream(&st, l, r, local_is_offer)))
		return err;
	if ((err = set_remote(m, &st)))
		return err;
	m->send = st.send;
	m->recv = st.recv;
	if (m->pt >= 0)
		return 0;       /* codecs fixed by the first exchange */
	m->pt = st.pt;
	m->dtmf_pt = st.dtmf_pt;
	m->start_ms = ua_now(ua);
	m->last_sr = m->start_ms;
	struct sip_pacer_cfg pc = {
		.pt = (uint8_t)m->pt, .ssrc = m->ssrc, .seq = (uint16_t)rand(),
		.ts = (uint32_t)rand(), .ptime_ms = PTIME,
	};
	if (ua->o->play) {
		const char *why = NULL;

		err = sip_wav_open_convert(&m->wav, ua->o->play, &why);
		if (err) {
			ua_event(ua, "ERROR --play %s: %s", ua->o->play, why ? why : strerror(err));
			return err;
		}
		m->wav_open = true;
		err = sip_pacer_init(&m->pacer, &pc, sip_wav_src, &m->wav);
	} else {
		err = sip_pacer_init(&m->pacer, &pc, silence_src, NULL);
	}
	if (err)
		return err;
	m->pacer_on = true;
	sip_dtmf_tx_init(&m->dtx, PTIME * 8, 10);
	struct sip_rtprx_cfg rc = { .audio_pt = (uint8_t)m->pt, .dtmf_pt = m->dtmf_pt,
				    .delay_ms = JB_DELAY, .ptime_ms = PTIME };
	if ((err = sip_rtprx_init(&m->rx, &rc)))
		return err;
	m->rx_on = true;
	if (ua->o->record) {
		err = sip_wav_create(&m->rec, ua->o->record);
		if (err)
			ua_event(ua, "ERROR --record %s: %s", ua->o->record, strerror(err));
		else
			m->rec_open = true;
	}
	m->running = true;
	uv_timer_start(&m->tick, on_tick, 5, 5);
	ua_event(ua, "MEDIA pt=%d dtmf_pt=%d local_port=%u", m->pt, m->dtmf_pt, m->port);
	return 0;
}

void media_dtmf(struct media *m, const char *digits)
{
	size_t n = strlen(m->dtmf_q);

	snprintf(m->dtmf_q + n, sizeof(m->dtmf_q) - n, "%s", digits);
}

bool media_idle(const struct media *m)
{
	return m->running && (m->play_done || !m->wav_open) && !m->dtmf_q[0] &&
		!m->dtmf_sending;
}

void media_close(struct media *m)
{
	if (!m->open)
		return;
	media_bye(m);
	m->running = false;
	m->open = false;
	uv_timer_stop(&m->tick);
	uv_close((uv_handle_t *)&m->tick, NULL);
	uv_close((uv_handle_t *)&m->rtp, NULL);
	uv_close((uv_handle_t *)&m->rtcp, NULL);
	if (m->wav_open)
		sip_wav_close(&m->wav);
	m->wav_open = false;
	if (m->rec_open)
		(void)sip_wav_finish(&m->rec);
	m->rec_open = false;
}
