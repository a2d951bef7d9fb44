/* main.c — placeholder, replaced below */
#include "config.h"
int main(void) { return 0; }
