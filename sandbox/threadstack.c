/*
 * Preloaded into native programs (LD_PRELOAD): threads created with default attributes get the
 * usual 2 MiB stack. glibc sizes a default thread stack after RLIMIT_STACK, which the launcher sets
 * to the memory limit so that deep recursion on the main thread works; without this, every thread
 * would reserve a memory-limit-sized stack and the second one would fail under RLIMIT_AS.
 */
#define _GNU_SOURCE
#include <pthread.h>

__attribute__((constructor)) static void arena_default_thread_stack(void) {
  pthread_attr_t attr;
  if (pthread_getattr_default_np(&attr) != 0) return;
  pthread_attr_setstacksize(&attr, 2u << 20);
  pthread_setattr_default_np(&attr);
  pthread_attr_destroy(&attr);
}
