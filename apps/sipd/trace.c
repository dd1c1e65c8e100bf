/*
 * trace.c - the live message trace: a bounded ring of recent messages
 * and their printing (see trace.h).
 *
 * The ring is an array of `cap` entries used circularly: `head` is the
 * oldest, `n` are held; adding to a full ring frees the oldest in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/buf.h"

#include "json.h"
#include "log.h"
#include "trace.h"

struct sipd_trace {
	struct sipd_trace_entry *ring;  /* cap slots, malloc'd */
	size_t cap;
	size_t head;                    /* index of the oldest entry */
	size_t n;                       /* entries held */
	uint64_t dropped;
	bool on;
	FILE *out;                      /* borrowed; NULL: no printing */
	enum sipd_log_format format;
	uint64_t seq;                   /* of the last entry recorded */
	sipd_trace_sink_h *sink;
	void *sink_arg;
};

int sipd_trace_alloc(struct sipd_trace **tp, size_t ring_size)
{
	struct sipd_trace *t;

	if (!ring_size)
		return EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->ring = calloc(ring_size, sizeof(*t->ring));
	if (!t->ring) {
		free(t);
		return ENOMEM;
	}
	t->cap = ring_size;
	*tp = t;
	return 0;
}

static struct sipd_trace_entry *slot(const struct sipd_trace *t, size_t i)
{
	return &t->ring[(t->head + i) % t->cap];
}

void sipd_trace_free(struct sipd_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(slot(t, i)->bytes);
	free(t->ring);
	free(t);
}

void sipd_trace_enable(struct sipd_trace *t, bool on)
{
	t->on = on;
}

bool sipd_trace_on(const struct sipd_trace *t)
{
	return t->on;
}

void sipd_trace_set_output(struct sipd_trace *t, FILE *f,
			   enum sipd_log_format format)
{
	t->out = f;
	t->format = format;
}

/* A deep copy of @p e into @p dst. 0 or ENOMEM. */
static int copy_entry(struct sipd_trace_entry *dst,
		      const struct sipd_trace_entry *e)
{
	char *bytes = malloc(e->len + 1);

	if (!bytes)
		return ENOMEM;
	if (e->len)
		memcpy(bytes, e->bytes, e->len);
	bytes[e->len] = '\0';
	*dst = *e;
	dst->bytes = bytes;
	return 0;
}

int sipd_trace_add(struct sipd_trace *t, const struct sipd_trace_entry *e)
{
	struct sipd_trace_entry copy, *s;

	if (!t->on)
		return 0;
	if (copy_entry(&copy, e)) {
		t->dropped++;
		return ENOMEM;
	}
	if (!copy.time.tv_sec && !copy.time.tv_nsec)
		clock_gettime(CLOCK_REALTIME, &copy.time);
	copy.seq = ++t->seq;
	if (t->out)
		sipd_trace_print(t->out, t->format, &copy);
	if (t->n == t->cap) {
		s = slot(t, 0);
		free(s->bytes);
		t->head = (t->head + 1) % t->cap;
		t->n--;
		t->dropped++;
	}
	*slot(t, t->n) = copy;
	t->n++;
	if (t->sink)
		t->sink(t->sink_arg, slot(t, t->n - 1));
	return 0;
}

void sipd_trace_set_sink(struct sipd_trace *t, sipd_trace_sink_h *h, void *arg)
{
	t->sink = h;
	t->sink_arg = arg;
}

uint64_t sipd_trace_last_seq(const struct sipd_trace *t)
{
	return t->seq;
}

int sipd_trace_resize(struct sipd_trace *t, size_t ring_size)
{
	struct sipd_trace_entry *ring;
	size_t skip, i;

	if (!ring_size)
		return EINVAL;
	if (ring_size == t->cap)
		return 0;
	ring = calloc(ring_size, sizeof(*ring));
	if (!ring)
		return ENOMEM;
	skip = t->n > ring_size ? t->n - ring_size : 0;
	for (i = 0; i < skip; i++)
		free(slot(t, i)->bytes);
	for (i = skip; i < t->n; i++)
		ring[i - skip] = *slot(t, i);
	t->dropped += skip;
	free(t->ring);
	t->ring = ring;
	t->cap = ring_size;
	t->head = 0;
	t->n -= skip;
	return 0;
}

