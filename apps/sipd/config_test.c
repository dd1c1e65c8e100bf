/*
 * config_test.c - the configuration loader: defaults, every key, the
 * example file, and the exact "FILE:LINE: message" of each kind of mistake.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "config.h"
#include "schema.h"
#include "yamldoc.h"

static struct sipd_config *parse_ok(const char *text)
{
	struct sipd_config *cfg = NULL;
	char err[256] = "";
	int e;

	e = sipd_config_parse(&cfg, "t.yaml", text, strlen(text), err,
			      sizeof(err));
	if (e)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(e, 0);
	assert_non_null(cfg);
	return cfg;
}

/* Parse @p text as t.yaml and expect exactly the message @p want. */
static void expect_error(const char *text, const char *want)
{
	struct sipd_config *cfg = NULL;
	char err[256] = "";

	assert_int_equal(sipd_config_parse(&cfg, "t.yaml", text, strlen(text),
					   err, sizeof(err)), EINVAL);
	assert_null(cfg);
	assert_string_equal(err, want);
}

static void assert_defaults(const struct sipd_config *cfg)
{
	assert_string_equal(cfg->server.name, "sipd");
	assert_int_equal(cfg->server.domain_count, 0);
	assert_int_equal(cfg->log.level, SIPD_LOG_INFO);
	assert_int_equal(cfg->log.format, SIPD_LOG_TEXT);
	assert_false(cfg->trace.enabled);
	assert_int_equal(cfg->trace.ring_size, 10000);
	assert_int_equal(cfg->listen_count, 2);
	assert_int_equal(cfg->listen[0].transport, SIPD_TRANSPORT_UDP);
	assert_int_equal(cfg->listen[1].transport, SIPD_TRANSPORT_TCP);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(cfg->listen[i].address, "127.0.0.1");
		assert_int_equal(cfg->listen[i].port, 5060);
		assert_int_equal(cfg->listen[i].family, AF_INET);
	}
	assert_int_equal(cfg->transaction.t1_ms, 500);
	assert_int_equal(cfg->transaction.t2_ms, 4000);
	assert_int_equal(cfg->transaction.t4_ms, 5000);
	assert_int_equal(cfg->limits.max_message_size, 65535);
	assert_int_equal(cfg->limits.tcp_max_connections, 1024);
	assert_int_equal(cfg->limits.tcp_max_per_peer, 64);
	assert_int_equal(cfg->limits.tcp_idle_timeout_s, 120);
	assert_int_equal(cfg->store.backend, SIPD_STORE_SQLITE);
	assert_string_equal(cfg->store.path, "var/sipd.db");
	assert_string_equal(cfg->store.redis.host, "127.0.0.1");
	assert_int_equal(cfg->store.redis.port, 6379);
	assert_int_equal(cfg->store.redis.db, 0);
	assert_string_equal(cfg->store.redis.prefix, "sipd:");
	assert_false(cfg->registrar.enabled);
	assert_int_equal(cfg->registrar.domain_count, 0);
	assert_int_equal(cfg->registrar.default_expires, 3600);
	assert_int_equal(cfg->registrar.min_expires, 60);
	assert_int_equal(cfg->registrar.max_expires, 7200);
	assert_int_equal(cfg->registrar.max_contacts, 10);
	assert_false(cfg->registrar.allow_third_party);
	assert_true(cfg->auth.register_);
	assert_null(cfg->auth.realm);
	assert_int_equal(cfg->auth.nonce_lifetime_s, 300);
	assert_int_equal(cfg->auth.algorithm_count, 2);
	assert_int_equal(cfg->auth.algorithms[0], SIPD_AUTH_SHA256);
	assert_int_equal(cfg->auth.algorithms[1], SIPD_AUTH_MD5);
	assert_int_equal(cfg->user_count, 0);
}

static void test_defaults(void **state)
{
	static const char *const texts[] = {
		"{}\n",
		"server:\nlog:\ntrace: ~\nlisten:\ntransaction: null\n"
		"limits:\n",
		"# only one key\nlog: { level: info }\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct sipd_config *cfg = parse_ok(texts[i]);

		assert_defaults(cfg);
		sipd_config_free(cfg);
	}
}

