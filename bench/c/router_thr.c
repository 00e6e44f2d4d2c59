/*
 * router_thr: ROUTER/DEALER against libzmq, in two modes. bench/router_thr/
 * main.go is the same program over purezmq: the arguments and result lines
 * are identical, so bench/patterns.sh parses both alike.
 *
 *   router_thr rtt <endpoint> <dealers> <message-size> <roundtrips>
 *     A ROUTER echo server (a thread) and <dealers> DEALERs, each in a
 *     thread of its own, each making <roundtrips> round trips one after the
 *     other. Reports round trips per second over all dealers, and the mean
 *     round trip of a dealer.
 *
 *   router_thr fanout <endpoint> <dealers> <message-size> <message-count>
 *     A ROUTER (the main thread) sends <message-count> messages by routing
 *     id to <dealers> DEALERs in turn, each in a thread counting what
 *     arrives. ZMQ_ROUTER_MANDATORY makes the ROUTER wait for a full peer
 *     instead of dropping, so every message arrives. Reports messages per
 *     second from the first send to the last message received.
 *
 * endpoint is tcp://127.0.0.1:* (port chosen by the ROUTER) or
 * inproc://name. Over tcp the ROUTER and the DEALERs have separate contexts,
 * as two processes would (one I/O thread each, libzmq's default). HWMs are
 * libzmq's default, 1000.
 */
#include <pthread.h>
#include <string.h>

#include "perf.h"

#define USAGE                                                                  \
    "router_thr rtt|fanout <endpoint> <dealers> <message-size> <count>"

struct dealer {
    pthread_t thread;
    int idx;
    unsigned long elapsed_us, end_us;
};

static void *ctx_dealers;
static char endpoint[256];
static int n, message_size, count;
static pthread_barrier_t barrier;

static void *dealer_socket (int idx, int named)
{
    void *s = zmq_socket (ctx_dealers, ZMQ_DEALER);
    char id[16];
    if (!s)
        perf_die ("zmq_socket");
    if (named) {
        snprintf (id, sizeof id, "d%05d", idx);
        if (zmq_setsockopt (s, ZMQ_ROUTING_ID, id, strlen (id)) != 0)
            perf_die ("zmq_setsockopt");
    }
    perf_attach (s, endpoint, 0);
    return s;
}

static void *rtt_dealer (void *arg)
{
    struct dealer *d = arg;
    void *s = dealer_socket (d->idx, 0);
    char *body = calloc (1, (size_t) message_size + 1);
    zmq_msg_t msg;
    unsigned long start;
    int i;

    if (!body || zmq_msg_init (&msg) != 0) {
        perror ("init");
        exit (1);
    }
    /* One round trip before the clock starts: the connection is up. */
    if (zmq_send (s, body, (size_t) message_size, 0) < 0)
        perf_die ("zmq_send");
    perf_recv_sized (s, &msg, (size_t) message_size);
    pthread_barrier_wait (&barrier);
    start = perf_now_us ();
    for (i = 0; i < count; i++) {
        if (zmq_send (s, body, (size_t) message_size, 0) < 0)
            perf_die ("zmq_send");
        perf_recv_sized (s, &msg, (size_t) message_size);
    }
    d->end_us = perf_now_us ();
    d->elapsed_us = d->end_us - start;
    zmq_msg_close (&msg);
    free (body);
    perf_close (s);
    return NULL;
}

/* Echoes exactly `total` messages, then returns. */
struct echo {
    pthread_t thread;
    void *router;
    long total;
};