size_t sipd_trace_count(const struct sipd_trace *t)
{
	return t->n;
}

size_t sipd_trace_capacity(const struct sipd_trace *t)
{
	return t->cap;
}

uint64_t sipd_trace_dropped(const struct sipd_trace *t)
{
	return t->dropped;
}

size_t sipd_trace_ring_foreach(const struct sipd_trace *t, sipd_trace_h *h,
			       void *arg)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!h(slot(t, i), arg))
			return i + 1;
	return i;
}

int sipd_trace_snapshot(const struct sipd_trace *t,
			struct sipd_trace_entry **ep, size_t *np)
{
	struct sipd_trace_entry *e;
	size_t i;

	if (!t->n) {
		*ep = NULL;
		*np = 0;
		return 0;
	}
	e = calloc(t->n, sizeof(*e));
	if (!e)
		return ENOMEM;
	for (i = 0; i < t->n; i++) {
		if (copy_entry(&e[i], slot(t, i))) {
			sipd_trace_snapshot_free(e, i);
			return ENOMEM;
		}
	}
	*ep = e;
	*np = t->n;
	return 0;
}

void sipd_trace_snapshot_free(struct sipd_trace_entry *e, size_t n)
{
	if (!e)
		return;
	for (size_t i = 0; i < n; i++)
		free(e[i].bytes);
	free(e);
}

const char *sipd_trace_dir_name(enum sipd_trace_dir dir)
{
	return dir == SIPD_TRACE_SEND ? "send" : "recv";
}

static void print_text(struct sip_buf *b, const struct sipd_trace_entry *e,
		       const char *t, const char *local, const char *peer)
{
	sip_buf_printf(b, "%s %s %s %s %s %s (%zu bytes)\n", t,
		       sipd_trace_dir_name(e->dir), sip_tp_kind_name(e->kind),
		       local, e->dir == SIPD_TRACE_SEND ? "->" : "<-", peer,
		       e->len);
	sip_buf_append(b, e->bytes, e->len);
	/* a message ends with CRLF CRLF (or its body): make sure the next
	 * header line starts on a line of its own, after one empty line */
	if (!e->len || e->bytes[e->len - 1] != '\n')
		sip_buf_putc(b, '\n');
	sip_buf_putc(b, '\n');
}

static void print_json(struct sip_buf *b, const struct sipd_trace_entry *e,
		       const char *t, const char *local, const char *peer)
{
	sip_buf_printf(b, "{\"time\":\"%s\",\"level\":\"trace\",\"msg\":\"sip\","
		       "\"dir\":\"%s\",\"transport\":\"%s\",\"local\":", t,
		       sipd_trace_dir_name(e->dir), sip_tp_kind_name(e->kind));
	sipd_json_str(b, local, strlen(local));
	sip_buf_puts(b, ",\"peer\":");
	sipd_json_str(b, peer, strlen(peer));
	sip_buf_printf(b, ",\"bytes\":%zu,\"sip\":", e->len);
	sipd_json_str(b, e->bytes, e->len);
	sip_buf_puts(b, "}\n");
}

void sipd_trace_print(FILE *f, enum sipd_log_format format,
		      const struct sipd_trace_entry *e)
{
	char t[SIPD_TIME_LEN], local[SIP_TP_ADDRSTRLEN], peer[SIP_TP_ADDRSTRLEN];
	struct sip_buf b;

	sipd_time_iso(t, &e->time);
	sip_tp_addr_fmt(&e->local, local);
	sip_tp_addr_fmt(&e->peer, peer);
	sip_buf_init(&b);
	if (format == SIPD_LOG_JSON)
		print_json(&b, e, t, local, peer);
	else
		print_text(&b, e, t, local, peer);
	if (!sip_buf_err(&b)) {
		fwrite(b.p, 1, b.len, f);
		fflush(f);
	}
	sip_buf_reset(&b);
}
