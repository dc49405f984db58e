/* Unit tests of the RSP codec and the acked connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../rsp.h"

static struct rsp_parser parser;

/* Feed a whole string; return the last non-NONE event (or NONE). */
static enum rsp_event feed(const char *s)
{
	enum rsp_event last = RSP_EV_NONE;
	for (; *s; s++) {
		enum rsp_event ev = rsp_parser_feed(&parser, (unsigned char)*s);
		if (ev != RSP_EV_NONE)
			last = ev;
	}
	return last;
}

static int setup(void **state)
{
	(void)state;
	rsp_parser_init(&parser);
	return 0;
}

static void checksum_is_sum_mod_256(void **state)
{
	(void)state;
	assert_int_equal(rsp_checksum("", 0), 0);
	assert_int_equal(rsp_checksum("OK", 2), 0x9a);
	assert_int_equal(rsp_checksum("qSupported", 10), 0x37);
}

static void parses_a_plain_packet(void **state)
{
	(void)state;
	assert_int_equal(feed("$OK#9a"), RSP_EV_PACKET);
	assert_string_equal(parser.payload, "OK");
	assert_int_equal(parser.len, 2);
}

static void accepts_upper_case_checksum(void **state)
{
	(void)state;
	assert_int_equal(feed("$T05thread:01;#07"), RSP_EV_PACKET);
	rsp_parser_init(&parser);
	/* "T02" sums to 0xb6; both cases of hex digits are fine. */
	assert_int_equal(feed("$T02#B6"), RSP_EV_PACKET);
	assert_string_equal(parser.payload, "T02");
}

static void reports_acks_naks_and_skips_noise(void **state)
{
	(void)state;
	assert_int_equal(rsp_parser_feed(&parser, '+'), RSP_EV_ACK);
	assert_int_equal(rsp_parser_feed(&parser, '-'), RSP_EV_NAK);
	assert_int_equal(feed("garbage\r\n"), RSP_EV_NONE);
	/* An ack directly in front of a packet, as TCP may deliver it. */
	assert_int_equal(rsp_parser_feed(&parser, '+'), RSP_EV_ACK);
	assert_int_equal(feed("$OK#9a"), RSP_EV_PACKET);
}

static void bad_checksum_is_reported(void **state)
{
	(void)state;
	assert_int_equal(feed("$OK#00"), RSP_EV_BAD_CHECKSUM);
	/* The parser recovers for the next packet. */
	assert_int_equal(feed("$OK#9a"), RSP_EV_PACKET);
}

static void bad_checksum_digits_are_malformed(void **state)
{
	(void)state;
	assert_int_equal(feed("$OK#zz"), RSP_EV_MALFORMED);
	assert_int_equal(feed("$OK#9a"), RSP_EV_PACKET);
}

static void escapes_are_decoded(void **state)
{
	(void)state;
	char frame[64];
	/* "a}b" is escaped as a } ] b ; the checksum covers the escaped bytes. */
	int n = rsp_frame("a}b#c$*", 7, frame, sizeof frame);
	assert_true(n > 0);
	frame[n] = '\0';
	assert_null(strchr(frame + 1, '$'));
	assert_int_equal(feed(frame), RSP_EV_PACKET);
	assert_int_equal(parser.len, 7);
	assert_memory_equal(parser.payload, "a}b#c$*", 7);
}

static void run_length_is_expanded(void **state)
{
	(void)state;
	char frame[32];
	/* "0* " is '0' plus 3 more; "x*!" is 'x' plus 4 more. */
	const char *raw = "0* x*!";
	unsigned char sum = rsp_checksum(raw, strlen(raw));
	snprintf(frame, sizeof frame, "$%s#%02x", raw, sum);
	assert_int_equal(feed(frame), RSP_EV_PACKET);
	assert_string_equal(parser.payload, "0000xxxxx");
}

static void run_length_without_a_char_is_malformed(void **state)
{
	(void)state;
	char frame[32];
	snprintf(frame, sizeof frame, "$*%c#%02x", '"', rsp_checksum("*\"", 2));
	assert_int_equal(feed(frame), RSP_EV_MALFORMED);
}

