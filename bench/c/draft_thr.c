/*
 * draft_thr: libzmq's draft socket types, in two modes. It needs a libzmq
 * built with the draft API (bench/draft.sh links it against npm's libzmq
 * 4.3.5). bench/draft_thr/main.go is the same program over purezmq: the
 * arguments and result lines are identical, so bench/draft.sh parses both
 * alike.
 *
 *   draft_thr rtt <endpoint> <message-size> <roundtrips>
 *     A SERVER (a thread) echoes each message to the routing id it came
 *     from; a CLIENT (the main thread) makes <roundtrips> round trips one
 *     after the other. Reports round trips per second and the mean round
 *     trip.
 *
 *   draft_thr radio <endpoint> <message-size> <message-count>
 *     A RADIO (the main thread) sends <message-count> messages in group
 *     "bench" to a DISH (a thread) that joined it. ZMQ_XPUB_NODROP makes the
 *     RADIO wait for room in its queue rather than drop. Over tcp, ipc and
 *     inproc the RADIO binds, and every message arrives; over udp the DISH
 *     binds the endpoint given, and what the receiving kernel drops is
 *     lost. Reports messages received per second,
 *     from the first send to the last message received, and how many were
 *     received.
 *
 * endpoint is tcp://127.0.0.1:*, ipc://path, inproc://name or, for radio,
 * udp://127.0.0.1:port. Except over inproc the two sides have contexts of
 * their own, as two processes would. HWMs are libzmq's default, 1000.
 */
#include <stdatomic.h>
#include <string.h>

#include "perf.h"

#define USAGE "draft_thr rtt|radio <endpoint> <message-size> <count>"

static void *ctx_a, *ctx_b;
static char endpoint[256];
static int message_size, count;

/* rtt ---------------------------------------------------------------- */

