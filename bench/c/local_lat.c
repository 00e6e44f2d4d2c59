/*
 * local_lat: binds a REP socket and echoes <roundtrip-count> messages of
 * <message-size> bytes. Pair with remote_lat, which times the round trips
 * and prints the figures (as in libzmq, this side prints nothing).
 */
#include "perf.h"

#define USAGE "local_lat <bind-to> <message-size> <roundtrip-count>"

int main (int argc, char *argv[])
{
    const char *bind_to;
    int message_size, roundtrip_count, i;
    void *ctx, *s;
    zmq_msg_t msg;

    if (argc != 4)
        perf_usage (USAGE);
    bind_to = argv[1];
    message_size = perf_number (argv[2], 0, USAGE);
    roundtrip_count = perf_number (argv[3], 1, USAGE);

    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_REP);
    perf_attach (s, bind_to, 1);
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");

    for (i = 0; i < roundtrip_count; i++) {
        perf_recv_sized (s, &msg, (size_t) message_size);
        /* Sending the received message back avoids a copy, so only the
           transport is measured. */
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    zmq_msg_close (&msg);

    /* Infinite linger: term returns once the last reply has gone out. */
    perf_close (s);
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
