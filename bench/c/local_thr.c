/*
 * local_thr: binds a PULL socket, receives <message-count> messages of
 * <message-size> bytes and reports the throughput. Pair with remote_thr.
 */
#include "perf.h"

#define USAGE "local_thr <bind-to> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    const char *bind_to;
    int message_size, message_count, i;
    void *ctx, *s;
    zmq_msg_t msg;
    unsigned long start, elapsed;

    if (argc != 4)
        perf_usage (USAGE);
    bind_to = argv[1];
    message_size = perf_number (argv[2], 0, USAGE);
    message_count = perf_number (argv[3], 1, USAGE);

    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_PULL);
    perf_attach (s, bind_to, 1);
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");

    /* The clock starts at the first message so connection set-up and the
       sender's start-up are not measured. */
    perf_recv_sized (s, &msg, (size_t) message_size);
    start = perf_now_us ();
    for (i = 1; i < message_count; i++)
        perf_recv_sized (s, &msg, (size_t) message_size);
    elapsed = perf_now_us () - start;

    zmq_msg_close (&msg);

    printf ("message size: %d [B]\n", message_size);
    printf ("message count: %d\n", message_count);
    perf_print_throughput (message_size, message_count, elapsed);

    perf_close (s);
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