static void test_every_key(void **state)
{
	static const char text[] =
		"server:\n"
		"  name: edge-1\n"
		"  domains: [example.com, Sip.Example.ORG., 192.0.2.1, '2001:db8::1']\n"
		"log:\n"
		"  level: debug\n"
		"  format: json\n"
		"trace:\n"
		"  enabled: true\n"
		"  ring_size: 16\n"
		"listen:\n"
		"  - transport: udp\n"
		"    address: 0.0.0.0\n"
		"    port: 1\n"
		"  - transport: tcp\n"
		"    address: '::'\n"
		"    port: 65535\n"
		"  - { transport: tls, address: 2001:db8::7 }\n"
		"transaction:\n"
		"  t1_ms: 50\n"
		"  t2_ms: 60000\n"
		"  t4_ms: 500\n"
		"limits:\n"
		"  max_message_size: 1024\n"
		"  tcp_max_connections: 100000\n"
		"  tcp_max_per_peer: 10000\n"
		"  tcp_idle_timeout_s: 86400\n";
	struct sipd_config *cfg;

	(void)state;
	cfg = parse_ok(text);
	assert_string_equal(cfg->server.name, "edge-1");
	assert_int_equal(cfg->server.domain_count, 4);
	assert_string_equal(cfg->server.domains[0], "example.com");
	assert_string_equal(cfg->server.domains[1], "Sip.Example.ORG.");
	assert_string_equal(cfg->server.domains[2], "192.0.2.1");
	assert_string_equal(cfg->server.domains[3], "2001:db8::1");
	assert_int_equal(cfg->log.level, SIPD_LOG_DEBUG);
	assert_int_equal(cfg->log.format, SIPD_LOG_JSON);
	assert_true(cfg->trace.enabled);
	assert_int_equal(cfg->trace.ring_size, 16);
	assert_int_equal(cfg->listen_count, 3);
	assert_int_equal(cfg->listen[0].transport, SIPD_TRANSPORT_UDP);
	assert_string_equal(cfg->listen[0].address, "0.0.0.0");
	assert_int_equal(cfg->listen[0].port, 1);
	assert_int_equal(cfg->listen[0].family, AF_INET);
	assert_int_equal(cfg->listen[1].transport, SIPD_TRANSPORT_TCP);
	assert_string_equal(cfg->listen[1].address, "::");
	assert_int_equal(cfg->listen[1].port, 65535);
	assert_int_equal(cfg->listen[1].family, AF_INET6);
	assert_int_equal(cfg->listen[2].transport, SIPD_TRANSPORT_TLS);
	assert_string_equal(cfg->listen[2].address, "2001:db8::7");
	assert_int_equal(cfg->listen[2].port, 5061);
	assert_int_equal(cfg->transaction.t1_ms, 50);
	assert_int_equal(cfg->transaction.t2_ms, 60000);
	assert_int_equal(cfg->transaction.t4_ms, 500);
	assert_int_equal(cfg->limits.max_message_size, 1024);
	assert_int_equal(cfg->limits.tcp_max_connections, 100000);
	assert_int_equal(cfg->limits.tcp_max_per_peer, 10000);
	assert_int_equal(cfg->limits.tcp_idle_timeout_s, 86400);
	sipd_config_free(cfg);
}

static void test_values(void **state)
{
	struct sipd_config *cfg;

	(void)state;
	/* Booleans and enums in their accepted spellings. */
	cfg = parse_ok("trace: { enabled: TRUE }\nlog: { level: \"error\" }\n");
	assert_true(cfg->trace.enabled);
	assert_int_equal(cfg->log.level, SIPD_LOG_ERROR);
	sipd_config_free(cfg);
	cfg = parse_ok("trace: { enabled: False, ring_size: +1000000 }\n"
		       "log: { level: warning }\n");
	assert_false(cfg->trace.enabled);
	assert_int_equal(cfg->trace.ring_size, 1000000);
	assert_int_equal(cfg->log.level, SIPD_LOG_WARNING);
	sipd_config_free(cfg);
	/* Anchors and aliases resolve. */
	cfg = parse_ok("listen:\n"
		       "  - &a { transport: udp, address: 10.0.0.1 }\n"
		       "  - { transport: tcp, address: 10.0.0.1 }\n"
		       "server: { name: &n x, domains: [*n] }\n");
	assert_int_equal(cfg->listen_count, 2);
	assert_string_equal(cfg->server.domains[0], "x");
	sipd_config_free(cfg);
	/* Same address and port on different transports is fine. */
	cfg = parse_ok("listen:\n"
		       "  - { transport: tcp, address: '::1', port: 5061 }\n"
		       "  - { transport: tls, address: '::1' }\n"
		       "  - { transport: tcp, address: '::1' }\n");
	assert_int_equal(cfg->listen[1].port, 5061);
	assert_int_equal(cfg->listen[2].port, 5060);
	sipd_config_free(cfg);
	/* log.level notice, the one name not used above; T1 == T2 is fine */
	cfg = parse_ok("log:\n  level: notice\n"
		       "transaction: { t1_ms: 500, t2_ms: 500 }\n");
	assert_int_equal(cfg->log.level, SIPD_LOG_NOTICE);
	assert_int_equal(cfg->transaction.t2_ms, 500);
	sipd_config_free(cfg);
}

static void test_example_file(void **state)
{
	struct sipd_config *cfg = NULL;
	char err[256] = "";
	int e;

	(void)state;
	e = sipd_config_load(&cfg, SIPD_SOURCE_DIR "/etc/sipd.yaml", err,
			     sizeof(err));
	if (e)
		print_error("%s\n", err);
	assert_int_equal(e, 0);
	assert_int_equal(cfg->listen_count, 4);
	assert_int_equal(cfg->listen[0].transport, SIPD_TRANSPORT_UDP);
	assert_int_equal(cfg->listen[1].transport, SIPD_TRANSPORT_TCP);
	assert_int_equal(cfg->listen[2].family, AF_INET6);
	assert_string_equal(cfg->listen[3].address, "::1");
	for (size_t i = 0; i < cfg->listen_count; i++)
		assert_int_equal(cfg->listen[i].port, 5060);
	assert_int_equal(cfg->server.domain_count, 3);
	sipd_config_free(cfg);
}

static void test_load_errors(void **state)
{
	struct sipd_config *cfg = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(sipd_config_load(&cfg, "/nonexistent/sipd.yaml", err,
					  sizeof(err)), ENOENT);
	assert_null(cfg);
	assert_string_equal(err, "/nonexistent/sipd.yaml: "
			    "No such file or directory");
	/* A short buffer truncates; no buffer at all is allowed. */
	assert_int_equal(sipd_config_parse(&cfg, "t.yaml", "log: 1\n", 7,
					   err, 8), EINVAL);
	assert_string_equal(err, "t.yaml:");
	assert_int_equal(sipd_config_parse(&cfg, "t.yaml", "log: 1\n", 7,
					   NULL, 0), EINVAL);
	assert_null(cfg);
}

