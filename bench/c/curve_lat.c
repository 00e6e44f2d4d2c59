/*
 * curve_lat: local_lat and remote_lat over CURVE in one process: a REP
 * CURVE server echoing (a second thread) and a REQ CURVE client (the main
 * thread) making round trips over tcp loopback, each with a context of its
 * own, as the two processes of libzmq's perf tools run with their curve
 * flag would. bench/curve_lat/main.go is the same program over purezmq.
 *
 *   curve_lat <message-size> <roundtrip-count>
 */
#include <pthread.h>
#include <string.h>

#include "perf.h"

#define USAGE "curve_lat <message-size> <roundtrip-count>"

static int message_size;
static int roundtrip_count;
static void *server;

static void *echoer (void *arg)
{
    zmq_msg_t msg;
    int i;

    (void) arg;
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");
    /* One more than measured: the warm-up round trip. */
    for (i = 0; i <= roundtrip_count; i++) {
        perf_recv_sized (server, &msg, (size_t) message_size);
        if (zmq_msg_send (&msg, server, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    zmq_msg_close (&msg);
    return NULL;
}

int main (int argc, char *argv[])
{
    void *sctx, *cctx, *s;
    zmq_msg_t msg;
    pthread_t thread;
    unsigned long start, elapsed;
    char server_public[41], server_secret[41];
    char client_public[41], client_secret[41];
    char endpoint[256];
    size_t len = sizeof endpoint;
    int i, one = 1;

    if (argc != 3)
        perf_usage (USAGE);
    message_size = perf_number (argv[1], 0, USAGE);
    roundtrip_count = perf_number (argv[2], 1, USAGE);
    if (!zmq_has ("curve")) {
        fprintf (stderr, "libzmq was built without CURVE\n");
        return 1;
    }
    if (zmq_curve_keypair (server_public, server_secret) != 0
        || zmq_curve_keypair (client_public, client_secret) != 0)
        perf_die ("zmq_curve_keypair");

    sctx = zmq_ctx_new ();
    cctx = zmq_ctx_new ();
    if (!sctx || !cctx)
        perf_die ("zmq_ctx_new");
    server = perf_socket (sctx, ZMQ_REP);
    if (zmq_setsockopt (server, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
        || zmq_setsockopt (server, ZMQ_CURVE_SECRETKEY, server_secret, 40)
             != 0)
        perf_die ("zmq_setsockopt");
    perf_attach (server, "tcp://127.0.0.1:*", 1);
    if (zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
        perf_die ("zmq_getsockopt");

    s = perf_socket (cctx, ZMQ_REQ);
    if (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, server_public, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, client_public, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, client_secret, 40) != 0)
        perf_die ("zmq_setsockopt");
    perf_attach (s, endpoint, 0);

    thread = perf_spawn (echoer, NULL);
    if (zmq_msg_init_size (&msg, (size_t) message_size) != 0)
        perf_die ("zmq_msg_init_size");
    memset (zmq_msg_data (&msg), 0, (size_t) message_size);

    /* One round trip before the clock starts: the handshake is done. */
    if (zmq_msg_send (&msg, s, 0) < 0)
        perf_die ("zmq_msg_send");
    perf_recv_sized (s, &msg, (size_t) message_size);

    start = perf_now_us ();
    for (i = 0; i < roundtrip_count; i++) {
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
        perf_recv_sized (s, &msg, (size_t) message_size);
    }
    elapsed = perf_now_us () - start;
    zmq_msg_close (&msg);

    perf_join (thread);
    if (zmq_close (s) != 0 || zmq_close (server) != 0)
        perf_die ("zmq_close");
    if (zmq_ctx_term (cctx) != 0 || zmq_ctx_term (sctx) != 0)
        perf_die ("zmq_ctx_term");

    printf ("message size: %d [B]\n", message_size);
    printf ("roundtrip count: %d\n", roundtrip_count);
    perf_print_latency (roundtrip_count, elapsed);
    return 0;
}
