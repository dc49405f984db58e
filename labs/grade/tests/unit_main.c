/* Runs every unit-test group of ringgrade; the last line is the suite's
 * "N passed, N failed". */
#include "unit.h"

#include <stdio.h>

int main(void)
{
	int total = 0, failed = 0;

	failed += def_tests(&total);
	failed += ktap_tests(&total);
	failed += judge_tests(&total);
	failed += path_tests(&total);
	failed += report_tests(&total);
	failed += spawn_tests(&total);
	failed += sandbox_tests(&total);
	failed += scale_tests(&total);
	printf("%d passed, %d failed\n", total - failed, failed);
	return failed ? 1 : 0;
}
