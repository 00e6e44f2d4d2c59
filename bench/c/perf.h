/*
 * Shared helpers for the libzmq perf tool equivalents in this directory.
 * The tools exist so that purezmq's Go perf tools can be paired with real
 * libzmq in either role; their arguments and result lines therefore follow
 * libzmq's perf/ programs exactly, since scripts parse them.
 */
#ifndef PUREZMQ_BENCH_PERF_H
#define PUREZMQ_BENCH_PERF_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

/* Errors go to stderr so that stdout carries only the result lines. */
static inline void perf_die (const char *call)
{
    fprintf (stderr, "error in %s: %s\n", call, zmq_strerror (zmq_errno ()));
    exit (1);
}

static inline void perf_usage (const char *usage)
{
    printf ("usage: %s\n", usage);
    exit (1);
}

/*
 * libzmq reads its numbers with atoi, which turns typos into 0 and runs a
 * meaningless benchmark; refuse them instead.
 */
static inline int perf_number (const char *arg, long min, const char *usage)
{
    char *end;
    long v;

    errno = 0;
    v = strtol (arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < min || v > INT_MAX) {
        fprintf (stderr, "invalid number %s (want %ld..%d)\n", arg, min,
                 INT_MAX);
        perf_usage (usage);
    }
    return (int) v;
}

/* Microseconds on a monotonic clock: the unit of zmq_stopwatch_stop. */
static inline unsigned long perf_now_us (void)
{
    struct timespec ts;

    if (clock_gettime (CLOCK_MONOTONIC, &ts) != 0) {
        perror ("clock_gettime");
        exit (1);
    }
    return (unsigned long) ts.tv_sec * 1000000UL
           + (unsigned long) ts.tv_nsec / 1000UL;
}

/*
 * The throughput figures as libzmq computes them: the count includes the
 * first message although the clock starts when it arrives, and megabits are
 * derived from the truncated msg/s. Kept so figures compare like for like.
 */
static inline void perf_print_throughput (int message_size,
                                          int message_count,
                                          unsigned long elapsed_us)
{
    unsigned long throughput;
    double megabits;

    if (elapsed_us == 0)
        elapsed_us = 1;
    throughput = (unsigned long) ((double) message_count
                                  / (double) elapsed_us * 1000000);
    megabits = (double) (throughput * (unsigned long) message_size * 8)
               / 1000000;
    printf ("mean throughput: %d [msg/s]\n", (int) throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
}

/* Half the mean round trip, as libzmq reports latency. */
static inline void perf_print_latency (int roundtrip_count,
                                       unsigned long elapsed_us)
{
    printf ("average latency: %.3f [us]\n",
            (double) elapsed_us / ((double) roundtrip_count * 2));
}

/* Receives one message and insists on its size, as libzmq's tools do. */
static inline void perf_recv_sized (void *s, zmq_msg_t *msg, size_t size)
{
    if (zmq_msg_recv (msg, s, 0) < 0)
        perf_die ("zmq_msg_recv");
    if (zmq_msg_size (msg) != size) {
        fprintf (stderr, "message of incorrect size received\n");
        exit (1);
    }
}


/* Makes a socket of the given type, or exits. */
static inline void *perf_socket (void *ctx, int type)
{
    void *s = zmq_socket (ctx, type);

    if (!s)
        perf_die ("zmq_socket");
    return s;
}

/* Binds s to endpoint (bind is non-zero) or connects it there, or exits. */
static inline void perf_attach (void *s, const char *endpoint, int bind)
{
    if (bind ? zmq_bind (s, endpoint) != 0 : zmq_connect (s, endpoint) != 0)
        perf_die (bind ? "zmq_bind" : "zmq_connect");
}

/* Closes s, or exits. */
static inline void perf_close (void *s)
{
    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
}

/* Starts fn(arg) on a thread of its own, or exits. */
static inline pthread_t perf_spawn (void *(*fn) (void *), void *arg)
{
    pthread_t thread;
    int rc = pthread_create (&thread, NULL, fn, arg);

    if (rc != 0) {
        fprintf (stderr, "error in pthread_create: %s\n", strerror (rc));
        exit (1);
    }
    return thread;
}

/* Waits for a thread from perf_spawn, or exits. */
static inline void perf_join (pthread_t thread)
{
    int rc = pthread_join (thread, NULL);

    if (rc != 0) {
        fprintf (stderr, "error in pthread_join: %s\n", strerror (rc));
        exit (1);
    }
}

/* Sends count messages of size bytes, a fresh one each time, as libzmq's
 * remote_thr does. */
static inline void perf_send_fresh (void *s, int size, int count)
{
    zmq_msg_t msg;
    int i;

    for (i = 0; i < count; i++) {
        if (zmq_msg_init_size (&msg, (size_t) size) != 0)
            perf_die ("zmq_msg_init_size");
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
    }
}

#endif
