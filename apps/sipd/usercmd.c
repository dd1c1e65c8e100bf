/*
 * usercmd.c - `sipd user add NAME PASSWORD [--domain D] | rm NAME
 * [--domain D] | list`, each with -c FILE: the store of the
 * configuration, opened on a private loop for one operation. Only the
 * HA1 hashes (MD5 and SHA-256, RFC 7616 §3.4.2) of the password for the
 * domain's realm are stored.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <uv.h>

#include "sip/auth.h"
#include "sip/mem.h"
#include "sip/store.h"

#include "config.h"
#include "register.h"
#include "usercmd.h"

#define ERR_MAX 512

struct op {
	bool done;
	int err;
	bool found;
	size_t issued, completed;   /* import: puts in flight */
};

static void done_h(void *arg, int err)
{
	struct op *o = arg;

	o->err = err;
	o->done = true;
}

static void get_h(void *arg, int err, const struct sip_user *u)
{
	struct op *o = arg;

	o->found = !err && u;
	o->err = err == ENOENT ? 0 : err;
	o->done = true;
}

static void list_h(void *arg, int err, struct sip_users *us)
{
	struct op *o = arg;

	for (size_t i = 0; !err && i < us->n; i++)
		printf("%s@%s%s%s\n", us->v[i].username, us->v[i].domain,
		       us->v[i].ha1_md5 ? " md5" : "",
		       us->v[i].ha1_sha256 ? " sha-256" : "");
	o->err = err;
	o->done = true;
}

static int wait_op(uv_loop_t *loop, struct op *o)
{
	while (!o->done)
		uv_run(loop, UV_RUN_ONCE);
	return o->err;
}


static int add(struct sip_store *st, uv_loop_t *loop, const struct sipd_config *cfg,
	       const char *name, const char *password, const char *domain)
{
	char md5[SIP_AUTH_HEX_SIZE], sha[SIP_AUTH_HEX_SIZE];
	struct sip_user u = { .username = name, .domain = domain,
			      .ha1_md5 = md5, .ha1_sha256 = sha };
	struct op o = { 0 };
	int err = sipd_user_ha1s(cfg, name, password, domain, md5, sha);

	if (!err)
		err = sip_store_user_put(st, &u, done_h, &o);
	return err ? err : wait_op(loop, &o);
}

int sipd_user_ha1s(const struct sipd_config *cfg, const char *name,
		   const char *password, const char *domain, char *md5, char *sha)
{
	struct sip_pl realm = sip_pl_str(sipd_config_realm(cfg, domain));
	int err = sip_auth_ha1(SIP_AUTH_ALGO_MD5, sip_pl_str(name), realm,
			       sip_pl_str(password), md5);

	if (!err)
		err = sip_auth_ha1(SIP_AUTH_ALGO_SHA256, sip_pl_str(name), realm,
				   sip_pl_str(password), sha);
	return err;
}

static void counted_h(void *arg, int err)
{
	struct op *o = arg;

	if (err && !o->err)
		o->err = err;
	o->completed++;
}

/* One "name;password[;...]" line into a put; other lines are skipped (a
 * header such as SIPp's "SEQUENTIAL"). */
static int import_line(struct sip_store *st, const struct sipd_config *cfg,
		       char *line, const char *domain, struct op *o)
{
	char md5[SIP_AUTH_HEX_SIZE], sha[SIP_AUTH_HEX_SIZE];
	char *name = line, *password, *end;
	struct sip_user u = { .domain = domain, .ha1_md5 = md5, .ha1_sha256 = sha };
	int err;

	password = strchr(line, ';');
	if (!password || password == line)
		return 0;
	*password++ = '\0';
	end = password + strcspn(password, ";\r\n");
	if (end == password)
		return 0;
	*end = '\0';
	if ((err = sipd_user_ha1s(cfg, name, password, domain, md5, sha)))
		return err;
	u.username = name;
	if ((err = sip_store_user_put(st, &u, counted_h, o)))
		return err;
	o->issued++;
	return 0;
}

/* Every user of @p file in one batch: the store commits the puts of one
 * loop turn together, so 100,000 users are one transaction. */
static int import(struct sip_store *st, uv_loop_t *loop, const struct sipd_config *cfg,
		  const char *file, const char *domain, size_t *n)
{
	struct op o = { 0 };
	char line[1024];
	int err = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return errno;
	while (!err && fgets(line, sizeof(line), f))
		err = import_line(st, cfg, line, domain, &o);
	fclose(f);
	while (o.completed < o.issued)
		uv_run(loop, UV_RUN_ONCE);
	*n = o.issued;
	return err ? err : o.err;
}

