/* libFuzzer target for the packet layer: the parser state machine, then the
 * stop-reply and target-description parsers on whatever packet came out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../rsp.h"
#include "../target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rsp_parser parser;
	static struct target t;
	rsp_parser_init(&parser);
	for (size_t i = 0; i < size; i++) {
		enum rsp_event ev = rsp_parser_feed(&parser, data[i]);
		if (parser.len > RSP_MAX_PAYLOAD)
			abort();
		if (ev == RSP_EV_PACKET) {
			struct stop_reply stop;
			target_parse_stop(parser.payload, &stop);
			target_init(&t);
			target_parse_xml_regs(&t, parser.payload);
			if (t.nregs > TARGET_MAX_REGS)
				abort();
		}
	}
	/* The unescaper must stay inside its string. */
	char *copy = malloc(size + 1);
	if (copy) {
		memcpy(copy, data, size);
		copy[size] = '\0';
		rsp_log_unescape(copy);
		free(copy);
	}
	return 0;
}
