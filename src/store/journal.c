/*
 * journal.c - the journal of the "sqlite" backend: changes queued on the
 * loop, written to the file (sqlite.c) by one thread with group commit.
 *
 *   loop thread                         writer thread
 *   -----------                         -------------
 *   submit(): append to `open`,
 *     start prepare (+ idle)
 *   prepare (end of the loop turn):
 *     not busy: `open` -> `todo`  ---->  BEGIN IMMEDIATE
 *     busy = true                         every entry of the batch
 *                                         COMMIT (or ROLLBACK: EIO)
 *   async: `done` -> handlers     <----  batch -> `done`, uv_async_send
 *     more in `open`: hand over
 *
 * Every change made during one loop turn lands in one transaction; while
 * the writer is busy, changes keep gathering in `open` and go together
 * as the next transaction, so under load one fsync serves many
 * REGISTERs. A handler runs only after its transaction committed: who
 * answers 200 from it never loses the binding to kill -9.
 *
 * The idle handle started with the prepare handle does nothing but keep
 * libuv from blocking in poll before the prepare callback has run, even
 * when an entry is submitted from a prepare callback running after ours.
 *
 * Entries are allocated and freed on the loop thread only (sip_mem is not
 * thread-safe); the writer reads them and writes their err field, under
 * the hand-over protocol above. The connection is used by the loop
 * thread while opening and closing, by the writer in between.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/mem.h"

#include "store/journal.h"

/* ---- entries (loop thread) ---- */

static struct store_jent *jent_alloc(enum jent_kind kind, size_t extra)
{
	struct store_jent *e = sip_mem_zalloc(sizeof(*e) + extra, NULL);

	if (e)
		e->kind = kind;
	return e;
}

struct store_jent *store_jent_apply(const char *aor,
				    const struct sip_binding_change *c, size_t n)
{
	size_t alen = strlen(aor) + 1, size = n * sizeof(*c) + alen;
	struct store_jent *e;
	char *pool;

	for (size_t i = 0; i < n; i++) {
		struct sip_binding tmp = c[i].b;

		tmp.aor = NULL;
		size += store_binding_strsize(&tmp);
	}
	e = jent_alloc(JE_APPLY, size);
	if (!e)
		return NULL;
	e->n = n;
	e->c = (struct sip_binding_change *)(void *)e->strs;
	pool = (char *)(e->c + n);
	memcpy(pool, aor, alen);
	e->aor = pool;
	pool += alen;
	for (size_t i = 0; i < n; i++) {
		struct sip_binding tmp = c[i].b;

		tmp.aor = NULL;
		e->c[i].op = c[i].op;
		store_binding_copy(&e->c[i].b, &tmp, &pool);
		e->c[i].b.aor = e->aor;
	}
	return e;
}

struct store_jent *store_jent_user_put(const struct sip_user *u)
{
	struct store_jent *e = jent_alloc(JE_USER_PUT, store_user_strsize(u));
	char *pool;

	if (!e)
		return NULL;
	pool = e->strs;
	store_user_copy(&e->u, u, &pool);
	return e;
}

struct store_jent *store_jent_user_del(const char *username, const char *domain)
{
	struct sip_user u = { .username = username, .domain = domain };
	struct store_jent *e = store_jent_user_put(&u);

	if (e)
		e->kind = JE_USER_DEL;
	return e;
}

struct store_jent *store_jent_expire(uint64_t now)
{
	struct store_jent *e = jent_alloc(JE_EXPIRE, 0);

	if (e)
		e->now = now;
	return e;
}


/* ---- the writer thread ---- */

static void writer(void *arg)
{
	struct store_journal *j = arg;
	struct store_jent *batch;
	char errmsg[sizeof(j->errmsg)];
	uint64_t rows;
	int err;

	uv_mutex_lock(&j->lock);
	for (;;) {
		while (!j->todo && !j->stop)
			uv_cond_wait(&j->cond, &j->lock);
		if (!j->todo)
			break;
		batch = j->todo;
		j->todo = NULL;
		uv_mutex_unlock(&j->lock);

		rows = 0;
		err = sqlite_write_batch(j, batch, &rows, errmsg, sizeof(errmsg));

		uv_mutex_lock(&j->lock);
		for (struct store_jent *e = batch; e; e = e->next) {
			e->err = err;
			*j->done_tail = e;
			j->done_tail = &e->next;
		}
		if (err) {
			j->d_errors++;
			memcpy(j->errmsg, errmsg, sizeof(errmsg));
		} else {
			j->d_commits++;
			j->d_rows += rows;
		}
		uv_async_send(&j->async);
	}
	uv_mutex_unlock(&j->lock);
}

/* ---- hand-over and completion (loop thread) ---- */

static void hand_over(struct store_journal *j)
{
	struct store_jent **pp;

	uv_mutex_lock(&j->lock);
	for (pp = &j->todo; *pp; pp = &(*pp)->next)
		;
	*pp = j->open;
	uv_cond_signal(&j->cond);
	uv_mutex_unlock(&j->lock);
	j->open = NULL;
	j->open_tail = &j->open;
	j->nopen = 0;
	if (!j->busy) {
		j->busy = true;
		/* keep the loop running until the batch comes back */
		uv_ref((uv_handle_t *)&j->async);
	}
}

/* Take the finished entries and fold the writer's counters in. */
static struct store_jent *take_done(struct store_journal *j, char *errmsg,
				    size_t errsize)
{
	struct sip_store_stats *s = &j->st->stats;
	struct store_jent *done;
	uint64_t errors;

	uv_mutex_lock(&j->lock);
	done = j->done;
	j->done = NULL;
	j->done_tail = &j->done;
	s->commits += j->d_commits;
	s->rows += j->d_rows;
	errors = j->d_errors;
	s->write_errors += errors;
	j->d_commits = j->d_rows = j->d_errors = 0;
	if (errors)
		snprintf(errmsg, errsize, "%s", j->errmsg);
	else
		errmsg[0] = '\0';
	uv_mutex_unlock(&j->lock);
	return done;
}