static int rm(struct sip_store *st, uv_loop_t *loop, const char *name,
	      const char *domain, bool *found)
{
	struct op o = { 0 };
	int err = sip_store_user_get(st, name, domain, get_h, &o);

	if (!err)
		err = wait_op(loop, &o);
	*found = o.found;
	if (err || !o.found)
		return err;
	o.done = false;
	err = sip_store_user_del(st, name, domain, done_h, &o);
	return err ? err : wait_op(loop, &o);
}

static int list(struct sip_store *st, uv_loop_t *loop)
{
	struct op o = { 0 };
	int err = sip_store_user_list(st, list_h, &o);

	return err ? err : wait_op(loop, &o);
}

static int open_store(struct sip_store **stp, uv_loop_t *loop,
		      const struct sipd_config *cfg)
{
	struct sip_store_conf c;

	sipd_register_store_conf(cfg, &c);
	return sip_store_open(stp, loop, &c);
}

/* The action on an open store; returns an exit status. */
static int run(const struct sipd_config *cfg, const char *verb, char **args,
	       const char *domain)
{
	struct sip_store *st = NULL;
	uv_loop_t loop;
	bool found = true;
	size_t n = 0;
	int err, status = SIPD_USER_OK;

	if (uv_loop_init(&loop))
		return SIPD_USER_STORE;
	err = open_store(&st, &loop, cfg);
	if (!err) {
		if (!strcmp(verb, "add"))
			err = add(st, &loop, cfg, args[0], args[1], domain);
		else if (!strcmp(verb, "rm"))
			err = rm(st, &loop, args[0], domain, &found);
		else if (!strcmp(verb, "import"))
			err = import(st, &loop, cfg, args[0], domain, &n);
		else
			err = list(st, &loop);
	}
	if (err) {
		fprintf(stderr, "sipd user %s: store %s: %s\n", verb,
			sipd_store_backend_name(cfg->store.backend), strerror(err));
		status = SIPD_USER_STORE;
	} else if (!strcmp(verb, "import")) {
		printf("imported %zu users into %s\n", n, domain);
	} else if (!found) {
		fprintf(stderr, "sipd user rm: no user %s@%s\n", args[0], domain);
		status = SIPD_USER_NOENT;
	}
	sip_mem_deref(st);
	for (int i = 0; i < 8 && uv_loop_close(&loop); i++)
		uv_run(&loop, UV_RUN_DEFAULT);
	return status;
}

static int usage(void)
{
	fputs("usage: sipd user add NAME PASSWORD [--domain D] -c FILE\n"
	      "       sipd user rm NAME [--domain D] -c FILE\n"
	      "       sipd user import FILE [--domain D] -c FILE   (lines name;password)\n"
	      "       sipd user list -c FILE\n", stderr);
	return SIPD_USER_USAGE;
}

int sipd_usercmd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "domain", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *domain = NULL, *verb;
	struct sipd_config *cfg;
	char err[ERR_MAX];
	char *args[2] = { NULL, NULL };
	int c, need, status, nargs = 0;

	optind = 1;
	argc--;
	argv++;   /* "user" */
	while ((c = getopt_long(argc, argv, "+c:d:", longopts, NULL)) != -1) {
		if (c == 'c')
			path = optarg;
		else if (c == 'd')
			domain = optarg;
		else
			return usage();
	}
	if (optind >= argc)
		return usage();
	verb = argv[optind++];
	need = !strcmp(verb, "add") ? 2 : !strcmp(verb, "rm") ? 1 :
	       !strcmp(verb, "import") ? 1 : !strcmp(verb, "list") ? 0 : -1;
	if (need < 0)
		return usage();
	/* options may follow the verb and its arguments too */
	while (optind < argc) {
		if (argv[optind][0] != '-') {
			if (nargs == need)
				return usage();
			args[nargs++] = argv[optind++];
			continue;
		}
		c = getopt_long(argc, argv, "+c:d:", longopts, NULL);
		if (c == 'c')
			path = optarg;
		else if (c == 'd')
			domain = optarg;
		else
			return usage();
	}
	if (nargs != need || !path)
		return usage();
	if (sipd_config_load(&cfg, path, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return SIPD_USER_USAGE;
	}
	if (!domain)
		domain = cfg->registrar.domain_count ? cfg->registrar.domains[0] :
			 cfg->server.domain_count ? cfg->server.domains[0] : NULL;
	if (!domain && need) {
		fprintf(stderr, "sipd user %s: no --domain, and the configuration "
			"names no domain\n", verb);
		sipd_config_free(cfg);
		return SIPD_USER_USAGE;
	}
	status = run(cfg, verb, args, domain);
	sipd_config_free(cfg);
	return status;
}
