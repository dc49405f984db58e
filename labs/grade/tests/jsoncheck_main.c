/* jsoncheck FILE...: exit 0 when every file is valid JSON; used by the
 * integration test on the results.json files ringgrade writes. */
#include "json_check.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: jsoncheck FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		size_t len, where = 0;
		char *text = read_file(argv[i], 64 << 20, &len);
		if (!text) {
			fprintf(stderr, "jsoncheck: %s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		if (json_check(text, len, &where) < 0) {
			fprintf(stderr, "jsoncheck: %s: invalid JSON at byte %zu\n", argv[i], where);
			bad = 1;
		}
		free(text);
	}
	return bad;
}
