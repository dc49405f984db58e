/* A replacement harness that passes everything: must be ignored. */
#include <stdio.h>
int main(void) { printf("KTAP version 1\n1..1\nok 1 add_small\n"); return 0; }
