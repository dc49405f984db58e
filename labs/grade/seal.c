/* The sealed grading tree (see seal.h). */
#include "seal.h"
#include "spawn.h"
#include "submit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEAL_TIMEOUT 900

char *seal_tree(const char *tree, struct strbuf *err)
{
	char *scratch = make_scratch_dir("sealed"), *dst, *out_arg, *probe;
	struct spawn_result res;
	struct stat st;

	if (!scratch) {
		strbuf_addf(err, "cannot create a scratch folder: %s (set TMPDIR to a writable folder)\n",
			    strerror(errno));
		return NULL;
	}
	dst = path_join(scratch, "tree");
	out_arg = xasprintf("OUT=%s", dst);
	{
		/* The instructor's Makefile knows what is private; it runs
		 * outside the sandbox (it is the instructor's code, and it
		 * builds the prebuilt reference objects). */
		char *argv[] = { "make", "-s", "-C", (char *)tree, "student-tree", out_arg, NULL };
		struct spawn_options opts = { .argv = argv, .output_limit = 1 << 20, .timeout = SEAL_TIMEOUT };
		if (spawn_run(&opts, &res) < 0) {
			strbuf_addf(err, "cannot run make to seal the grading tree: %s\n", strerror(errno));
			goto fail;
		}
	}
	if (res.exit_code != 0 || res.timed_out || res.flooded || res.interrupted) {
		strbuf_addf(err, "'make -C %s student-tree' failed, so there is no sealed tree to grade in "
			    "(the instructor tree's Makefile must have a student-tree target; docs/ringgrade.md, "
			    "SANDBOX):\n%.2000s\n", tree, res.output);
		spawn_result_free(&res);
		goto fail;
	}
	spawn_result_free(&res);
	/* The one rule checked here rather than trusted: the reference
	 * folder never reaches a grading tree. */
	probe = path_join(dst, "solutions");
	if (lstat(probe, &st) == 0 || stat(dst, &st) < 0 || !S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "'make student-tree' of %s left %s: refusing to grade in it\n", tree,
			    lstat(probe, &st) == 0 ? "a solutions/ folder in the sealed tree" : "no tree");
		free(probe);
		goto fail;
	}
	free(probe);
	free(out_arg);
	free(dst);
	return scratch;
fail:
	remove_tree(scratch);
	free(out_arg);
	free(dst);
	free(scratch);
	return NULL;
}
