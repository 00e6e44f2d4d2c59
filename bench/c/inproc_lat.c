/*
 * inproc_lat: local_lat and remote_lat in one process over inproc://, the
 * echoing REP socket on a second thread.
 */
#include <pthread.h>
#include <string.h>

#include "perf.h"

#define USAGE "inproc_lat <message-size> <roundtrip-count>"
#define ENDPOINT "inproc://lat_test"

static int message_size;
static int roundtrip_count;

static void *echoer (void *ctx)
{
    void *s;
    zmq_msg_t msg;
    int i;

    s = perf_socket (ctx, ZMQ_REP);
    perf_attach (s, ENDPOINT, 0);
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");
    for (i = 0; i < roundtrip_count; i++) {
        perf_recv_sized (s, &msg, (size_t) message_size);
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    zmq_msg_close (&msg);
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
    roundtrip_count = perf_number (argv[2], 1, USAGE);

    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_REQ);
    perf_attach (s, ENDPOINT, 1);

    thread = perf_spawn (echoer, ctx);
    if (zmq_msg_init_size (&msg, (size_t) message_size) != 0)
        perf_die ("zmq_msg_init_size");
    memset (zmq_msg_data (&msg), 0, (size_t) message_size);

    printf ("message size: %d [B]\n", message_size);
    printf ("roundtrip count: %d\n", roundtrip_count);

    start = perf_now_us ();
    for (i = 0; i < roundtrip_count; i++) {
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
        perf_recv_sized (s, &msg, (size_t) message_size);
    }
    elapsed = perf_now_us () - start;
    zmq_msg_close (&msg);

    perf_join (thread);

    perf_print_latency (roundtrip_count, elapsed);

    perf_close (s);
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
