/* oracle: predicts a conditional branch at (or just after) the PC from the
 * live registers and memory, and names the TIF bits when the test is of
 * thread_info->flags against a work mask. */
#ifndef RINGDB_ORACLE_H
#define RINGDB_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "disasm.h"
#include "session.h"

struct branch_prediction {
	bool valid;
	bool taken;
	struct insn jump;          /* the conditional jump */
	char destination[64];      /* its target's symbol */
	bool tif_test;             /* it tests thread_info->flags */
	uint32_t tif_hit;          /* flags & mask */
	const char *mask_name;     /* the mask's name, when it is one of the kernel's */
};

/* False when the PC is neither at a conditional jump nor at the test/cmp
 * right before one (or its operands cannot be read). */
bool oracle_predict(struct session *s, struct branch_prediction *p);

#endif
