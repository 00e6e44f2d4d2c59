/*
 * curve_thr: local_thr and remote_thr over CURVE in one process: a PULL
 * CURVE server (the main thread) and a PUSH CURVE client (a second thread)
 * over tcp loopback, each with a context of its own, as the two processes
 * of libzmq's perf tools run with their curve flag would (one I/O thread
 * each). bench/curve_thr/main.go is the same program over purezmq: the
 * arguments and result lines are identical, so bench/curve.sh parses both
 * alike.
 *
 *   curve_thr <message-size> <message-count>
 */
#include <pthread.h>
#include <string.h>

#include "perf.h"

#define USAGE "curve_thr <message-size> <message-count>"

static int message_size;
static int message_count;
static char endpoint[256];
static char server_public[41];
static char client_public[41], client_secret[41];

static void *sender (void *arg)
{
    void *ctx, *s;

    (void) arg;
    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_PUSH);
    if (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, server_public, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, client_public, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, client_secret, 40) != 0)
        perf_die ("zmq_setsockopt");
    perf_attach (s, endpoint, 0);
    perf_send_fresh (s, message_size, message_count);
    perf_close (s);
    /* Linger is infinite: this waits until everything is on its way. */
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return NULL;
}

int main (int argc, char *argv[])
{
    void *ctx, *s;
    zmq_msg_t msg;
    pthread_t thread;
    unsigned long start, elapsed;
    char server_secret[41];
    size_t len = sizeof endpoint;
    int i, one = 1;

    if (argc != 3)
        perf_usage (USAGE);
    message_size = perf_number (argv[1], 0, USAGE);
    message_count = perf_number (argv[2], 1, USAGE);
    if (!zmq_has ("curve")) {
        fprintf (stderr, "libzmq was built without CURVE\n");
        return 1;
    }
    if (zmq_curve_keypair (server_public, server_secret) != 0
        || zmq_curve_keypair (client_public, client_secret) != 0)
        perf_die ("zmq_curve_keypair");

    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_PULL);
    if (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, server_secret, 40) != 0)
        perf_die ("zmq_setsockopt");
    perf_attach (s, "tcp://127.0.0.1:*", 1);
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
        perf_die ("zmq_getsockopt");

    thread = perf_spawn (sender, NULL);
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");

    /* As local_thr: the clock starts at the first message, so the
       handshake is not measured. */
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

    printf ("message size: %d [B]\n", message_size);
    printf ("message count: %d\n", message_count);
    perf_print_throughput (message_size, message_count, elapsed);
    return 0;
}
