/*
 * Arena's launcher: the last step between the runner (root) and untrusted code.
 *
 *   launch run CPU_S FSIZE_BYTES NPROC STACK_BYTES AS_BYTES UID DIR CGROUP_PROCS -- PROGRAM ARGS...
 *
 * The runner starts it with posix_spawn, which gVisor serves far faster than a fork of the Python
 * runner; it is linked statically, since every run pays its exec (a dynamic one costs gVisor the
 * loader and libc's mappings too, about 10 ms more). It joins the run's cgroup (CGROUP_PROCS, "-" for none: the runner reads the CPU time of
 * the whole process tree there), sets the resource limits, drops every privilege to UID and execs
 * the program; a failure is written to fd 3 (close-on-exec, so success leaves it silent).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void fail(const char *what) {
  dprintf(3, "%s: %s", what, strerror(errno));
  _exit(127);
}

static void limit(int resource, rlim_t soft, rlim_t hard, const char *name) {
  struct rlimit rl = {soft, hard};
  if (setrlimit(resource, &rl) != 0) fail(name);
}

static void become(uid_t uid) {
  if (setgroups(0, NULL) != 0) fail("setgroups");
  if (setgid(uid) != 0) fail("setgid");
  if (setuid(uid) != 0) fail("setuid");
}

int main(int argc, char **argv) {
  if (argc < 12 || strcmp(argv[1], "run") != 0 || strcmp(argv[10], "--") != 0) {
    dprintf(3, "usage: launch run CPU_S FSIZE NPROC STACK AS UID DIR CGROUP -- PROGRAM ARGS...");
    return 127;
  }
  if (strcmp(argv[9], "-") != 0) {
    int fd = open(argv[9], O_WRONLY);
    if (fd < 0 || dprintf(fd, "%d", (int)getpid()) < 0 || close(fd) != 0) fail("cgroup");
  }
  rlim_t cpu = strtoull(argv[2], NULL, 10);
  limit(RLIMIT_CPU, cpu, cpu + 1, "RLIMIT_CPU");
  rlim_t fsize = strtoull(argv[3], NULL, 10);
  limit(RLIMIT_FSIZE, fsize, fsize, "RLIMIT_FSIZE");
  rlim_t nproc = strtoull(argv[4], NULL, 10);
  limit(RLIMIT_NPROC, nproc, nproc, "RLIMIT_NPROC");
  rlim_t stack = strtoull(argv[5], NULL, 10);
  limit(RLIMIT_STACK, stack, stack, "RLIMIT_STACK");
  limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE");
  rlim_t address_space = strtoull(argv[6], NULL, 10);  /* 0: no limit */
  if (address_space > 0) limit(RLIMIT_AS, address_space, address_space, "RLIMIT_AS");
  become((uid_t)strtoul(argv[7], NULL, 10));
  if (chdir(argv[8]) != 0) fail("chdir");
  if (fcntl(3, F_SETFD, FD_CLOEXEC) != 0) fail("fcntl");
  execvp(argv[11], argv + 11);
  fail(argv[11]);
  return 127;
}
