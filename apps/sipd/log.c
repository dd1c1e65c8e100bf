/*
 * log.c - leveled log lines on stderr, as text or JSON lines (see log.h).
 */
#include <stdarg.h>
#include <string.h>

#include "sip/buf.h"

#include "json.h"
#include "log.h"

static const char *const level_names[] = {
	[SIPD_LOG_DEBUG] = "debug",
	[SIPD_LOG_INFO] = "info",
	[SIPD_LOG_NOTICE] = "notice",
	[SIPD_LOG_WARNING] = "warning",
	[SIPD_LOG_ERROR] = "error",
};

const char *sipd_log_level_name(enum sipd_log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

const char *sipd_log_format_name(enum sipd_log_format format)
{
	switch (format) {
	case SIPD_LOG_TEXT:
		return "text";
	case SIPD_LOG_JSON:
		return "json";
	}
	return "?";
}

void sipd_log_init(struct sipd_log *l, FILE *f, const struct sipd_config_log *cfg)
{
	l->f = f;
	l->level = cfg->level;
	l->format = cfg->format;
}

bool sipd_log_on(const struct sipd_log *l, enum sipd_log_level level)
{
	return l->f && level >= l->level;
}

const char *sipd_time_iso(char buf[SIPD_TIME_LEN], const struct timespec *ts)
{
	struct tm tm;
	size_t n;

	gmtime_r(&ts->tv_sec, &tm);
	n = strftime(buf, SIPD_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, SIPD_TIME_LEN - n, ".%03ldZ", ts->tv_nsec / 1000000);
	return buf;
}

/* Text values are quoted only when they need it, so that the common
 * ones (addresses, numbers, tokens) stay easy to grep. */
static void text_value(struct sip_buf *b, const char *v)
{
	size_t len = strlen(v);
	bool quote = len == 0;

	for (size_t i = 0; i < len && !quote; i++)
		quote = v[i] == ' ' || v[i] == '"' || v[i] == '=' ||
			(unsigned char)v[i] < 0x20;
	if (quote)
		sipd_json_str(b, v, len);   /* JSON quoting is a fine text quoting */
	else
		sip_buf_append(b, v, len);
}

static void start(struct sip_buf *b, const struct sipd_log *l,
		  enum sipd_log_level level, struct sip_pl msg)
{
	struct timespec now;
	char t[SIPD_TIME_LEN];

	clock_gettime(CLOCK_REALTIME, &now);
	sipd_time_iso(t, &now);
	if (l->format == SIPD_LOG_JSON) {
		sip_buf_printf(b, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":", t,
			       sipd_log_level_name(level));
		sipd_json_str(b, msg.p, msg.len);
	} else {
		sip_buf_printf(b, "%s %s ", t, sipd_log_level_name(level));
		sip_buf_pl(b, msg);
	}
}

static void field(struct sip_buf *b, const struct sipd_log *l, const char *k,
		  const char *v)
{
	if (!v)
		v = "-";
	if (l->format == SIPD_LOG_JSON) {
		sip_buf_putc(b, ',');
		sipd_json_str(b, k, strlen(k));
		sip_buf_putc(b, ':');
		sipd_json_str(b, v, strlen(v));
	} else {
		sip_buf_printf(b, " %s=", k);
		text_value(b, v);
	}
}

static void finish(struct sip_buf *b, const struct sipd_log *l)
{
	if (l->format == SIPD_LOG_JSON)
		sip_buf_putc(b, '}');
	sip_buf_putc(b, '\n');
	if (!sip_buf_err(b)) {
		fwrite(b->p, 1, b->len, l->f);
		fflush(l->f);
	}
	sip_buf_reset(b);
}

void sipd_log(const struct sipd_log *l, enum sipd_log_level level,
	      const char *msg, ...)
{
	struct sip_buf b;
	const char *k;
	va_list ap;

	if (!sipd_log_on(l, level))
		return;
	sip_buf_init(&b);
	start(&b, l, level, sip_pl_str(msg));
	va_start(ap, msg);
	while ((k = va_arg(ap, const char *)))
		field(&b, l, k, va_arg(ap, const char *));
	va_end(ap);
	finish(&b, l);
}

void sipd_logf(const struct sipd_log *l, enum sipd_log_level level,
	       const char *fmt, ...)
{
	struct sip_buf msg;
	struct sip_buf b;
	va_list ap;

	if (!sipd_log_on(l, level))
		return;
	sip_buf_init(&msg);
	va_start(ap, fmt);
	sip_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (!sip_buf_err(&msg) && msg.len) {
		sip_buf_init(&b);
		start(&b, l, level, sip_buf_pl_get(&msg));
		finish(&b, l);
	}
	sip_buf_reset(&msg);
}
