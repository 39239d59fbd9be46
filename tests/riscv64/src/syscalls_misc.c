/* Everyday syscalls real programs make at start-up and while running: uname,
 * process ids, clocks and sleeping, getrandom, getcwd/chdir, umask, fcntl,
 * dup2, readlink of /proc/self/exe, isatty, sysinfo-style limits. Only
 * properties that hold on every machine are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void yes_no(const char *what, int condition) { printf("%s: %s\n", what, condition ? "yes" : "no"); }

static long long nanoseconds(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    struct utsname name;
    yes_no("uname succeeds", uname(&name) == 0);
    printf("uname machine: %s\n", name.machine);
    printf("uname sysname: %s\n", name.sysname);

    yes_no("getpid positive and stable", getpid() > 0 && getpid() == getpid());
    yes_no("gettid equals getpid (one thread)", gettid() == getpid());
    yes_no("getppid positive", getppid() > 0);
    yes_no("getuid equals geteuid", getuid() == geteuid());

    long long mono_before = nanoseconds(CLOCK_MONOTONIC);
    struct timespec nap = {0, 2000000}; /* 2 ms */
    yes_no("nanosleep succeeds", nanosleep(&nap, NULL) == 0);
    long long mono_after = nanoseconds(CLOCK_MONOTONIC);
    yes_no("CLOCK_MONOTONIC advanced by at least the sleep", mono_after - mono_before >= 2000000);
    yes_no("CLOCK_REALTIME after 2020", nanoseconds(CLOCK_REALTIME) / 1000000000LL > 1577836800LL);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    yes_no("gettimeofday agrees with time()", tv.tv_sec - time(NULL) <= 1 && time(NULL) - tv.tv_sec <= 1);
    yes_no("CLOCK_PROCESS_CPUTIME_ID readable", nanoseconds(CLOCK_PROCESS_CPUTIME_ID) >= 0);

    unsigned char random_bytes[32];
    printf("getrandom returned %zd bytes\n", getrandom(random_bytes, sizeof random_bytes, 0));

    char cwd[PATH_MAX];
    yes_no("getcwd succeeds", getcwd(cwd, sizeof cwd) != NULL);
    yes_no("chdir /tmp", chdir("/tmp") == 0);
    getcwd(cwd, sizeof cwd);
    printf("cwd after chdir: %s\n", cwd);
    printf("chdir to a missing directory: %s\n", chdir("/nonexistent/wemu") == 0 ? "succeeded" : strerror(errno));

    umask(022);
    printf("umask previous: %03o\n", (unsigned)umask(077));

    int fd = fcntl(1, F_DUPFD, 10);
    printf("F_DUPFD gave fd >= 10: %s\n", fd >= 10 ? "yes" : "no");
    printf("F_GETFD on it: %d\n", fcntl(fd, F_GETFD));
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    printf("F_GETFD after FD_CLOEXEC: %d\n", fcntl(fd, F_GETFD));
    printf("dup2 to 20: %d\n", dup2(fd, 20));
    close(fd);
    close(20);
    printf("close of a closed fd: %s\n", close(20) == 0 ? "succeeded" : strerror(errno));

    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = 0;
    printf("/proc/self/exe names this program: %s\n", n > 0 ? basename(exe) : "readlink failed");

    yes_no("stdin is not a tty", !isatty(0));
    struct rlimit stack;
    yes_no("getrlimit(RLIMIT_STACK) succeeds", getrlimit(RLIMIT_STACK, &stack) == 0);
    printf("sysconf(_SC_PAGESIZE): %ld\n", sysconf(_SC_PAGESIZE));
    yes_no("sched_yield succeeds", sched_yield() == 0);
    fprintf(stderr, "a line on stderr\n");
    printf("done\n");
    return 0;
}