static void run_handlers(struct store_jent *e, bool cancel)
{
	struct store_jent *next;

	for (; e; e = next) {
		next = e->next;
		if (e->h)
			e->h(e->arg, cancel ? ECANCELED : e->err);
		sip_mem_deref(e);
	}
}

static void on_async(uv_async_t *h)
{
	struct store_journal *j = h->data;
	char errmsg[sizeof(j->errmsg)];
	struct store_jent *done;

	if (j->closed)
		return;
	done = take_done(j, errmsg, sizeof(errmsg));
	if (!done)
		return;  /* coalesced wake-up */
	j->busy = false;
	if (j->open)
		hand_over(j);
	else
		uv_unref((uv_handle_t *)&j->async);
	if (errmsg[0])
		store_log(j->st, "sqlite: transaction failed: %s", errmsg);
	/* a handler may release the store, and with it this journal */
	sip_mem_ref(j);
	run_handlers(done, false);
	sip_mem_deref(j);
}

static void on_idle(uv_idle_t *h)
{
	/* nothing: being active keeps poll from blocking (see the top) */
}

static void on_prepare(uv_prepare_t *h)
{
	struct store_journal *j = h->data;

	uv_prepare_stop(&j->prepare);
	uv_idle_stop(&j->idle);
	if (!j->busy && j->open)
		hand_over(j);
}

void store_journal_submit(struct store_journal *j, struct store_jent *e,
			  sip_store_done_h *h, void *arg)
{
	e->h = h;
	e->arg = arg;
	e->next = NULL;
	*j->open_tail = e;
	j->open_tail = &e->next;
	j->nopen++;
	if (!j->busy && !uv_is_active((uv_handle_t *)&j->prepare)) {
		uv_prepare_start(&j->prepare, on_prepare);
		uv_idle_start(&j->idle, on_idle);
	}
}


/* ---- life cycle ---- */

static void journal_destroy(void *arg)
{
	struct store_journal *j = arg;

	sqlite_file_close(j);
	if (j->sync_init) {
		uv_cond_destroy(&j->cond);
		uv_mutex_destroy(&j->lock);
	}
}

static int start(struct store_journal *j)
{
	uv_loop_t *loop = j->st->loop;

	if (uv_mutex_init(&j->lock))
		return ENOMEM;
	if (uv_cond_init(&j->cond)) {
		uv_mutex_destroy(&j->lock);
		return ENOMEM;
	}
	j->sync_init = true;
	uv_prepare_init(loop, &j->prepare);
	uv_idle_init(loop, &j->idle);
	uv_async_init(loop, &j->async, on_async);
	j->prepare.data = j->idle.data = j->async.data = j;
	uv_unref((uv_handle_t *)&j->async);
	j->handles = true;
	if (uv_thread_create(&j->thread, writer, j))
		return ENOMEM;
	j->thread_started = true;
	return 0;
}

int store_journal_open(struct store_journal **jp, struct sip_store *st,
		       struct store_mem *mem)
{
	struct store_journal *j = sip_mem_zalloc(sizeof(*j), journal_destroy);
	uint64_t now = sip_store_now(st);
	int err;

	if (!j)
		return ENOMEM;
	j->st = st;
	j->open_tail = &j->open;
	j->done_tail = &j->done;
	err = sqlite_file_open(j, mem, now);
	if (!err)
		err = start(j);
	if (err) {
		store_journal_close(j);
		sip_mem_deref(j);
		return err;
	}
	*jp = j;
	return 0;
}

/* ---- closing ---- */

void store_journal_close(struct store_journal *j)
{
	struct store_jent *left;
	char errmsg[sizeof(j->errmsg)];

	if (j->closed)
		return;
	j->closed = true;
	if (j->thread_started) {
		/* the writer drains `todo` before it looks at `stop` */
		uv_mutex_lock(&j->lock);
		if (j->open) {
			struct store_jent **pp = &j->todo;

			while (*pp)
				pp = &(*pp)->next;
			*pp = j->open;
			j->open = NULL;
			j->open_tail = &j->open;
		}
		j->stop = true;
		uv_cond_signal(&j->cond);
		uv_mutex_unlock(&j->lock);
		uv_thread_join(&j->thread);
		j->thread_started = false;
	}
	left = j->sync_init ? take_done(j, errmsg, sizeof(errmsg)) : NULL;
	if (left && errmsg[0])
		store_log(j->st, "sqlite: transaction failed: %s", errmsg);
	/* never handed over (no writer): dropped unwritten */
	if (j->open) {
		struct store_jent **pp = &left;

		while (*pp)
			pp = &(*pp)->next;
		*pp = j->open;
		j->open = NULL;
	}
	/* the writer is gone: the file can be closed now, not when libuv
	 * has finished closing the handles */
	sqlite_file_close(j);
	run_handlers(left, true);
	if (j->handles) {
		uv_prepare_stop(&j->prepare);
		uv_idle_stop(&j->idle);
		store_uv_close((uv_handle_t *)&j->prepare);
		store_uv_close((uv_handle_t *)&j->idle);
		store_uv_close((uv_handle_t *)&j->async);
	}
}

void store_journal_debug(struct sip_buf *b, const struct store_journal *j)
{
	sip_buf_printf(b, "  sqlite: %s, %zu changes waiting, writer %s\n",
		       j->st->conf.sqlite_path, j->nopen,
		       j->busy ? "busy" : "idle");
}

