/*
 * The floor of the agent benchmark: the CPU time the kernel and a minimal reader need for the files one
 * agent iteration reads. Built by agent_bench.ts with `gcc -O2`.
 *
 *   floor open  PASSES LIST   each pass: open, read until EOF, close every file in LIST
 *   floor pread PASSES LIST   open every file once; each pass: one pread at offset 0 per file
 *
 * LIST holds one path per line. Prints one line per pass: the CPU nanoseconds the pass took
 * (CLOCK_PROCESS_CPUTIME_ID). Exits 1, naming the file, when one cannot be opened or read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static char buffer[1 << 16];

static long long cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void fail(const char *what, const char *path) {
  fprintf(stderr, "floor: cannot %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

static char **read_list(const char *name, int *count) {
  FILE *list = fopen(name, "r");
  if (!list) fail("open", name);
  int capacity = 1024;
  char **paths = malloc(capacity * sizeof *paths);
  char *line = NULL;
  size_t size = 0;
  ssize_t length;
  *count = 0;
  while ((length = getline(&line, &size, list)) > 0) {
    if (line[length - 1] == '\n') line[--length] = '\0';
    if (length == 0) continue;
    if (*count == capacity) paths = realloc(paths, (capacity *= 2) * sizeof *paths);
    paths[(*count)++] = strdup(line);
  }
  free(line);
  fclose(list);
  return paths;
}

int main(int argc, char **argv) {
  if (argc != 4 || (strcmp(argv[1], "open") != 0 && strcmp(argv[1], "pread") != 0)) {
    fprintf(stderr, "usage: floor open|pread PASSES LIST\n");
    return 2;
  }
  int pread_mode = strcmp(argv[1], "pread") == 0;
  int passes = atoi(argv[2]);
  int count;
  char **paths = read_list(argv[3], &count);
  int *fds = NULL;
  if (pread_mode) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = limit.rlim_max;
      setrlimit(RLIMIT_NOFILE, &limit);
    }
    fds = malloc(count * sizeof *fds);
    for (int i = 0; i < count; i++) {
      fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0) fail("open", paths[i]);
    }
  }
  for (int pass = 0; pass < passes; pass++) {
    long long start = cpu_ns();
    for (int i = 0; i < count; i++) {
      if (pread_mode) {
        if (pread(fds[i], buffer, sizeof buffer, 0) < 0) fail("read", paths[i]);
        continue;
      }
      int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
      if (fd < 0) fail("open", paths[i]);
      ssize_t got;
      while ((got = read(fd, buffer, sizeof buffer)) > 0) {
      }
      if (got < 0) fail("read", paths[i]);
      close(fd);
    }
    printf("%lld\n", cpu_ns() - start);
  }
  return 0;
}
