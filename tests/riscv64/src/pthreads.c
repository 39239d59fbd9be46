/* POSIX threads: threads that each sum a range and return it through
 * pthread_join, a mutex-protected counter, a condition variable (a bounded
 * producer/consumer queue), thread-local storage, a timed wait that times
 * out, sleeping threads, many short-lived threads, a barrier, and fork from a
 * multi-threaded process. Only results known after joining are printed, so
 * the output does not depend on how the threads interleave. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUMMERS 4
#define RANGE 100000
#define COUNTERS 4
#define INCREMENTS 20000
#define ITEMS 1000
#define QUEUE 4
#define SHORT_LIVED 64

static void yes_no(const char *what, int condition) { printf("%s: %s\n", what, condition ? "yes" : "no"); }

/* Each thread sums [first, first + RANGE) and returns the sum. */
static void *sum_range(void *arg) {
    uint64_t first = (uint64_t)(uintptr_t)arg, sum = 0;
    for (uint64_t i = first; i < first + RANGE; i++) sum += i * i % 1000003;
    uint64_t *result = malloc(sizeof *result);
    *result = sum;
    return result;
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_up(void *arg) {
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t queue_not_full = PTHREAD_COND_INITIALIZER;
static int queue[QUEUE], queue_head, queue_count;

static void *produce(void *arg) {
    (void)arg;
    for (int item = 1; item <= ITEMS + 1; item++) {
        pthread_mutex_lock(&queue_lock);
        while (queue_count == QUEUE) pthread_cond_wait(&queue_not_full, &queue_lock);
        queue[(queue_head + queue_count) % QUEUE] = item <= ITEMS ? item : 0; /* 0 ends the stream */
        queue_count++;
        pthread_cond_signal(&queue_not_empty);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

static void *consume(void *arg) {
    long *total = arg;
    for (;;) {
        pthread_mutex_lock(&queue_lock);
        while (queue_count == 0) pthread_cond_wait(&queue_not_empty, &queue_lock);
        int item = queue[queue_head];
        queue_head = (queue_head + 1) % QUEUE;
        queue_count--;
        pthread_cond_signal(&queue_not_full);
        pthread_mutex_unlock(&queue_lock);
        if (item == 0) return NULL;
        *total += item;
    }
}

static __thread long tls_value = 7;

static void *use_tls(void *arg) {
    long id = (long)(intptr_t)arg;
    long initial = tls_value;
    tls_value = id * 100;
    for (int i = 0; i < 1000; i++) tls_value += 1;
    sched_yield();
    struct timespec nap = { 0, 2000000 };
    nanosleep(&nap, NULL);
    /* Returns 1 when this thread saw the initial value and its own value survived the others. */
    return (void *)(intptr_t)(initial == 7 && tls_value == id * 100 + 1000);
}

static void *tid_of(void *arg) {
    (void)arg;
    return (void *)(intptr_t)gettid();
}

static pthread_barrier_t barrier;
static int arrived;

static void *meet(void *arg) {
    (void)arg;
    __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
    int r = pthread_barrier_wait(&barrier);
    /* Everyone arrived before anyone passed. */
    return (void *)(intptr_t)((r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD) && __atomic_load_n(&arrived, __ATOMIC_SEQ_CST) == 4);
}

static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static int idle_release;

static void *idle(void *arg) {
    (void)arg;
    pthread_mutex_lock(&idle_lock);
    while (!idle_release) pthread_cond_wait(&idle_cond, &idle_lock);
    pthread_mutex_unlock(&idle_lock);
    return NULL;
}

int main(void) {
    pthread_t threads[SUMMERS];
    uint64_t total = 0, expected = 0;
    for (long i = 0; i < SUMMERS; i++) pthread_create(&threads[i], NULL, sum_range, (void *)(uintptr_t)(i * RANGE));
    for (int i = 0; i < SUMMERS; i++) {
        void *result;
        pthread_join(threads[i], &result);
        printf("range %d sum: %llu\n", i, (unsigned long long)*(uint64_t *)result);
        total += *(uint64_t *)result;
        free(result);
    }
    for (uint64_t i = 0; i < SUMMERS * RANGE; i++) expected += i * i % 1000003;
    printf("total: %llu\n", (unsigned long long)total);
    yes_no("total matches a single-threaded sum", total == expected);

    pthread_t counters[COUNTERS];
    for (int i = 0; i < COUNTERS; i++) pthread_create(&counters[i], NULL, count_up, NULL);
    for (int i = 0; i < COUNTERS; i++) pthread_join(counters[i], NULL);
    printf("mutex counter: %ld (expected %d)\n", counter, COUNTERS * INCREMENTS);

    pthread_t producer, consumer;
    long consumed = 0;
    pthread_create(&consumer, NULL, consume, &consumed);
    pthread_create(&producer, NULL, produce, NULL);
    pthread_join(producer, NULL);
    pthread_join(consumer, NULL);
    printf("condvar queue sum: %ld (expected %d)\n", consumed, ITEMS * (ITEMS + 1) / 2);

    pthread_t tls_threads[3];
    int tls_ok = 1;
    for (long i = 0; i < 3; i++) pthread_create(&tls_threads[i], NULL, use_tls, (void *)(intptr_t)(i + 1));
    for (int i = 0; i < 3; i++) {
        void *ok;
        pthread_join(tls_threads[i], &ok);
        tls_ok &= (int)(intptr_t)ok;
    }
    yes_no("thread-local storage is per thread", tls_ok && tls_value == 7);

    pthread_t t;
    void *child_tid;
    pthread_create(&t, NULL, tid_of, NULL);
    pthread_join(t, &child_tid);
    yes_no("a thread's tid differs from the pid", (pid_t)(intptr_t)child_tid != getpid() && (pid_t)(intptr_t)child_tid > 0);
    yes_no("main thread's tid is the pid", gettid() == getpid());

    int joined = 0;
    for (int i = 0; i < SHORT_LIVED; i++) {
        if (pthread_create(&t, NULL, tid_of, NULL) == 0 && pthread_join(t, NULL) == 0) joined++;
    }
    printf("short-lived threads joined: %d\n", joined);

    pthread_t meeters[4];
    int met = 1;
    pthread_barrier_init(&barrier, NULL, 4);
    for (int i = 0; i < 4; i++) pthread_create(&meeters[i], NULL, meet, NULL);
    for (int i = 0; i < 4; i++) {
        void *ok;
        pthread_join(meeters[i], &ok);
        met &= (int)(intptr_t)ok;
    }
    yes_no("barrier holds every thread until all arrive", met);

    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 20000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&m);
    int r = pthread_cond_timedwait(&c, &m, &deadline);
    pthread_mutex_unlock(&m);
    yes_no("timed wait with nobody signalling times out", r == ETIMEDOUT);

    /* fork while another thread waits: only the calling thread exists in the child. */
    pthread_t waiter;
    pthread_create(&waiter, NULL, idle, NULL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("child: runs after fork from a threaded process\n");
        fflush(stdout);
        _exit(3);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("parent: child exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    pthread_mutex_lock(&idle_lock);
    idle_release = 1;
    pthread_cond_broadcast(&idle_cond);
    pthread_mutex_unlock(&idle_lock);
    pthread_join(waiter, NULL);
    printf("all threads joined\n");
    return 0;
}
