/* libFuzzer target: ringgrade's two parsers and the verdict on arbitrary
 * bytes. The first byte picks the parser; the rest is its input. Neither
 * may crash, leak or read out of bounds, whatever a definition file or a
 * broken guest's console holds. */
#include "def.h"
#include "ktap.h"
#include "run.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct subtest_points parts[] = { { "a", 1 }, { "b", 2 } };
	struct test_def t = { .name = "t", .run = "x", .append = "", .points = 3, .timeout = 5, .hint = "",
			      .subtests = parts, .nsubtests = 2 };

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		/* a definition: text up to the first NUL, as def_load reads */
		char *text = xstrndup((const char *)data + 1, size - 1), err[256];
		struct lab_def d;
		if (def_parse(text, "fuzz.def", &d, err, sizeof(err)) == 0) {
			for (size_t i = 0; i < d.ntests; i++) {
				char *line = kernel_cmdline(&d.tests[i], "00");
				free(line);
			}
			def_free(&d);
		}
		free(text);
	} else {
		/* a console: KTAP with and without the nonce, then a verdict */
		struct ktap_report r;
		struct test_result res = { 0 };
		ktap_parse((const char *)data + 1, size - 1, "ab", &r);
		ktap_free(&r);
		ktap_parse((const char *)data + 1, size - 1, NULL, &r);
		ktap_free(&r);
		judge(&t, data[0] >> 1, 0, 0, (const char *)data + 1, size - 1, "ab", 4096, &res);
		test_result_free(&res);
	}
	return 0;
}