static void run_length_with_a_bad_count_is_malformed(void **state)
{
	(void)state;
	/* A count below ' ' cannot be sent. */
	char frame[32];
	const char raw[] = { 'a', '*', 0x10, 0 };
	snprintf(frame, sizeof frame, "$%s#%02x", raw, rsp_checksum(raw, 3));
	assert_int_equal(feed(frame), RSP_EV_MALFORMED);
}

static void truncated_packet_then_new_one(void **state)
{
	(void)state;
	/* A '$' inside a packet: the first was cut short. */
	assert_int_equal(feed("$T0"), RSP_EV_NONE);
	assert_int_equal(rsp_parser_feed(&parser, '$'), RSP_EV_MALFORMED);
	assert_int_equal(feed("OK#9a"), RSP_EV_PACKET);
	assert_string_equal(parser.payload, "OK");
}

static void oversized_packet_is_refused(void **state)
{
	(void)state;
	static char big[RSP_MAX_PAYLOAD + 100];
	static char frame[2 * sizeof big];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	int n = rsp_frame(big, strlen(big), frame, sizeof frame);
	assert_true(n > 0);
	frame[n] = '\0';
	assert_int_equal(feed(frame), RSP_EV_OVERSIZED);
	assert_int_equal(feed("$OK#9a"), RSP_EV_PACKET);
}

static void run_length_overflow_is_bounded(void **state)
{
	(void)state;
	/* Many maximal runs: the payload must stop at the limit, not overflow. */
	static char raw[8000];
	static char frame[8100];
	size_t n = 0;
	raw[n++] = 'z';
	while (n + 2 < sizeof raw - 1) {
		raw[n++] = '*';
		raw[n++] = '~';
	}
	raw[n] = '\0';
	snprintf(frame, sizeof frame, "$%s#%02x", raw, rsp_checksum(raw, n));
	assert_int_equal(feed(frame), RSP_EV_OVERSIZED);
	assert_int_equal(parser.len, RSP_MAX_PAYLOAD);
}

static void notification_is_recognised(void **state)
{
	(void)state;
	assert_int_equal(feed("%OK#9a"), RSP_EV_NOTIFICATION);
}

static void frame_refuses_small_buffer(void **state)
{
	(void)state;
	char out[6];
	assert_int_equal(rsp_frame("abcdef", 6, out, sizeof out), -1);
	assert_int_equal(rsp_frame("a", 1, out, sizeof out), 5);
}

static void hex_round_trip(void **state)
{
	(void)state;
	unsigned char in[] = { 0x00, 0xab, 0x7f, 0xff }, out[4];
	char hex[9];
	rsp_hex_encode(in, 4, hex);
	assert_string_equal(hex, "00ab7fff");
	assert_int_equal(rsp_hex_decode("00AB7fff", 8, out, 4), 4);
	assert_memory_equal(in, out, 4);
	assert_int_equal(rsp_hex_decode("0g", 2, out, 4), -1);
	assert_int_equal(rsp_hex_decode("abc", 3, out, 4), -1);
	assert_int_equal(rsp_hex_decode("0011223344", 10, out, 4), -1);
}

static void log_escape_round_trip(void **state)
{
	(void)state;
	char buf[128];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	rsp_log_escape(f, "a\nb\\c\x01\x09", 7);
	fclose(f);
	assert_string_equal(buf, "a\\nb\\\\c\\x01\\x09");
	assert_int_equal(rsp_log_unescape(buf), 7);
	assert_memory_equal(buf, "a\nb\\c\x01\x09", 7);
}

/* The connection over a socketpair, the peer played by hand. */
static int sv[2];
static struct transport tr;
static struct rsp_conn conn;

static int conn_setup(void **state)
{
	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	transport_adopt(&tr, sv[0]);
	rsp_conn_init(&conn, &tr);
	return 0;
}

static int conn_teardown(void **state)
{
	(void)state;
	transport_close(&tr);
	close(sv[1]);
	return 0;
}

static void peer_expect(const char *want)
{
	char got[256] = { 0 };
	size_t n = strlen(want);
	assert_int_equal(read(sv[1], got, n), (ssize_t)n);
	assert_string_equal(got, want);
}

