/*
 * store.c - the storage interface: configuration, choice of backend,
 * argument checks, and dispatch through the backend's operations table.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/mem.h"

#include "store/store.h"

static const struct store_ops *const backends[] = {
	&store_sqlite_ops,
	&store_memory_ops,
	&store_redis_ops,
};

static uint64_t realtime_ms(void *arg)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const struct store_ops *find_backend(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	}
	return NULL;
}

/* Copy the conf's strings (defaults filled in) into one block. */
static int conf_copy(struct sip_store *st, const struct sip_store_conf *in)
{
	struct sip_store_conf *c = &st->conf;
	const char **fields[] = { &c->backend, &c->sqlite_path, &c->redis_host,
				  &c->redis_prefix };
	size_t size = 0;
	char *p;

	*c = *in;
	if (!c->backend)
		c->backend = "sqlite";
	if (!c->sqlite_path)
		c->sqlite_path = "var/sipd.db";
	if (!c->redis_host)
		c->redis_host = "127.0.0.1";
	if (!c->redis_port)
		c->redis_port = 6379;
	if (!c->redis_prefix)
		c->redis_prefix = "sipd:";
	if (!c->sweep_ms)
		c->sweep_ms = 1000;
	if (!c->clock)
		c->clock = realtime_ms;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		size += strlen(*fields[i]) + 1;
	st->strbuf = malloc(size);
	if (!st->strbuf)
		return ENOMEM;
	p = st->strbuf;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t n = strlen(*fields[i]) + 1;

		memcpy(p, *fields[i], n);
		*fields[i] = p;
		p += n;
	}
	return 0;
}

void store_log(const struct sip_store *st, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!st->conf.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	st->conf.log(st->conf.log_arg, line);
}

static void store_destroy(void *arg)
{
	struct sip_store *st = arg;

	st->closing = true;
	if (st->be)
		st->ops->close(st);
	if (st->defer) {
		store_defer_close(st->defer);
		st->defer = sip_mem_deref(st->defer);
	}
	free(st->strbuf);
}

int sip_store_open(struct sip_store **stp, uv_loop_t *loop,
		   const struct sip_store_conf *conf)
{
	static const struct sip_store_conf defaults;
	struct sip_store *st;
	int err;

	if (!stp || !loop)
		return EINVAL;
	st = sip_mem_zalloc(sizeof(*st), store_destroy);
	if (!st)
		return ENOMEM;
	st->loop = loop;
	err = conf_copy(st, conf ? conf : &defaults);
	if (err)
		goto out;
	st->ops = find_backend(st->conf.backend);
	if (!st->ops) {
		err = EINVAL;
		goto out;
	}
	err = store_defer_alloc(&st->defer, loop);
	if (err)
		goto out;
	err = st->ops->open(st);
out:
	if (err) {
		sip_mem_deref(st);
		return err;
	}
	*stp = st;
	return 0;
}

const char *sip_store_backend(const struct sip_store *st)
{
	return st->ops->name;
}

uint64_t sip_store_now(const struct sip_store *st)
{
	return st->conf.clock(st->conf.clock_arg);
}

uv_loop_t *sip_store_loop(const struct sip_store *st)
{
	return st->loop;
}

const struct sip_store_stats *sip_store_stats(const struct sip_store *st)
{
	return &st->stats;
}

int sip_store_lookup(struct sip_store *st, const char *aor,
		     sip_store_bindings_h *h, void *arg)
{
	if (!aor || !h)
		return EINVAL;
	if (st->closing)
		return ECANCELED;
	st->stats.lookups++;
	return st->ops->lookup(st, aor, h, arg);
}

int sip_store_apply(struct sip_store *st, const char *aor,
		    const struct sip_binding_change *c, size_t n,
		    sip_store_done_h *h, void *arg)
{
	int err = store_changes_check(aor, c, n);

	if (err)
		return err;
	if (st->closing)
		return ECANCELED;
	err = st->ops->apply(st, aor, c, n, h, arg);
	if (!err)
		st->stats.applies++;
	return err;
}

