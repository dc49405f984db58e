/* The sealed grading tree: what a submission is built and tested in. It is
 * the student tree of the instructor tree - what `make handout` gives
 * students (no solutions/, no mutants, no hidden tests in any lab.def, the
 * reference of the other labs only as labs/prebuilt/labN.o) - made from the
 * working tree by the instructor tree's own `make student-tree OUT=DIR`,
 * plus the build objects that come from public sources. ringgrade reads
 * the lab's full definition (hidden tests included) from the instructor
 * tree, outside any sandbox; nothing in the sealed tree can reach it. */
#ifndef RINGGRADE_SEAL_H
#define RINGGRADE_SEAL_H

#include "util.h"

/* Make the sealed copy of tree in a new scratch folder; returns that
 * folder (the caller removes it and frees the name), the tree itself is
 * its "tree" subfolder. NULL with the reason in err. */
char *seal_tree(const char *tree, struct strbuf *err);

#endif
