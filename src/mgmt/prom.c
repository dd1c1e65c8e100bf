/*
 * prom.c - writing the Prometheus text exposition format 0.0.4 (see
 * sip/prom.h).
 */
#include <math.h>
#include <stdbool.h>

#include "sip/prom.h"

static void escape(struct sip_buf *b, const char *s, bool quotes)
{
	for (; *s; s++) {
		if (*s == '\\')
			sip_buf_puts(b, "\\\\");
		else if (*s == '\n')
			sip_buf_puts(b, "\\n");
		else if (*s == '"' && quotes)
			sip_buf_puts(b, "\\\"");
		else
			sip_buf_putc(b, *s);
	}
}

void sip_prom_escape(struct sip_buf *b, const char *s)
{
	escape(b, s, true);
}

void sip_prom_family(struct sip_buf *b, const char *name, const char *type,
		     const char *help)
{
	sip_buf_printf(b, "# HELP %s ", name);
	escape(b, help, false);
	sip_buf_printf(b, "\n# TYPE %s %s\n", name, type);
}

static void head(struct sip_buf *b, const char *name, const char *const *kv)
{
	sip_buf_puts(b, name);
	if (!kv || !kv[0])
		return;
	sip_buf_putc(b, '{');
	for (size_t i = 0; kv[i] && kv[i + 1]; i += 2) {
		sip_buf_printf(b, "%s%s=\"", i ? "," : "", kv[i]);
		escape(b, kv[i + 1], true);
		sip_buf_putc(b, '"');
	}
	sip_buf_putc(b, '}');
}

void sip_prom_u64(struct sip_buf *b, const char *name,
		  const char *const *kv, uint64_t v)
{
	head(b, name, kv);
	sip_buf_printf(b, " %llu\n", (unsigned long long)v);
}

void sip_prom_f64(struct sip_buf *b, const char *name,
		  const char *const *kv, double v)
{
	head(b, name, kv);
	if (isnan(v))
		sip_buf_puts(b, " NaN\n");
	else if (isinf(v))
		sip_buf_puts(b, v > 0 ? " +Inf\n" : " -Inf\n");
	else
		sip_buf_printf(b, " %.9g\n", v);
}