static void test_err_unknown_key(void **state)
{
	(void)state;
	expect_error("listen:\n"
		     "  - transport: udp\n"
		     "    address: 127.0.0.1\n"
		     "    transprt: tcp\n",
		     "t.yaml:4: unknown key 'transprt' in listen[0]");
	expect_error("log:\n  level: info\nlsiten: []\n",
		     "t.yaml:3: unknown key 'lsiten' at top level");
	expect_error("server:\n  names: x\n",
		     "t.yaml:2: unknown key 'names' in server");
}

static void test_err_enum(void **state)
{
	(void)state;
	expect_error("\n\n\n\n\nlog:\n  level: verbose\n",
		     "t.yaml:7: log.level must be one of debug, info, notice, "
		     "warning, error");
	expect_error("log: { format: xml }\n",
		     "t.yaml:1: log.format must be one of text, json");
	expect_error("listen:\n  - transport: UDP\n    address: ::1\n",
		     "t.yaml:2: listen[0].transport must be one of udp, tcp, "
		     "tls");
	expect_error("log:\n  level: [debug]\n",
		     "t.yaml:2: log.level must be one of debug, info, notice, "
		     "warning, error");
}

static void test_err_range(void **state)
{
	(void)state;
	expect_error("listen:\n"
		     "  - { transport: udp, address: 127.0.0.1 }\n"
		     "  - transport: tcp\n"
		     "    address: 127.0.0.1\n"
		     "    port: 70000\n",
		     "t.yaml:5: listen[1].port: 70000 is out of range 1-65535");
	expect_error("listen:\n  - { transport: udp, address: '::1', port: 0 }\n",
		     "t.yaml:2: listen[0].port: 0 is out of range 1-65535");
	expect_error("trace:\n  ring_size: 15\n",
		     "t.yaml:2: trace.ring_size: 15 is out of range 16-1000000");
	expect_error("limits:\n  max_message_size: -1\n",
		     "t.yaml:2: limits.max_message_size: -1 is out of range "
		     "1024-65535");
	expect_error("limits:\n  tcp_idle_timeout_s: 99999999999999999999999\n",
		     "t.yaml:2: limits.tcp_idle_timeout_s: "
		     "99999999999999999999999 is out of range 1-86400");
	expect_error("transaction: { t2_ms: 499 }\n",
		     "t.yaml:1: transaction.t2_ms: 499 is out of range "
		     "500-60000");
}

static void test_err_address(void **state)
{
	(void)state;
	expect_error("listen:\n  - transport: udp\n    address: foo\n",
		     "t.yaml:3: listen[0].address: invalid IP address 'foo'");
	expect_error("listen:\n  - transport: udp\n    address: '[::1]'\n",
		     "t.yaml:3: listen[0].address: invalid IP address '[::1]'");
	expect_error("listen:\n  - transport: udp\n    address: 10.0.0.256\n",
		     "t.yaml:3: listen[0].address: invalid IP address "
		     "'10.0.0.256'");
	expect_error("server:\n  domains:\n    - ok.example\n    - bad_host\n",
		     "t.yaml:4: server.domains[1]: invalid host name "
		     "'bad_host'");
	expect_error("server:\n  domains: [-x.example]\n",
		     "t.yaml:2: server.domains[0]: invalid host name "
		     "'-x.example'");
	expect_error("server:\n  domains: [1.2.3.999]\n",
		     "t.yaml:2: server.domains[0]: invalid host name "
		     "'1.2.3.999'");
}

static void test_err_duplicate_key(void **state)
{
	(void)state;
	expect_error("log:\n  level: info\n  format: text\n  level: debug\n",
		     "t.yaml:4: duplicate key 'level' in log (first at line 2)");
	expect_error("log: {}\ntrace: {}\nlog: {}\n",
		     "t.yaml:3: duplicate key 'log' at top level "
		     "(first at line 1)");
}

static void test_err_type(void **state)
{
	(void)state;
	expect_error("log:\n  - level: info\n",
		     "t.yaml:2: log must be a map, not a list");
	expect_error("listen:\n  transport: udp\n  address: ::1\n",
		     "t.yaml:2: listen must be a list, not a map");
	expect_error("listen:\n  - udp\n",
		     "t.yaml:2: listen[0] must be a map, not 'udp'");
	expect_error("server: sipd\n",
		     "t.yaml:1: server must be a map, not 'sipd'");
	expect_error("server:\n  name: [a, b]\n",
		     "t.yaml:2: server.name must be a string, not a list");
	expect_error("listen:\n  - { transport: udp, address: 127.0.0.1, "
		     "port: fivethousand }\n",
		     "t.yaml:2: listen[0].port must be an integer, not "
		     "'fivethousand'");
	expect_error("listen:\n  - { transport: udp, address: 127.0.0.1, "
		     "port: \"5060\" }\n",
		     "t.yaml:2: listen[0].port must be an integer, not a quoted "
		     "string");
	expect_error("trace:\n  ring_size: 1e4\n",
		     "t.yaml:2: trace.ring_size must be an integer, not '1e4'");
	expect_error("trace:\n  enabled: yes\n",
		     "t.yaml:2: trace.enabled must be true or false, not 'yes'");
	expect_error("trace:\n  enabled: 'true'\n",
		     "t.yaml:2: trace.enabled must be true or false, not a "
		     "quoted string");
	expect_error("server:\n  domains: example.com\n",
		     "t.yaml:2: server.domains must be a list, not "
		     "'example.com'");
	expect_error("- log\n- trace\n",
		     "t.yaml:1: the top level must be a map of sections, not a "
		     "list");
	expect_error("just text\n",
		     "t.yaml:1: the top level must be a map of sections, not a "
		     "single value");
	expect_error("log:\n  ? [a]\n  : b\n",
		     "t.yaml:2: a key in log must be a name, not a list");
}

