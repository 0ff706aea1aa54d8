/*
 * spawnstat.c — runs one command and reports what that process alone cost:
 * wall time from spawn to exit, peak RSS (ru_maxrss from wait4) and CPU.
 *
 *   spawnstat PROGRAM [ARGS...]
 *
 * Prints {"wall_s": ..., "maxrss_kib": ..., "user_s": ..., "sys_s": ...,
 * "status": ...}. A small launcher is needed because a child's ru_maxrss
 * also counts the memory of the process that spawned it (until its exec):
 * launched from a large benchmark driver, a tiny command would report the
 * driver's size.
 */
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

/* Returns seconds of a monotonic clock. */
static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: spawnstat PROGRAM [ARGS...]\n");
        return 2;
    }
    pid_t pid;
    double t0 = s_now();
    int rc = posix_spawn(&pid, argv[1], NULL, NULL, argv + 1, environ);
    if (rc != 0) {
        fprintf(stderr, "spawnstat: cannot run %s\n", argv[1]);
        return 1;
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("spawnstat: wait4");
        return 1;
    }
    double wall = s_now() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("{\"wall_s\": %.6f, \"maxrss_kib\": %ld, \"user_s\": %.6f, "
           "\"sys_s\": %.6f, \"status\": %d}\n",
           wall, ru.ru_maxrss,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
           code);
    return code == 0 ? 0 : 1;
}
