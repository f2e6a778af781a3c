#include <stdio.h>

int main(void) {
#ifdef WITH_GREETING
	puts(WITH_GREETING);
#else
	puts("hello");
#endif
	return 0;
}
