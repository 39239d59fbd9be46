/* File I/O through the syscall layer: write/read/lseek/pread/fstat/stat on a
 * temporary file, getdents (readdir) of a directory we create, rename,
 * unlink, and a pipe. Names under /tmp are random, so none is printed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond) do { if (!(cond)) { printf("FAILED: %s (line %d)\n", #cond, __LINE__); exit(1); } } while (0)

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_file(const char *dir) {
    char path[256];
    snprintf(path, sizeof path, "%s/data.bin", dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0);
    char block[1000];
    for (int i = 0; i < 1000; i++) block[i] = (char)(i * 13);
    long total = 0;
    for (int i = 0; i < 10; i++) total += write(fd, block, sizeof block);
    printf("wrote %ld bytes\n", total);

    printf("lseek(0, SEEK_CUR) = %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("lseek(-10, SEEK_END) = %ld\n", (long)lseek(fd, -10, SEEK_END));
    unsigned char tail[16];
    printf("read at end: %ld bytes\n", (long)read(fd, tail, sizeof tail));
    printf("tail bytes: %02x %02x ... %02x\n", tail[0], tail[1], tail[9]);
    printf("read past end: %ld\n", (long)read(fd, tail, sizeof tail));
    printf("lseek(4321, SEEK_SET) = %ld\n", (long)lseek(fd, 4321, SEEK_SET));
    unsigned char middle[4];
    CHECK(read(fd, middle, 4) == 4);
    printf("bytes at 4321: %02x %02x %02x %02x\n", middle[0], middle[1], middle[2], middle[3]);
    CHECK(pread(fd, middle, 4, 999) == 4);
    printf("pread at 999: %02x %02x %02x %02x\n", middle[0], middle[1], middle[2], middle[3]);

    struct stat by_fd, by_path;
    CHECK(fstat(fd, &by_fd) == 0);
    CHECK(stat(path, &by_path) == 0);
    printf("fstat size %ld, regular %d, mode %o\n", (long)by_fd.st_size, S_ISREG(by_fd.st_mode) ? 1 : 0,
           (unsigned)(by_fd.st_mode & 0777));
    printf("stat agrees with fstat: %s\n", by_fd.st_ino == by_path.st_ino && by_fd.st_size == by_path.st_size ? "yes" : "no");
    CHECK(ftruncate(fd, 123) == 0);
    CHECK(fstat(fd, &by_fd) == 0);
    printf("size after ftruncate: %ld\n", (long)by_fd.st_size);
    close(fd);

    /* stdio on the same file. */
    FILE *f = fopen(path, "a+");
    CHECK(f != NULL);
    fprintf(f, "line %d\n", 42);
    fseek(f, 0, SEEK_END);
    printf("ftell after append: %ld\n", ftell(f));
    fclose(f);

    struct stat missing;
    printf("stat of a missing file fails: %s\n", stat("/nonexistent/wemu/file", &missing) != 0 ? "yes" : "no");
    printf("open of a missing file fails: %s\n", open("/nonexistent/wemu/file", O_RDONLY) < 0 ? "yes" : "no");
    char renamed[300];
    snprintf(renamed, sizeof renamed, "%s/renamed.bin", dir);
    CHECK(rename(path, renamed) == 0);
    printf("rename: old exists %d, new exists %d\n", access(path, F_OK) == 0, access(renamed, F_OK) == 0);
}

static void test_directory(const char *dir) {
    char path[300];
    const char *names[] = {"zeta", "alpha", "mid.txt", "b"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        int fd = open(path, O_CREAT | O_WRONLY, 0600);
        CHECK(fd >= 0);
        close(fd);
    }
    snprintf(path, sizeof path, "%s/subdir", dir);
    CHECK(mkdir(path, 0755) == 0);

    DIR *d = opendir(dir);
    CHECK(d != NULL);
    char *found[32];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL && count < 32) {
        const char *kind = entry->d_type == DT_DIR ? "dir" : entry->d_type == DT_REG ? "file" : "other";
        char *line = malloc(300);
        snprintf(line, 300, "%s (%s)", entry->d_name, kind);
        found[count++] = line;
    }
    closedir(d);
    qsort(found, count, sizeof found[0], compare_names);
    printf("directory has %d entries:\n", count);
    for (int i = 0; i < count; i++) printf("  %s\n", found[i]), free(found[i]);

    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        CHECK(unlink(path) == 0);
    }
    snprintf(path, sizeof path, "%s/subdir", dir);
    CHECK(rmdir(path) == 0);
    snprintf(path, sizeof path, "%s/renamed.bin", dir);
    CHECK(unlink(path) == 0);
}

static void test_pipe(void) {
    int fds[2];
    CHECK(pipe(fds) == 0);
    const char message[] = "through the pipe";
    printf("pipe write: %ld\n", (long)write(fds[1], message, sizeof message));
    char received[64] = {0};
    printf("pipe read: %ld\n", (long)read(fds[0], received, sizeof received));
    printf("received: %s\n", received);
    close(fds[1]);
    printf("read after writer closed: %ld\n", (long)read(fds[0], received, sizeof received));
    close(fds[0]);
    int dup_fd = dup(1);
    printf("dup of stdout works: %s\n", dup_fd > 2 ? "yes" : "no");
    close(dup_fd);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[] = "/tmp/wemu-fileio-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    test_file(dir);
    test_directory(dir);
    CHECK(rmdir(dir) == 0);
    printf("directory removed\n");
    test_pipe();
    printf("done\n");
    return 0;
}