static void send_resends_after_nak(void **state)
{
	(void)state;
	/* Peer answers '-' then '+': the packet goes out twice. */
	assert_int_equal(write(sv[1], "-+", 2), 2);
	assert_int_equal(rsp_send(&conn, "g", 1000), RSP_OK);
	peer_expect("$g#67$g#67");
}

static void send_gives_up_after_repeated_naks(void **state)
{
	(void)state;
	assert_int_equal(write(sv[1], "----", 4), 4);
	assert_int_equal(rsp_send(&conn, "g", 1000), RSP_PROTOCOL);
}

static void recv_naks_bad_checksum_and_acks_the_resend(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(write(sv[1], "$OK#00$OK#9a", 12), 12);
	assert_int_equal(rsp_recv(&conn, out, sizeof out, NULL, 1000), RSP_OK);
	assert_string_equal(out, "OK");
	peer_expect("-+");
}

static void recv_handles_packets_split_across_reads(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(write(sv[1], "+$T05thr", 8), 8);
	assert_int_equal(rsp_recv(&conn, out, sizeof out, NULL, 0), RSP_TIMEOUT);
	assert_int_equal(write(sv[1], "ead:01;#07$OK#9a", 16), 16);
	assert_int_equal(rsp_recv(&conn, out, sizeof out, NULL, 1000), RSP_OK);
	assert_string_equal(out, "T05thread:01;");
	/* The second packet came in the same read and is kept. */
	assert_int_equal(rsp_recv(&conn, out, sizeof out, NULL, 1000), RSP_OK);
	assert_string_equal(out, "OK");
}

static void recv_reports_a_closed_peer(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(write(sv[1], "$O", 2), 2);
	close(sv[1]);
	sv[1] = -1;
	assert_int_equal(rsp_recv(&conn, out, sizeof out, NULL, 1000), RSP_CLOSED);
	assert_int_equal(rsp_send(&conn, "g", 1000), RSP_CLOSED);
}

static void recv_refuses_reply_larger_than_buffer(void **state)
{
	(void)state;
	char out[2];
	assert_int_equal(write(sv[1], "$OK#9a", 6), 6);
	assert_int_equal(rsp_recv(&conn, out, sizeof out, NULL, 1000), RSP_TOOBIG);
}

static void recv_reports_malformed(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(write(sv[1], "$OK#xy", 6), 6);
	assert_int_equal(rsp_recv(&conn, out, sizeof out, NULL, 1000), RSP_PROTOCOL);
	assert_non_null(strstr(conn.error, "malformed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(checksum_is_sum_mod_256, setup),
		cmocka_unit_test_setup(parses_a_plain_packet, setup),
		cmocka_unit_test_setup(accepts_upper_case_checksum, setup),
		cmocka_unit_test_setup(reports_acks_naks_and_skips_noise, setup),
		cmocka_unit_test_setup(bad_checksum_is_reported, setup),
		cmocka_unit_test_setup(bad_checksum_digits_are_malformed, setup),
		cmocka_unit_test_setup(escapes_are_decoded, setup),
		cmocka_unit_test_setup(run_length_is_expanded, setup),
		cmocka_unit_test_setup(run_length_without_a_char_is_malformed, setup),
		cmocka_unit_test_setup(run_length_with_a_bad_count_is_malformed, setup),
		cmocka_unit_test_setup(truncated_packet_then_new_one, setup),
		cmocka_unit_test_setup(oversized_packet_is_refused, setup),
		cmocka_unit_test_setup(run_length_overflow_is_bounded, setup),
		cmocka_unit_test_setup(notification_is_recognised, setup),
		cmocka_unit_test(frame_refuses_small_buffer),
		cmocka_unit_test(hex_round_trip),
		cmocka_unit_test(log_escape_round_trip),
		cmocka_unit_test_setup_teardown(send_resends_after_nak, conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(send_gives_up_after_repeated_naks, conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(recv_naks_bad_checksum_and_acks_the_resend, conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(recv_handles_packets_split_across_reads, conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(recv_reports_a_closed_peer, conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(recv_refuses_reply_larger_than_buffer, conn_setup, conn_teardown),
		cmocka_unit_test_setup_teardown(recv_reports_malformed, conn_setup, conn_teardown),
	};
	return cmocka_run_group_tests_name("rsp", tests, NULL, NULL);
}