int sip_store_put(struct sip_store *st, const struct sip_binding *b,
		  sip_store_done_h *h, void *arg)
{
	struct sip_binding_change c = { SIP_BINDING_PUT, *b };

	return sip_store_apply(st, b->aor, &c, 1, h, arg);
}

int sip_store_del(struct sip_store *st, const char *aor, const char *key,
		  sip_store_done_h *h, void *arg)
{
	struct sip_binding_change c = { .op = SIP_BINDING_DEL };

	c.b.aor = aor;
	c.b.key = key;
	return sip_store_apply(st, aor, &c, 1, h, arg);
}

size_t sip_store_sweep(struct sip_store *st)
{
	if (st->closing)
		return 0;
	return st->ops->sweep(st);
}

int sip_store_user_get(struct sip_store *st, const char *username,
		       const char *domain, sip_store_user_h *h, void *arg)
{
	if (!username || !domain || !h)
		return EINVAL;
	if (st->closing)
		return ECANCELED;
	return st->ops->user_get(st, username, domain, h, arg);
}

int sip_store_user_put(struct sip_store *st, const struct sip_user *u,
		       sip_store_done_h *h, void *arg)
{
	if (!u || !u->username || !u->domain)
		return EINVAL;
	if (st->closing)
		return ECANCELED;
	return st->ops->user_put(st, u, h, arg);
}

int sip_store_user_del(struct sip_store *st, const char *username,
		       const char *domain, sip_store_done_h *h, void *arg)
{
	if (!username || !domain)
		return EINVAL;
	if (st->closing)
		return ECANCELED;
	return st->ops->user_del(st, username, domain, h, arg);
}

int sip_store_list(struct sip_store *st, sip_store_bindings_h *h, void *arg)
{
	if (!h)
		return EINVAL;
	if (st->closing)
		return ECANCELED;
	if (!st->ops->list)
		return ENOTSUP;
	return st->ops->list(st, h, arg);
}

int sip_store_user_list(struct sip_store *st, sip_store_users_h *h, void *arg)
{
	if (!h)
		return EINVAL;
	if (st->closing)
		return ECANCELED;
	return st->ops->user_list(st, h, arg);
}

struct defer_done {
	struct store_call call;   /* first */
	sip_store_done_h *h;
	void *arg;
};

static void run_done(struct store_call *c, int err)
{
	struct defer_done *dd = (struct defer_done *)c;

	dd->h(dd->arg, err);
}

int sip_store_defer(struct sip_store *st, sip_store_done_h *h, void *arg)
{
	struct defer_done *dd;

	if (!h)
		return EINVAL;
	if (st->closing)
		return ECANCELED;
	dd = sip_mem_zalloc(sizeof(*dd), NULL);
	if (!dd)
		return ENOMEM;
	dd->call.run = run_done;
	dd->h = h;
	dd->arg = arg;
	store_defer_push(st->defer, &dd->call);
	return 0;
}

void sip_store_debug(struct sip_buf *b, const struct sip_store *st)
{
	const struct sip_store_stats *s = &st->stats;

	sip_buf_printf(b, "store: backend %s\n", st->ops->name);
	sip_buf_printf(b, "  lookups %llu applies %llu commits %llu rows %llu "
		       "write_errors %llu swept %llu reconnects %llu\n",
		       (unsigned long long)s->lookups,
		       (unsigned long long)s->applies,
		       (unsigned long long)s->commits,
		       (unsigned long long)s->rows,
		       (unsigned long long)s->write_errors,
		       (unsigned long long)s->swept,
		       (unsigned long long)s->reconnects);
	sip_buf_printf(b, "  bindings %llu users %llu\n",
		       (unsigned long long)s->bindings,
		       (unsigned long long)s->users);
	if (st->ops->debug)
		st->ops->debug(b, st);
}
