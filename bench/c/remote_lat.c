/*
 * remote_lat: connects a REQ socket, sends <roundtrip-count> messages of
 * <message-size> bytes one at a time, waiting for each echo, and prints the
 * average one-way latency. Pair with local_lat.
 */
#include <string.h>

#include "perf.h"

#define USAGE "remote_lat <connect-to> <message-size> <roundtrip-count>"

int main (int argc, char *argv[])
{
    const char *connect_to;
    int message_size, roundtrip_count, i;
    void *ctx, *s;
    zmq_msg_t msg;
    unsigned long start, elapsed;

    if (argc != 4)
        perf_usage (USAGE);
    connect_to = argv[1];
    message_size = perf_number (argv[2], 0, USAGE);
    roundtrip_count = perf_number (argv[3], 1, USAGE);

    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_REQ);
    perf_attach (s, connect_to, 0);
    if (zmq_msg_init_size (&msg, (size_t) message_size) != 0)
        perf_die ("zmq_msg_init_size");
    memset (zmq_msg_data (&msg), 0, (size_t) message_size);

    /* Connection set-up falls inside the timing, as in libzmq; it is one
       round trip's worth among many. */
    start = perf_now_us ();
    for (i = 0; i < roundtrip_count; i++) {
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
        perf_recv_sized (s, &msg, (size_t) message_size);
    }
    elapsed = perf_now_us () - start;
    zmq_msg_close (&msg);

    printf ("message size: %d [B]\n", message_size);
    printf ("roundtrip count: %d\n", roundtrip_count);
    perf_print_latency (roundtrip_count, elapsed);

    perf_close (s);
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