static void test_err_missing(void **state)
{
	(void)state;
	/* Reported at the line of the entry that lacks the key. */
	expect_error("listen:\n"
		     "  - transport: udp\n"
		     "    address: 127.0.0.1\n"
		     "  - port: 5070\n"
		     "    transport: udp\n",
		     "t.yaml:4: missing required key 'address' in listen[1]");
	expect_error("listen:\n  - address: 127.0.0.1\n",
		     "t.yaml:2: missing required key 'transport' in listen[0]");
	expect_error("listen:\n  - transport: udp\n    address:\n",
		     "t.yaml:3: listen[0].address has no value");
	expect_error("listen:\n  - transport: udp\n    address: ::1\n  -\n",
		     "t.yaml:4: listen[1] has no value");
	expect_error("server:\n  name: ''\n",
		     "t.yaml:2: server.name must not be empty");
	expect_error("listen: []\n",
		     "t.yaml:1: listen must have at least 1 entry");
}

static void test_err_syntax(void **state)
{
	(void)state;
	expect_error("log:\n  level: info\n format: text\n",
		     "t.yaml:3: YAML syntax error: did not find expected key "
		     "(while parsing a block mapping at line 1)");
	expect_error("log:\n  level: info: debug\n",
		     "t.yaml:2: YAML syntax error: mapping values are not "
		     "allowed in this context");
	expect_error("log:\n\tlevel: info\n",
		     "t.yaml:2: YAML syntax error: found character that cannot "
		     "start any token (while scanning for the next token at "
		     "line 2)");
	expect_error("listen: [ { transport: udp }\n",
		     "t.yaml:2: YAML syntax error: did not find expected ',' or "
		     "']' (while parsing a flow sequence at line 1)");
	expect_error("log:\n  level: *nope\n",
		     "t.yaml:2: YAML syntax error: found undefined alias");
	expect_error("log: {}\n# bad byte below\nx: \"\xff\"\n",
		     "t.yaml:3: YAML syntax error: invalid leading UTF-8 octet");
}

static void test_err_empty(void **state)
{
	(void)state;
	expect_error("", "t.yaml:1: empty configuration");
	expect_error("# nothing but comments\n\n# here\n",
		     "t.yaml:1: empty configuration");
	expect_error("---\n", "t.yaml:1: empty configuration");
	expect_error("# empty\n---\n...\n", "t.yaml:1: empty configuration");
	expect_error("log: {}\n---\ntrace: {}\n",
		     "t.yaml:2: only one YAML document is allowed");
}

static void test_err_duplicate_listen(void **state)
{
	(void)state;
	expect_error("listen:\n"
		     "  - { transport: udp, address: 127.0.0.1 }\n"
		     "  - { transport: tcp, address: 127.0.0.1 }\n"
		     "  - transport: udp\n"
		     "    address: 127.0.0.1\n"
		     "    port: 5060\n",
		     "t.yaml:4: listen[2] repeats listen[0] "
		     "(udp 127.0.0.1 port 5060)");
	/* The same IPv6 address spelled two ways. */
	expect_error("listen:\n"
		     "  - { transport: tls, address: '::1' }\n"
		     "  - { transport: tls, address: '0:0::1', port: 5061 }\n",
		     "t.yaml:3: listen[1] repeats listen[0] "
		     "(tls 0:0::1 port 5061)");
	expect_error("server:\n  domains:\n    - example.com\n"
		     "    - EXAMPLE.com.\n",
		     "t.yaml:4: server.domains[1] repeats server.domains[0] "
		     "'example.com'");
}

static void test_err_timers(void **state)
{
	(void)state;
	expect_error("transaction:\n  t1_ms: 5000\n  t2_ms: 4000\n",
		     "t.yaml:2: transaction.t1_ms (5000) must not be greater "
		     "than transaction.t2_ms (4000)");
	/* Against the default T2. */
	expect_error("transaction:\n\n  t1_ms: 4001\n",
		     "t.yaml:3: transaction.t1_ms (4001) must not be greater "
		     "than transaction.t2_ms (4000)");
	/* T1's line is blamed, wherever it sits in the map. */
	expect_error("transaction:\n  t4_ms: 600\n  t2_ms: 500\n"
		     "  t1_ms: 501\n",
		     "t.yaml:4: transaction.t1_ms (501) must not be greater "
		     "than transaction.t2_ms (500)");
}

/* The engine on a table of its own: what a new section looks like. */
struct extra {
	char *host;
	unsigned n;
	char **tags;
	size_t tag_count;
};

static const struct sipd_schema_key tag_entry = {
	.type = SIPD_SCHEMA_STRING,
};

