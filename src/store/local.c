/*
 * local.c - the "memory" and "sqlite" backends: the memory index answers
 * every read (on the next loop iteration) and takes every change at
 * once; with "sqlite" each change is also queued to the journal and its
 * handler runs only after the transaction holding it has committed.
 *
 * Order of a change: journal entry allocated, then the index changed
 * (which cannot fail half-way), then the entry queued. So a failed
 * allocation changes nothing, and what the index shows is what the file
 * will hold.
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"

#include "store/store.h"

struct local {
	struct sip_store *st;          /* borrowed: the owner */
	struct store_mem *mem;         /* owned */
	struct store_journal *jr;      /* owned; NULL for "memory" */
	uv_timer_t sweep;              /* data: this object */
	bool timer_open;
};

/* The caller's handler of a deferred answer. */
union lcall_h {
	sip_store_bindings_h *bindings;
	sip_store_user_h *user;
	sip_store_users_h *users;
	sip_store_done_h *done;
};

/* A deferred answer from the index. */
struct lcall {
	struct store_call call;        /* first */
	struct local *l;               /* referenced */
	union lcall_h h;
	void *arg;
	const char *s1, *s2;           /* in s[] */
	char s[];
};

static void local_destroy(void *arg)
{
	struct local *l = arg;

	l->jr = sip_mem_deref(l->jr);
	l->mem = sip_mem_deref(l->mem);
}

static void lcall_destroy(void *arg)
{
	struct lcall *c = arg;

	sip_mem_deref(c->l);
}

static struct lcall *lcall_new(struct local *l, store_call_h *run,
			       const char *s1, const char *s2, void *arg)
{
	size_t n1 = s1 ? strlen(s1) + 1 : 0, n2 = s2 ? strlen(s2) + 1 : 0;
	struct lcall *c = sip_mem_zalloc(sizeof(*c) + n1 + n2, lcall_destroy);

	if (!c)
		return NULL;
	c->call.run = run;
	c->l = sip_mem_ref(l);
	c->arg = arg;
	if (s1) {
		memcpy(c->s, s1, n1);
		c->s1 = c->s;
	}
	if (s2) {
		memcpy(c->s + n1, s2, n2);
		c->s2 = c->s + n1;
	}
	return c;
}

/* A read answered from the index on the next loop iteration by @p run. */
static int read_later(struct sip_store *st, store_call_h *run, const char *s1,
		      const char *s2, union lcall_h h, void *arg)
{
	struct lcall *c = lcall_new(st->be, run, s1, s2, arg);

	if (!c)
		return ENOMEM;
	c->h = h;
	store_defer_push(st->defer, &c->call);
	return 0;
}

static void update_gauges(struct local *l)
{
	l->st->stats.bindings = store_mem_count(l->mem);
	l->st->stats.users = store_mem_users(l->mem);
}

/* ---- reads ---- */

static void run_lookup(struct store_call *call, int err)
{
	struct lcall *c = (struct lcall *)call;
	struct sip_bindings *bs = NULL;

	if (!err)
		err = store_mem_get(c->l->mem, c->s1, sip_store_now(c->l->st), &bs);
	c->h.bindings(c->arg, err, bs);
	sip_mem_deref(bs);
}

static int local_lookup(struct sip_store *st, const char *aor,
			sip_store_bindings_h *h, void *arg)
{
	return read_later(st, run_lookup, aor, NULL,
			  (union lcall_h){ .bindings = h }, arg);
}

static void run_list(struct store_call *call, int err)
{
	struct lcall *c = (struct lcall *)call;
	struct sip_bindings *bs = NULL;

	if (!err)
		err = store_mem_list(c->l->mem, sip_store_now(c->l->st), &bs);
	c->h.bindings(c->arg, err, bs);
	sip_mem_deref(bs);
}

static int local_list(struct sip_store *st, sip_store_bindings_h *h, void *arg)
{
	return read_later(st, run_list, NULL, NULL,
			  (union lcall_h){ .bindings = h }, arg);
}

static void run_user_get(struct store_call *call, int err)
{
	struct lcall *c = (struct lcall *)call;
	struct sip_users *us = NULL;

	if (!err)
		err = store_mem_user_get(c->l->mem, c->s1, c->s2, &us);
	c->h.user(c->arg, err, us ? &us->v[0] : NULL);
	sip_mem_deref(us);
}

static int local_user_get(struct sip_store *st, const char *username,
			  const char *domain, sip_store_user_h *h, void *arg)
{
	return read_later(st, run_user_get, username, domain,
			  (union lcall_h){ .user = h }, arg);
}

static void run_user_list(struct store_call *call, int err)
{
	struct lcall *c = (struct lcall *)call;
	struct sip_users *us = NULL;

	if (!err)
		err = store_mem_user_list(c->l->mem, &us);
	c->h.users(c->arg, err, us);
	sip_mem_deref(us);
}

static int local_user_list(struct sip_store *st, sip_store_users_h *h, void *arg)
{
	return read_later(st, run_user_list, NULL, NULL,
			  (union lcall_h){ .users = h }, arg);
}

/* ---- changes ---- */

static void run_done(struct store_call *call, int err)
{
	struct lcall *c = (struct lcall *)call;

	c->h.done(c->arg, err);
}

/*
 * What a change needs before the index is touched: the journal entry
 * (sqlite) or the deferred completion (memory, when there is a handler).
 */
struct pending {
	struct store_jent *jent;
	struct lcall *done;
};

