/*
 * store_codec_test.c - the text form of a binding stored in Redis: round
 * trip of every field with escapes, optional fields absent, unknown
 * names skipped, and the errors (missing required field, bad number, bad
 * or NUL escape, a line without '=').
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/buf.h"
#include "sip/store.h"

#include "store/store.h"

static int decode(const char *text, struct sip_binding *b, char *scratch)
{
	return store_codec_binding_decode(b, text, strlen(text), scratch,
					  "sip:a@example.com", "k");
}

static void test_roundtrip(void **state)
{
	struct sip_binding in = {
		.aor = "sip:a@example.com", .key = "i:<urn:x>;1",
		.contact = "sip:a@192.0.2.1;ob", .callid = "c%1\r\n@x",
		.cseq = 4294967295u, .expires = 1700000000123ULL, .q = 0,
		.instance = "<urn:x>", .reg_id = 1, .path = "<sip:e;lr>, <sip:f;lr>",
		.received = "[2001:db8::1]:5060", .transport = "TCP",
		.socket = "198.51.100.1:5060", .user_agent = "UA\n100%",
		.updated = 1700000000000ULL,
	};
	struct sip_binding out;
	struct sip_buf b;
	char *scratch;

	sip_buf_init(&b);
	store_codec_binding_encode(&b, &in);
	assert_int_equal(sip_buf_err(&b), 0);
	/* one line per field: no raw CR/LF from the values */
	assert_null(memchr(b.p, '\r', b.len));
	scratch = malloc(b.len + 1);
	assert_int_equal(store_codec_binding_decode(&out, b.p, b.len, scratch,
						    in.aor, in.key), 0);
	assert_string_equal(out.aor, in.aor);
	assert_string_equal(out.key, in.key);
	assert_string_equal(out.contact, in.contact);
	assert_string_equal(out.callid, in.callid);
	assert_int_equal(out.cseq, in.cseq);
	assert_true(out.expires == in.expires);
	assert_int_equal(out.q, 0);
	assert_string_equal(out.instance, in.instance);
	assert_int_equal(out.reg_id, 1);
	assert_string_equal(out.path, in.path);
	assert_string_equal(out.received, in.received);
	assert_string_equal(out.transport, in.transport);
	assert_string_equal(out.socket, in.socket);
	assert_string_equal(out.user_agent, in.user_agent);
	assert_true(out.updated == in.updated);
	free(scratch);
	sip_buf_reset(&b);
}

static void test_optional_and_unknown(void **state)
{
	struct sip_binding b;
	char scratch[256];

	assert_int_equal(decode("contact=sip:x@h\ncallid=c\nexpires=5\n"
				"future=whatever\nq=1000", &b, scratch), 0);
	assert_string_equal(b.contact, "sip:x@h");
	assert_true(b.expires == 5);
	assert_int_equal(b.q, 1000);
	assert_int_equal(b.cseq, 0);
	assert_null(b.instance);
	assert_null(b.user_agent);
	assert_int_equal(b.reg_id, 0);
	assert_int_equal(decode("contact=sip:x@h\ncallid=c\nexpires=5\n", &b,
				scratch), 0);
	assert_int_equal(b.q, -1);  /* no q given */
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
		"callid=c\nexpires=5\n",                          /* no contact */
		"contact=sip:x@h\nexpires=5\n",                   /* no callid */
		"contact=sip:x@h\ncallid=c\n",                    /* no expires */
		"contact=sip:x@h\ncallid=c\nexpires=5x\n",
		"contact=sip:x@h\ncallid=c\nexpires=99999999999999999999\n",
		"contact=sip:x@h\ncallid=c\nexpires=5\ncseq=4294967296\n",
		"contact=sip:x@h\ncallid=c\nexpires=5\nq=1001\n",
		"contact=sip:x@h\ncallid=c\nexpires=\n",
		"contact=sip:x@h%\ncallid=c\nexpires=5\n",
		"contact=sip:x@h%G0\ncallid=c\nexpires=5\n",
		"contact=sip:x@h%00\ncallid=c\nexpires=5\n",
		"contact=sip:x@h\ncallid=c\nexpires=5\nnoequals\n",
	};
	struct sip_binding b;
	char scratch[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (decode(bad[i], &b, scratch) != EBADMSG)
			fail_msg("accepted: %s", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_optional_and_unknown),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