static const struct sipd_schema_key extra_keys[] = {
	{ .name = "host", .type = SIPD_SCHEMA_HOST,
	  .offset = offsetof(struct extra, host), .required = true },
	{ .name = "n", .type = SIPD_SCHEMA_INT,
	  .offset = offsetof(struct extra, n), .min = 0, .max = 9, .def = "3" },
	{ .name = "tags", .type = SIPD_SCHEMA_LIST,
	  .offset = offsetof(struct extra, tags),
	  .count_offset = offsetof(struct extra, tag_count),
	  .elem = &tag_entry, .max = 2, .def = "[a, b]" },
	{ .name = NULL },
};

static const struct sipd_schema_map extra_map = {
	.size = sizeof(struct extra),
	.keys = extra_keys,
};

static int fill_extra(const char *text, struct extra *x, char *err,
		      size_t errlen)
{
	struct sipd_schema_ctx ctx = {
		.name = "x.yaml", .err = err, .errlen = errlen,
	};
	yaml_document_t doc;
	int e;

	memset(x, 0, sizeof(*x));
	e = sipd_yaml_load(&doc, "x.yaml", text, strlen(text), err, errlen);
	if (e)
		return e;
	ctx.doc = &doc;
	e = sipd_schema_fill(&ctx, &extra_map, x);
	yaml_document_delete(&doc);
	return e;
}

static void test_registrar_keys(void **state)
{
	struct sipd_config *cfg;

	(void)state;
	cfg = parse_ok("server: { domains: [ example.org ] }\n"
		       "store:\n  backend: redis\n  path: /tmp/x.db\n"
		       "  redis: { host: 127.0.0.2, port: 6380, db: 3, prefix: 't:' }\n"
		       "registrar:\n  enabled: true\n  domains: [ a.test, b.test ]\n"
		       "  default_expires: 600\n  min_expires: 30\n"
		       "  max_expires: 900\n  max_contacts: 4\n"
		       "  allow_third_party: true\n"
		       "auth: { register: false, realm: corp, nonce_lifetime_s: 60,"
		       " algorithms: [ md5 ] }\n"
		       "users:\n  - { name: alice, password: secret }\n"
		       "  - { name: bob, ha1_md5: 0123456789abcdef0123456789ABCDEF,"
		       " domain: b.test }\n");
	assert_int_equal(cfg->store.backend, SIPD_STORE_REDIS);
	assert_string_equal(sipd_store_backend_name(cfg->store.backend), "redis");
	assert_string_equal(cfg->store.path, "/tmp/x.db");
	assert_string_equal(cfg->store.redis.host, "127.0.0.2");
	assert_int_equal(cfg->store.redis.port, 6380);
	assert_int_equal(cfg->store.redis.db, 3);
	assert_string_equal(cfg->store.redis.prefix, "t:");
	assert_true(cfg->registrar.enabled);
	assert_int_equal(cfg->registrar.domain_count, 2);
	assert_string_equal(cfg->registrar.domains[1], "b.test");
	assert_int_equal(cfg->registrar.default_expires, 600);
	assert_int_equal(cfg->registrar.min_expires, 30);
	assert_int_equal(cfg->registrar.max_expires, 900);
	assert_int_equal(cfg->registrar.max_contacts, 4);
	assert_true(cfg->registrar.allow_third_party);
	assert_false(cfg->auth.register_);
	assert_string_equal(sipd_config_realm(cfg, "a.test"), "corp");
	assert_int_equal(cfg->auth.nonce_lifetime_s, 60);
	assert_int_equal(cfg->auth.algorithm_count, 1);
	assert_int_equal(cfg->auth.algorithms[0], SIPD_AUTH_MD5);
	assert_int_equal(cfg->user_count, 2);
	/* no domain: the first registrar domain */
	assert_string_equal(cfg->users[0].name, "alice");
	assert_string_equal(cfg->users[0].password, "secret");
	assert_string_equal(cfg->users[0].domain, "a.test");
	assert_null(cfg->users[1].password);
	assert_string_equal(cfg->users[1].domain, "b.test");
	sipd_config_free(cfg);

	/* without registrar.domains, users take the first server domain */
	cfg = parse_ok("server: { domains: [ example.org ] }\n"
		       "users: [ { name: carol, password: x } ]\n");
	assert_string_equal(cfg->users[0].domain, "example.org");
	assert_string_equal(sipd_config_realm(cfg, "example.org"), "example.org");
	sipd_config_free(cfg);
}

static void test_err_registrar(void **state)
{
	(void)state;
	expect_error("registrar:\n  min_expires: 900\n  max_expires: 60\n",
		     "t.yaml:2: registrar.min_expires (900) must not be greater "
		     "than registrar.max_expires (60)");
	expect_error("registrar:\n  default_expires: 10\n",
		     "t.yaml:2: registrar.default_expires (10) must lie within "
		     "min_expires (60) and max_expires (7200)");
	expect_error("store: { backend: mysql }\n",
		     "t.yaml:1: store.backend must be one of sqlite, memory, "
		     "redis");
	expect_error("auth:\n  algorithms:\n    - md5\n    - md5\n",
		     "t.yaml:4: auth.algorithms[1] repeats 'md5'");
}