static void *echo_main (void *server)
{
    zmq_msg_t msg;
    int i;

    zmq_msg_init (&msg);
    for (i = 0; i <= count; i++) {
        if (zmq_msg_recv (&msg, server, 0) < 0)
            perf_die ("zmq_msg_recv");
        /* The message keeps the routing id it came with. */
        if (zmq_msg_send (&msg, server, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    zmq_msg_close (&msg);
    return NULL;
}

static void rtt (void)
{
    void *server = perf_socket (ctx_a, ZMQ_SERVER), *client;
    size_t len = sizeof endpoint;
    char *body = calloc (1, (size_t) message_size + 1);
    zmq_msg_t msg;
    pthread_t echo;
    unsigned long start, elapsed;
    int i;

    perf_attach (server, endpoint, 1);
    if (zmq_getsockopt (server, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
        perf_die ("zmq_getsockopt");
    echo = perf_spawn (echo_main, server);
    client = perf_socket (ctx_b, ZMQ_CLIENT);
    perf_attach (client, endpoint, 0);
    if (!body || zmq_msg_init (&msg) != 0)
        perf_die ("init");
    /* One round trip before the clock starts: the connection is up. */
    if (zmq_send (client, body, (size_t) message_size, 0) < 0)
        perf_die ("zmq_send");
    perf_recv_sized (client, &msg, (size_t) message_size);
    start = perf_now_us ();
    for (i = 0; i < count; i++) {
        if (zmq_send (client, body, (size_t) message_size, 0) < 0)
            perf_die ("zmq_send");
        perf_recv_sized (client, &msg, (size_t) message_size);
    }
    elapsed = perf_now_us () - start;
    if (elapsed == 0)
        elapsed = 1;
    perf_join (echo);
    printf ("round trips per second: %d\n",
            (int) ((double) count / (double) elapsed * 1000000));
    printf ("mean round trip: %.3f [us]\n", (double) elapsed / count);
    zmq_msg_close (&msg);
    free (body);
    perf_close (client);
    perf_close (server);
}

/* radio -------------------------------------------------------------- */

static atomic_int heard, done;
static atomic_ulong last_us;
static int received, udp;

static void *dish_main (void *dish)
{
    zmq_msg_t msg;

    zmq_msg_init (&msg);
    for (;;) {
        if (zmq_msg_recv (&msg, dish, 0) < 0)
            perf_die ("zmq_msg_recv");
        if (strcmp (zmq_msg_group (&msg), "ctl") == 0) {
            if (zmq_msg_size (&msg) == 3) { /* "end" */
                if (!udp) /* it follows the last message */
                    atomic_store (&last_us, perf_now_us ());
                break;
            }
            atomic_store (&heard, 1);
            continue;
        }
        if (zmq_msg_size (&msg) != (size_t) message_size) {
            fprintf (stderr, "message of incorrect size received\n");
            exit (1);
        }
        received++;
        if (udp) /* the end may come late, sent again until heard */
            atomic_store (&last_us, perf_now_us ());
    }
    atomic_store (&done, 1);
    zmq_msg_close (&msg);
    return NULL;
}

static void send_in (void *radio, const char *group, const void *body,
                     size_t size)
{
    zmq_msg_t msg;

    if (zmq_msg_init_size (&msg, size) != 0)
        perf_die ("zmq_msg_init_size");
    memcpy (zmq_msg_data (&msg), body, size);
    if (zmq_msg_set_group (&msg, group) != 0)
        perf_die ("zmq_msg_set_group");
    if (zmq_msg_send (&msg, radio, 0) < 0)
        perf_die ("zmq_msg_send");
}

static void nap (void)
{
    struct timespec ts = {0, 1000000};
    nanosleep (&ts, NULL);
}

static void radio_thr (void)
{
    int one = 1, i;
    void *radio = perf_socket (ctx_a, ZMQ_RADIO);
    void *dish = perf_socket (ctx_b, ZMQ_DISH);
    char *body = calloc (1, (size_t) message_size + 1);
    size_t len = sizeof endpoint;
    pthread_t t;
    unsigned long start, elapsed;

    udp = strncmp (endpoint, "udp://", 6) == 0;
    if (!body)
        perf_die ("calloc");
    if (zmq_join (dish, "bench") != 0 || zmq_join (dish, "ctl") != 0)
        perf_die ("zmq_join");
    if (zmq_setsockopt (radio, ZMQ_XPUB_NODROP, &one, sizeof one) != 0)
        perf_die ("zmq_setsockopt");
    if (udp) {
        perf_attach (dish, endpoint, 1);
        perf_attach (radio, endpoint, 0);
    } else {
        perf_attach (radio, endpoint, 1);
        if (zmq_getsockopt (radio, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
            perf_die ("zmq_getsockopt");
        perf_attach (dish, endpoint, 0);
    }
    t = perf_spawn (dish_main, dish);
    /* Until the DISH hears a probe, its JOIN (or its socket) is not in. */
    while (!atomic_load (&heard)) {
        send_in (radio, "ctl", "probe", 5);
        nap ();
    }
    start = perf_now_us ();
    for (i = 0; i < count; i++)
        send_in (radio, "bench", body, (size_t) message_size);
    /* The end, sent until heard: over udp any datagram may be lost. */
    do {
        send_in (radio, "ctl", "end", 3);
        if (!udp)
            break;
        nap ();
    } while (!atomic_load (&done));
    perf_join (t);
    elapsed = received ? atomic_load (&last_us) - start : 1;
    printf ("messages received: %d\n", received);
    perf_print_throughput (message_size, received, elapsed ? elapsed : 1);
    free (body);
    perf_close (dish);
    perf_close (radio);
}

int main (int argc, char *argv[])
{
    int inproc;

    if (argc != 5)
        perf_usage (USAGE);
    if (strlen (argv[2]) >= sizeof endpoint)
        perf_usage (USAGE);
    strcpy (endpoint, argv[2]);
    message_size = perf_number (argv[3], 0, USAGE);
    count = perf_number (argv[4], 1, USAGE);
    inproc = strncmp (endpoint, "inproc://", 9) == 0;
    ctx_a = zmq_ctx_new ();
    ctx_b = inproc ? ctx_a : zmq_ctx_new ();
    if (!ctx_a || !ctx_b)
        perf_die ("zmq_ctx_new");
    printf ("mode: %s\n", argv[1]);
    printf ("message size: %d [B]\n", message_size);
    if (strcmp (argv[1], "rtt") == 0)
        rtt ();
    else if (strcmp (argv[1], "radio") == 0)
        radio_thr ();
    else
        perf_usage (USAGE);
    if (ctx_b != ctx_a)
        zmq_ctx_term (ctx_b);
    zmq_ctx_term (ctx_a);
    return 0;
}