static int pending_prepare(struct local *l, struct pending *p,
			   struct store_jent *jent, sip_store_done_h *h, void *arg)
{
	p->jent = jent;
	p->done = NULL;
	if (l->jr)
		return jent ? 0 : ENOMEM;
	sip_mem_deref(jent);
	p->jent = NULL;
	if (!h)
		return 0;
	p->done = lcall_new(l, run_done, NULL, NULL, arg);
	if (!p->done)
		return ENOMEM;
	p->done->h.done = h;
	return 0;
}

static void pending_cancel(struct pending *p)
{
	sip_mem_deref(p->jent);
	sip_mem_deref(p->done);
}

static void pending_commit(struct local *l, struct pending *p,
			   sip_store_done_h *h, void *arg)
{
	update_gauges(l);
	if (p->jent)
		store_journal_submit(l->jr, p->jent, h, arg);
	else if (p->done)
		store_defer_push(l->st->defer, &p->done->call);
}

static int local_apply(struct sip_store *st, const char *aor,
		       const struct sip_binding_change *c, size_t n,
		       sip_store_done_h *h, void *arg)
{
	struct local *l = st->be;
	struct pending p;
	int err;

	err = pending_prepare(l, &p, l->jr ? store_jent_apply(aor, c, n) : NULL,
			      h, arg);
	if (!err)
		err = store_mem_apply(l->mem, aor, c, n);
	if (err) {
		pending_cancel(&p);
		return err;
	}
	pending_commit(l, &p, h, arg);
	return 0;
}

static int local_user_put(struct sip_store *st, const struct sip_user *u,
			  sip_store_done_h *h, void *arg)
{
	struct local *l = st->be;
	struct pending p;
	int err;

	err = pending_prepare(l, &p, l->jr ? store_jent_user_put(u) : NULL, h, arg);
	if (!err)
		err = store_mem_user_put(l->mem, u);
	if (err) {
		pending_cancel(&p);
		return err;
	}
	pending_commit(l, &p, h, arg);
	return 0;
}

static int local_user_del(struct sip_store *st, const char *username,
			  const char *domain, sip_store_done_h *h, void *arg)
{
	struct local *l = st->be;
	struct pending p;
	int err;

	err = pending_prepare(l, &p,
			      l->jr ? store_jent_user_del(username, domain) : NULL,
			      h, arg);
	if (err) {
		pending_cancel(&p);
		return err;
	}
	store_mem_user_del(l->mem, username, domain);
	pending_commit(l, &p, h, arg);
	return 0;
}

/* ---- expiry ---- */

static size_t local_sweep(struct sip_store *st)
{
	struct local *l = st->be;
	uint64_t now = sip_store_now(st);
	size_t n = store_mem_sweep(l->mem, now);
	struct store_jent *e;

	st->stats.swept += n;
	update_gauges(l);
	/* the file forgets them in the next transaction; if this allocation
	 * fails they stay there, harmless: loading skips expired rows */
	if (n && l->jr) {
		e = store_jent_expire(now);
		if (e)
			store_journal_submit(l->jr, e, NULL, NULL);
	}
	return n;
}

static void on_sweep(uv_timer_t *t)
{
	struct local *l = t->data;

	local_sweep(l->st);
}

/* ---- life cycle ---- */

static int local_open(struct sip_store *st, bool sqlite)
{
	struct local *l = sip_mem_zalloc(sizeof(*l), local_destroy);
	int err;

	if (!l)
		return ENOMEM;
	l->st = st;
	err = store_mem_alloc(&l->mem, sip_store_now(st));
	if (!err && sqlite)
		err = store_journal_open(&l->jr, st, l->mem);
	if (err) {
		sip_mem_deref(l);
		return err;
	}
	uv_timer_init(st->loop, &l->sweep);
	l->sweep.data = l;
	l->timer_open = true;
	uv_timer_start(&l->sweep, on_sweep, st->conf.sweep_ms, st->conf.sweep_ms);
	/* sweeping alone must not keep the loop running */
	uv_unref((uv_handle_t *)&l->sweep);
	st->be = l;
	update_gauges(l);
	return 0;
}

static int memory_open(struct sip_store *st)
{
	return local_open(st, false);
}

static int sqlite_open(struct sip_store *st)
{
	return local_open(st, true);
}

static void local_close(struct sip_store *st)
{
	struct local *l = st->be;

	if (l->timer_open) {
		uv_timer_stop(&l->sweep);
		store_uv_close((uv_handle_t *)&l->sweep);
	}
	if (l->jr)
		store_journal_close(l->jr);
	st->be = NULL;
	sip_mem_deref(l);
}

static void local_debug(struct sip_buf *b, const struct sip_store *st)
{
	const struct local *l = st->be;

	if (!l)
		return;
	sip_buf_printf(b, "  index: %zu bindings in %zu AORs, %zu users\n",
		       store_mem_count(l->mem), store_mem_aors(l->mem),
		       store_mem_users(l->mem));
	if (l->jr)
		store_journal_debug(b, l->jr);
}

const struct store_ops store_memory_ops = {
	.name = "memory",
	.open = memory_open,
	.close = local_close,
	.lookup = local_lookup,
	.apply = local_apply,
	.user_get = local_user_get,
	.user_put = local_user_put,
	.user_del = local_user_del,
	.user_list = local_user_list,
	.list = local_list,
	.sweep = local_sweep,
	.debug = local_debug,
};

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = local_close,
	.lookup = local_lookup,
	.apply = local_apply,
	.user_get = local_user_get,
	.user_put = local_user_put,
	.user_del = local_user_del,
	.user_list = local_user_list,
	.list = local_list,
	.sweep = local_sweep,
	.debug = local_debug,
};