static void test_proxy_keys(void **state)
{
	struct sipd_config *cfg;

	(void)state;
	cfg = parse_ok("proxy: { enabled: true }\n");
	assert_true(cfg->proxy.enabled);
	assert_true(cfg->proxy.record_route);
	assert_int_equal(cfg->proxy.timer_c_ms, 180000);
	assert_int_equal(cfg->proxy.fork, SIPD_FORK_PARALLEL);
	assert_int_equal(cfg->proxy.branch_timeout_ms, 0);
	assert_int_equal(cfg->proxy.auth, SIPD_PROXY_AUTH_AUTO);
	assert_false(cfg->proxy.stateless);
	assert_int_equal(cfg->proxy.redirect_domain_count, 0);
	assert_int_equal(cfg->proxy.redirect_code, 302);
	assert_int_equal(cfg->proxy.call_timeout_s, 7200);
	sipd_config_free(cfg);
	cfg = parse_ok("proxy:\n  enabled: true\n  record_route: false\n"
		       "  timer_c_ms: 5000\n  fork: sequential\n"
		       "  branch_timeout_ms: 2000\n  auth: off\n  stateless: true\n"
		       "  redirect_domains: [ r.test, s.test ]\n"
		       "  redirect_code: 301\n  call_timeout_s: 60\n");
	assert_false(cfg->proxy.record_route);
	assert_int_equal(cfg->proxy.timer_c_ms, 5000);
	assert_int_equal(cfg->proxy.fork, SIPD_FORK_SEQUENTIAL);
	assert_int_equal(cfg->proxy.branch_timeout_ms, 2000);
	assert_int_equal(cfg->proxy.auth, SIPD_PROXY_AUTH_OFF);
	assert_true(cfg->proxy.stateless);
	assert_int_equal(cfg->proxy.redirect_domain_count, 2);
	assert_string_equal(cfg->proxy.redirect_domains[1], "s.test");
	assert_int_equal(cfg->proxy.redirect_code, 301);
	assert_int_equal(cfg->proxy.call_timeout_s, 60);
	sipd_config_free(cfg);
}

static void test_err_proxy(void **state)
{
	(void)state;
	expect_error("proxy:\n  timer_c_ms: 1000\n  branch_timeout_ms: 2000\n",
		     "t.yaml:3: proxy.branch_timeout_ms (2000) must not be greater "
		     "than proxy.timer_c_ms (1000)");
	expect_error("proxy:\n  redirect_domains:\n    - a.test\n    - A.test\n",
		     "t.yaml:4: proxy.redirect_domains[1] repeats "
		     "proxy.redirect_domains[0] 'a.test'");
	expect_error("proxy:\n  fork: random\n",
		     "t.yaml:2: proxy.fork must be one of parallel, sequential");
	expect_error("proxy:\n  redirect_code: 303\n",
		     "t.yaml:2: proxy.redirect_code: 303 is out of range 301-302");
}

static void test_err_users(void **state)
{
	(void)state;
	expect_error("server: { domains: [ d.test ] }\nusers:\n"
		     "  - name: alice\n",
		     "t.yaml:3: users[0] needs password, or ha1_md5 and/or "
		     "ha1_sha256");
	expect_error("server: { domains: [ d.test ] }\nusers:\n"
		     "  - name: alice\n    password: x\n    ha1_md5: "
		     "0123456789abcdef0123456789abcdef\n",
		     "t.yaml:4: users[0]: give password or HA1 hashes, not both");
	expect_error("server: { domains: [ d.test ] }\nusers:\n"
		     "  - name: alice\n    ha1_sha256: abc\n",
		     "t.yaml:4: users[0].ha1_sha256 must be 64 hex digits");
	expect_error("users:\n  - { name: alice, password: x }\n",
		     "t.yaml:2: users[0] has no domain, and neither "
		     "registrar.domains nor server.domains names one");
	expect_error("server: { domains: [ d.test ] }\nusers:\n"
		     "  - { name: alice, password: x }\n"
		     "  - { name: alice, password: y, domain: D.test }\n",
		     "t.yaml:4: users[1] repeats users[0] 'alice@D.test'");
}

static const char dp_good[] =
	"server: { domains: [ d.test ] }\n"
	"users:\n"
	"  - { name: alice, password: x, class: intl }\n"
	"  - { name: bob, password: y }\n"
	"dialplan:\n"
	"  rules:\n"
	"    - name: intl\n"
	"      match: { regex: '^00(\\d+)$' }\n"
	"      rewrite: { replace: '+$1', strip: 1, prefix: '9' }\n"
	"      destination: { group: gw }\n"
	"      classes: [ intl, vip ]\n"
	"      fallthrough: true\n"
	"    - name: lan\n"
	"      match: { cidr: 10.0.0.0/8 }\n"
	"      destination: { redirect: 'sip:${user}@x.test' }\n"
	"    - name: any\n"
	"      destination: { user: '${user}' }\n"
	"  gateways:\n"
	"    - name: gw\n"
	"      members:\n"
	"        - { uri: 'sip:192.0.2.1', priority: 2, weight: 5 }\n"
	"        - { uri: 'sip:192.0.2.2;transport=tcp' }\n"
	"  health: { interval_ms: 1000, failures: 4 }\n";

