/* The unit-test groups of ringgrade (cmocka); unit_main.c runs them all and
 * prints the suite's closing "N passed, N failed" line. */
#ifndef RINGGRADE_UNIT_H
#define RINGGRADE_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Each returns how many of its tests failed and adds its count to *total. */
int def_tests(int *total);
int ktap_tests(int *total);
int judge_tests(int *total);
int path_tests(int *total);
int report_tests(int *total);
int spawn_tests(int *total);
int sandbox_tests(int *total);
int scale_tests(int *total);

#define RUN_GROUP(name, tests, total) \
	(*(total) += (int)(sizeof(tests) / sizeof((tests)[0])), cmocka_run_group_tests_name(name, tests, NULL, NULL))

#endif