static void *echo_main (void *arg)
{
    struct echo *e = arg;
    zmq_msg_t id, body;
    long i;

    zmq_msg_init (&id);
    zmq_msg_init (&body);
    for (i = 0; i < e->total; i++) {
        if (zmq_msg_recv (&id, e->router, 0) < 0)
            perf_die ("zmq_msg_recv");
        if (!zmq_msg_more (&id)) {
            fprintf (stderr, "message without a routing id\n");
            exit (1);
        }
        if (zmq_msg_recv (&body, e->router, 0) < 0)
            perf_die ("zmq_msg_recv");
        if (zmq_msg_send (&id, e->router, ZMQ_SNDMORE) < 0)
            perf_die ("zmq_msg_send");
        if (zmq_msg_send (&body, e->router, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    zmq_msg_close (&id);
    zmq_msg_close (&body);
    return NULL;
}

static void *fanout_dealer (void *arg)
{
    struct dealer *d = arg;
    void *s = dealer_socket (d->idx, 1);
    zmq_msg_t msg;
    int i, per = count / n;

    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");
    if (zmq_send (s, "h", 1, 0) < 0)
        perf_die ("zmq_send");
    for (i = 0; i < per; i++)
        perf_recv_sized (s, &msg, (size_t) message_size);
    d->end_us = perf_now_us ();
    zmq_msg_close (&msg);
    perf_close (s);
    return NULL;
}

int main (int argc, char *argv[])
{
    const char *mode;
    void *ctx_router, *router;
    size_t len = sizeof endpoint;
    struct dealer *ds;
    int i, rtt, one = 1, linger = 0;
    unsigned long start, end = 0, sent, el;

    if (argc != 6)
        perf_usage (USAGE);
    mode = argv[1];
    if (strcmp (mode, "rtt") != 0 && strcmp (mode, "fanout") != 0)
        perf_usage (USAGE);
    rtt = strcmp (mode, "rtt") == 0;
    n = perf_number (argv[3], 1, USAGE);
    message_size = perf_number (argv[4], 0, USAGE);
    count = perf_number (argv[5], 1, USAGE);
    if (!rtt && count < n) {
        fprintf (stderr, "fewer messages than dealers\n");
        return 1;
    }

    ctx_router = zmq_ctx_new ();
    if (!ctx_router)
        perf_die ("zmq_ctx_new");
    ctx_dealers = strncmp (argv[2], "inproc://", 9) == 0 ? ctx_router
                                                         : zmq_ctx_new ();
    if (!ctx_dealers)
        perf_die ("zmq_ctx_new");
    router = perf_socket (ctx_router, ZMQ_ROUTER);
    if (zmq_setsockopt (router, ZMQ_LINGER, &linger, sizeof linger) != 0)
        perf_die ("zmq_setsockopt");
    if (!rtt
        && zmq_setsockopt (router, ZMQ_ROUTER_MANDATORY, &one, sizeof one)
             != 0)
        perf_die ("zmq_setsockopt");
    perf_attach (router, argv[2], 1);
    if (zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0)
        perf_die ("zmq_getsockopt");

    ds = calloc ((size_t) n, sizeof *ds);
    if (!ds) {
        perror ("calloc");
        return 1;
    }
    printf ("mode: %s\n", mode);
    printf ("transport: %s\n", ctx_dealers == ctx_router ? "inproc" : "tcp");
    printf ("dealers: %d\n", n);
    printf ("message size: %d [B]\n", message_size);

    if (rtt) {
        struct echo e = {.router = router, .total = (long) n * (count + 1)};
        double mean = 0;
        pthread_barrier_init (&barrier, NULL, (unsigned) n + 1);
        if (pthread_create (&e.thread, NULL, echo_main, &e) != 0) {
            perror ("pthread_create");
            return 1;
        }
        for (i = 0; i < n; i++) {
            ds[i].idx = i;
            if (pthread_create (&ds[i].thread, NULL, rtt_dealer, &ds[i])
                != 0) {
                perror ("pthread_create");
                return 1;
            }
        }
        pthread_barrier_wait (&barrier);
        start = perf_now_us ();
        for (i = 0; i < n; i++) {
            pthread_join (ds[i].thread, NULL);
            if (ds[i].end_us > end)
                end = ds[i].end_us;
            mean += (double) ds[i].elapsed_us / count / n;
        }
        pthread_join (e.thread, NULL);
        el = end > start ? end - start : 1;
        printf ("roundtrips per dealer: %d\n", count);
        printf ("round trips: %ld\n", (long) n * count);
        printf ("throughput: %.0f [roundtrips/s]\n",
                (double) n * count / (double) el * 1e6);
        printf ("average round trip: %.3f [us]\n", mean);
        pthread_barrier_destroy (&barrier);
    } else {
        char (*ids)[16] = calloc ((size_t) n, sizeof *ids);
        char *body = calloc (1, (size_t) message_size + 1);
        zmq_msg_t msg;
        int per = count / n, total = per * n;
        if (!ids || !body || zmq_msg_init (&msg) != 0) {
            perror ("init");
            return 1;
        }
        for (i = 0; i < n; i++) {
            ds[i].idx = i;
            snprintf (ids[i], sizeof ids[i], "d%05d", i);
            if (pthread_create (&ds[i].thread, NULL, fanout_dealer, &ds[i])
                != 0) {
                perror ("pthread_create");
                return 1;
            }
        }
        /* Every dealer says hello: all are connected and known by id. */
        for (i = 0; i < 2 * n; i++)
            if (zmq_msg_recv (&msg, router, 0) < 0)
                perf_die ("zmq_msg_recv");
        start = perf_now_us ();
        for (i = 0; i < total; i++) {
            if (zmq_send (router, ids[i % n], 6, ZMQ_SNDMORE) < 0)
                perf_die ("zmq_send");
            if (zmq_send (router, body, (size_t) message_size, 0) < 0)
                perf_die ("zmq_send");
        }
        sent = perf_now_us ();
        for (i = 0; i < n; i++) {
            pthread_join (ds[i].thread, NULL);
            if (ds[i].end_us > end)
                end = ds[i].end_us;
        }
        el = sent > start ? sent - start : 1;
        printf ("message count: %d\n", total);
        printf ("send throughput: %.0f [msg/s]\n",
                (double) total / (double) el * 1e6);
        el = end > start ? end - start : 1;
        printf ("throughput: %.0f [msg/s]\n",
                (double) total / (double) el * 1e6);
        zmq_msg_close (&msg);
        free (ids);
        free (body);
    }

    free (ds);
    perf_close (router);
    if (ctx_dealers != ctx_router && zmq_ctx_term (ctx_dealers) != 0)
        perf_die ("zmq_ctx_term");
    if (zmq_ctx_term (ctx_router) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
