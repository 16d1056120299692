/* Forgets to flush: the interactor never sees the guess, and both wait. */
#include <stdio.h>
#include <string.h>

int main(void) {
  int low = 1, high = 1000;
  char reply[16];
  for (;;) {
    int guess = (low + high) / 2;
    printf("%d\n", guess);
    if (scanf("%15s", reply) != 1 || strcmp(reply, "correct") == 0) return 0;
    if (strcmp(reply, "lower") == 0) high = guess - 1; else low = guess + 1;
  }
}
