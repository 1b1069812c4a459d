// h8_nothing: the baseline for the leak lines: INIT that does nothing.
#include "h8rt.h"
int main(int argc, char **argv) { (void)argc; (void)argv; return 0; }