static void test_dialplan_keys(void **state)
{
	struct sipd_config *cfg = parse_ok(dp_good);
	const struct sipd_config_dialplan *dp = &cfg->dialplan;
	const struct sipd_dp_rule *r = &dp->rules[0];

	(void)state;
	assert_int_equal(dp->rule_count, 3);
	assert_string_equal(r->name, "intl");
	assert_int_equal(r->match.field, SIPD_DP_RURI);
	assert_string_equal(r->match.regex, "^00(\\d+)$");
	assert_string_equal(r->rewrite.replace, "+$1");
	assert_int_equal(r->rewrite.strip, 1);
	assert_string_equal(r->rewrite.prefix, "9");
	assert_string_equal(r->destination.group, "gw");
	assert_int_equal(r->class_count, 2);
	assert_string_equal(r->classes[1], "vip");
	assert_true(r->fallthrough);
	r = &dp->rules[1];
	/* cidr alone implies the source address; a redirect is 302 */
	assert_int_equal(r->match.field, SIPD_DP_SOURCE);
	assert_int_equal(r->destination.code, 302);
	assert_false(r->fallthrough);
	r = &dp->rules[2];
	assert_null(r->match.prefix);
	assert_null(r->match.regex);
	assert_string_equal(r->destination.user, "${user}");
	assert_int_equal(dp->gateway_count, 1);
	assert_int_equal(dp->gateways[0].member_count, 2);
	assert_int_equal(dp->gateways[0].members[0].priority, 2);
	assert_int_equal(dp->gateways[0].members[0].weight, 5);
	assert_int_equal(dp->gateways[0].members[1].priority, 1);
	assert_int_equal(dp->gateways[0].members[1].weight, 1);
	assert_true(dp->health.enabled);
	assert_int_equal(dp->health.interval_ms, 1000);
	assert_int_equal(dp->health.down_interval_ms, 1000);
	assert_int_equal(dp->health.failures, 4);
	assert_int_equal(dp->health.successes, 2);
	assert_string_equal(sipd_config_user_class(cfg, "alice"), "intl");
	assert_null(sipd_config_user_class(cfg, "bob"));
	assert_null(sipd_config_user_class(cfg, "carol"));
	assert_null(sipd_config_user_class(cfg, NULL));
	sipd_config_free(cfg);

	cfg = parse_ok("log: { level: info }\n");
	assert_int_equal(cfg->dialplan.rule_count, 0);
	assert_int_equal(cfg->dialplan.health.interval_ms, 30000);
	assert_int_equal(cfg->dialplan.health.failures, 3);
	sipd_config_free(cfg);
}

/* One rule around @p rule (YAML lines of a rules[] entry, 6 spaces in)
 * with a gateway group "gw"; the rule starts at line 3. */
static void expect_rule_error(const char *rule, const char *want)
{
	char text[1024];

	snprintf(text, sizeof(text), "dialplan:\n  rules:\n%s"
		 "  gateways:\n    - name: gw\n      members:\n"
		 "        - uri: sip:192.0.2.1\n", rule);
	expect_error(text, want);
}

