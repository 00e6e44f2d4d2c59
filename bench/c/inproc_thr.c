/*
 * inproc_thr: local_thr and remote_thr in one process over inproc://, the
 * sender (PUSH) on a second thread.
 */
#include <pthread.h>
#include <string.h>

#include "perf.h"

#define USAGE "inproc_thr <message-size> <message-count>"
#define ENDPOINT "inproc://thr_test"

static int message_size;
static int message_count;

static void *sender (void *ctx)
{
    void *s;

    s = perf_socket (ctx, ZMQ_PUSH);
    perf_attach (s, ENDPOINT, 0);
    perf_send_fresh (s, message_size, message_count);
    perf_close (s);
    return NULL;
}

int main (int argc, char *argv[])
{
    void *ctx, *s;
    zmq_msg_t msg;
    pthread_t thread;
    unsigned long start, elapsed;
    int i;

    if (argc != 3)
        perf_usage (USAGE);
    message_size = perf_number (argv[1], 0, USAGE);
    message_count = perf_number (argv[2], 1, USAGE);

    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_PULL);
    /* Bound before the sender starts, so its connect cannot race it. */
    perf_attach (s, ENDPOINT, 1);

    thread = perf_spawn (sender, ctx);
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");

    /* libzmq's inproc_thr prints these two lines before measuring. */
    printf ("message size: %d [B]\n", message_size);
    printf ("message count: %d\n", message_count);

    perf_recv_sized (s, &msg, (size_t) message_size);
    start = perf_now_us ();
    for (i = 1; i < message_count; i++)
        perf_recv_sized (s, &msg, (size_t) message_size);
    elapsed = perf_now_us () - start;
    zmq_msg_close (&msg);

    perf_join (thread);
    perf_close (s);
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");

    perf_print_throughput (message_size, message_count, elapsed);
    return 0;
}