static void test_err_dialplan(void **state)
{
	static const struct { const char *rule, *want; } cases[] = {
		{ "    - name: a\n      match: { regex: '^(1' }\n"
		  "      destination: { user: x }\n",
		  "t.yaml:4: dialplan.rules[0].match.regex: bad regex '^(1': "
		  "missing closing parenthesis at offset 3" },
		{ "    - name: a\n      match: { prefix: '1', regex: '2' }\n"
		  "      destination: { user: x }\n",
		  "t.yaml:4: dialplan.rules[0].match: give one of prefix, "
		  "regex or cidr, not 2" },
		{ "    - name: a\n      match:\n        cidr: 10.0.0.0/40\n"
		  "      destination: { user: x }\n",
		  "t.yaml:5: dialplan.rules[0].match.cidr: invalid address or "
		  "CIDR '10.0.0.0/40'" },
		{ "    - name: a\n      match:\n        cidr: 10.0.0.x\n"
		  "      destination: { user: x }\n",
		  "t.yaml:5: dialplan.rules[0].match.cidr: invalid address or "
		  "CIDR '10.0.0.x'" },
		{ "    - name: a\n      match:\n        field: ruri\n"
		  "        cidr: 10.0.0.0/8\n      destination: { user: x }\n",
		  "t.yaml:6: dialplan.rules[0].match.cidr matches the source "
		  "address only (field: source)" },
		{ "    - name: a\n      match:\n        field: source\n"
		  "        prefix: '1'\n      destination: { user: x }\n",
		  "t.yaml:5: dialplan.rules[0].match.field source needs a cidr" },
		{ "    - name: a\n      match: { field: to }\n"
		  "      destination: { user: x }\n",
		  "t.yaml:4: dialplan.rules[0].match.field must be one of "
		  "ruri, from, source" },
		{ "    - name: a\n      destination: { user: x, group: gw }\n",
		  "t.yaml:4: dialplan.rules[0].destination: give one of user, "
		  "uri, redirect or group, not 2" },
		{ "    - name: a\n      destination: {}\n",
		  "t.yaml:4: dialplan.rules[0].destination: give one of user, "
		  "uri, redirect or group, not 0" },
		{ "    - name: a\n      match: { prefix: '1' }\n",
		  "t.yaml:3: missing required key 'destination' in "
		  "dialplan.rules[0]" },
		{ "    - name: a\n      destination:\n        uri: sip:x\n"
		  "        code: 301\n",
		  "t.yaml:6: dialplan.rules[0].destination.code is for a "
		  "redirect only" },
		{ "    - name: a\n      destination: { redirect: sip:x, "
		  "code: 303 }\n",
		  "t.yaml:4: dialplan.rules[0].destination.code: 303 is out "
		  "of range 301-302" },
		{ "    - name: a\n      destination:\n        user: a${user}\n",
		  "t.yaml:5: dialplan.rules[0].destination.user: a user name, "
		  "or ${user} for the rewritten number" },
		{ "    - name: a\n      destination:\n        group: gww\n",
		  "t.yaml:5: dialplan.rules[0].destination.group: unknown "
		  "gateway group 'gww'" },
		{ "    - name: a\n      match: { prefix: '1' }\n"
		  "      rewrite:\n        replace: '+$1'\n"
		  "      destination: { user: x }\n",
		  "t.yaml:6: dialplan.rules[0].rewrite.replace needs "
		  "match.regex on the number (field ruri)" },
		{ "    - name: a\n      match: { regex: '^0(1)' }\n"
		  "      rewrite:\n        replace: '+$2'\n"
		  "      destination: { user: x }\n",
		  "t.yaml:6: dialplan.rules[0]: rule \"a\": replacement "
		  "\"+$2\": refers to a group the regex does not have" },
		{ "    - name: a\n      destination: { user: x }\n"
		  "      classes: [ a, b, a ]\n",
		  "t.yaml:5: dialplan.rules[0].classes[2] repeats 'a'" },
		{ "    - name: a\n      destination: { user: x }\n"
		  "    - name: a\n      destination: { user: y }\n",
		  "t.yaml:5: dialplan.rules[1] repeats the name 'a' of "
		  "dialplan.rules[0]" },
		{ "    - destination: { user: y }\n",
		  "t.yaml:3: missing required key 'name' in dialplan.rules[0]" },
		{ "    - name: a\n      destination: { user: x }\n"
		  "      rewrite: { strip: 200 }\n",
		  "t.yaml:5: dialplan.rules[0].rewrite.strip: 200 is out of "
		  "range 0-127" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_rule_error(cases[i].rule, cases[i].want);

	expect_error("dialplan:\n  rules:\n    - name: a\n"
		     "      destination: { group: g }\n  gateways:\n"
		     "    - name: g\n      members:\n"
		     "        - uri: tel:+4930\n",
		     "t.yaml:8: dialplan.gateways[0].members[0].uri: not a "
		     "sip: or sips: URI 'tel:+4930'");
	expect_error("dialplan:\n  rules:\n    - name: a\n"
		     "      destination: { group: g }\n  gateways:\n"
		     "    - name: g\n      members: []\n",
		     "t.yaml:7: dialplan.gateways[0].members must have at least "
		     "1 entry");
	expect_error("dialplan:\n  rules:\n    - name: a\n"
		     "      destination: { group: g }\n  gateways:\n"
		     "    - { name: g, members: [ { uri: 'sip:h' } ] }\n"
		     "    - { name: g, members: [ { uri: 'sip:i' } ] }\n",
		     "t.yaml:7: dialplan.gateways[1] repeats the group name 'g'");
	expect_error("dialplan:\n  gateways:\n"
		     "    - { name: g, members: [ { uri: 'sip:h' } ] }\n",
		     "t.yaml:2: dialplan has gateways but no rules");
	expect_error("dialplan:\n  health:\n    failures: 0\n",
		     "t.yaml:3: dialplan.health.failures: 0 is out of range "
		     "1-100");
	expect_error("server: { domains: [ d.test ] }\nusers:\n"
		     "  - { name: a, password: x, class: '' }\n",
		     "t.yaml:3: users[0].class must not be empty");
}

static void test_schema_table(void **state)
{
	struct extra x;
	char err[256];

	(void)state;
	assert_int_equal(fill_extra("host: example.net\n", &x, err,
				    sizeof(err)), 0);
	assert_string_equal(x.host, "example.net");
	assert_int_equal(x.n, 3);
	assert_int_equal(x.tag_count, 2);
	assert_string_equal(x.tags[1], "b");
	sipd_schema_free(&extra_map, &x);
	assert_null(x.host);
	assert_null(x.tags);

	assert_int_equal(fill_extra("n: 0\n", &x, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "x.yaml:1: missing required key 'host' "
			    "at top level");
	sipd_schema_free(&extra_map, &x);
	assert_int_equal(fill_extra("host: h\ntags: [a, b, c]\n", &x, err,
				    sizeof(err)), EINVAL);
	assert_string_equal(err, "x.yaml:2: tags must have at most 2 entries");
	sipd_schema_free(&extra_map, &x);
}

static void test_transport_name(void **state)
{
	(void)state;
	assert_string_equal(sipd_transport_name(SIPD_TRANSPORT_UDP), "udp");
	assert_string_equal(sipd_transport_name(SIPD_TRANSPORT_TLS), "tls");
	assert_string_equal(sipd_transport_name((enum sipd_transport)7), "?");
	sipd_config_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_enum),
		cmocka_unit_test(test_err_range),
		cmocka_unit_test(test_err_address),
		cmocka_unit_test(test_err_duplicate_key),
		cmocka_unit_test(test_err_type),
		cmocka_unit_test(test_err_missing),
		cmocka_unit_test(test_err_syntax),
		cmocka_unit_test(test_err_empty),
		cmocka_unit_test(test_err_duplicate_listen),
		cmocka_unit_test(test_err_timers),
		cmocka_unit_test(test_registrar_keys),
		cmocka_unit_test(test_err_registrar),
		cmocka_unit_test(test_proxy_keys),
		cmocka_unit_test(test_err_proxy),
		cmocka_unit_test(test_err_users),
		cmocka_unit_test(test_dialplan_keys),
		cmocka_unit_test(test_err_dialplan),
		cmocka_unit_test(test_schema_table),
		cmocka_unit_test(test_transport_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
