/*
 * connscale: what idle connections cost under libzmq, memory per connection
 * and set-up time. bench/connscale/main.go is the same program over
 * purezmq: the arguments and result lines are identical.
 *
 *   connscale both <endpoint> <dealers>
 *     One ROUTER (echoing on a thread of its own) and <dealers> DEALERs in
 *     this process, each DEALER connected to the ROUTER and making one
 *     round trip; memory is per connection, both ends (and the DEALER
 *     sockets themselves). The ROUTER and the DEALERs have a context each,
 *     as two processes would.
 *
 *   connscale server <endpoint> <dealers>
 *   connscale client <endpoint> <dealers> [first-id]
 *     The ROUTER alone, echoing until <dealers> DEALERs (run by client
 *     processes) have each made a round trip; memory is the ROUTER's end
 *     only. A client holds its DEALERs connected until its standard input
 *     closes; its DEALERs are named d<first-id> onwards, so that clients
 *     sharing a ROUTER are told apart.
 *
 * 19,000 connections set up at once take two settings off their defaults,
 * on both programs alike. The ROUTER's listen backlog (ZMQ_BACKLOG) is
 * 4,096, the kernel's cap here and Go's default, where libzmq's default of
 * 100 overflowed: a client whose final ACK the kernel dropped believes it
 * is connected while the ROUTER never accepts it, for minutes. And no
 * socket has a handshake timer (ZMQ_HANDSHAKE_IVL 0): on a loaded machine
 * the default 30 s dropped a few hundred connections during set-up, and one
 * DEALER's request was lost in the reconnection. Either left the server
 * waiting for ever.
 *
 * Memory is the process's resident set (VmRSS) once the round trips are
 * done, minus what it was before the first context.
 */
#include <unistd.h>

#include "perf.h"

#define USAGE "connscale both|server|client <endpoint> <dealers> [first-id]"
#define BACKLOG 4096

static long rss_kib (void)
{
    FILE *f = fopen ("/proc/self/status", "r");
    char line[256];
    long v = -1;

    if (!f) {
        perror ("/proc/self/status");
        exit (1);
    }
    while (fgets (line, sizeof line, f))
        if (sscanf (line, "VmRSS: %ld", &v) == 1)
            break;
    fclose (f);
    return v;
}

static void report (int n, unsigned long setup_us, long before)
{
    long after;

    usleep (200000);
    after = rss_kib ();
    printf ("connections: %d\n", n);
    printf ("setup time [ms]: %.0f\n", (double) setup_us / 1000);
    printf ("rss per connection [KiB]: %.1f\n",
            (double) (after - before) / n);
}

static void *bind_router (void *ctx, const char *endpoint, char *bound,
                          size_t len)
{
    void *router = perf_socket (ctx, ZMQ_ROUTER);
    int zero = 0, backlog = BACKLOG;

    zmq_setsockopt (router, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt (router, ZMQ_HANDSHAKE_IVL, &zero, sizeof zero);
    zmq_setsockopt (router, ZMQ_BACKLOG, &backlog, sizeof backlog);
    perf_attach (router, endpoint, 1);
    if (zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, bound, &len) != 0)
        perf_die ("zmq_getsockopt");
    return router;
}

/* Echoes one message back; returns its routing id's first bytes in id. */
static int echo_one (void *router, char *id, size_t idlen)
{
    zmq_msg_t part;
    int more;

    do {
        zmq_msg_init (&part);
        if (zmq_msg_recv (&part, router, 0) < 0)
            return -1;
        if (id) {
            size_t n = zmq_msg_size (&part) < idlen - 1 ? zmq_msg_size (&part)
                                                        : idlen - 1;
            memcpy (id, zmq_msg_data (&part), n);
            id[n] = 0;
            id = NULL;
        }
        more = zmq_msg_more (&part);
        if (zmq_msg_send (&part, router, more ? ZMQ_SNDMORE : 0) < 0)
            return -1;
    } while (more);
    return 0;
}

static void *echo_thread (void *router)
{
    while (echo_one (router, NULL, 0) == 0) {
    }
    zmq_close (router);
    return NULL;
}

/* Connects n DEALERs, sends a request on each, then reads each reply. */
static void **connect_dealers (void *ctx, const char *endpoint, int n,
                               int first)
{
    void **dealers = calloc ((size_t) n, sizeof *dealers);
    char id[16], buf[16];
    int i, zero = 0;

    for (i = 0; i < n; i++) {
        dealers[i] = perf_socket (ctx, ZMQ_DEALER);
        snprintf (id, sizeof id, "d%d", first + i);
        zmq_setsockopt (dealers[i], ZMQ_ROUTING_ID, id, strlen (id));
        zmq_setsockopt (dealers[i], ZMQ_LINGER, &zero, sizeof zero);
        zmq_setsockopt (dealers[i], ZMQ_HANDSHAKE_IVL, &zero, sizeof zero);
        perf_attach (dealers[i], endpoint, 0);
        if (zmq_send (dealers[i], "hello", 5, 0) != 5)
            perf_die ("zmq_send");
    }
    for (i = 0; i < n; i++)
        if (zmq_recv (dealers[i], buf, sizeof buf, 0) < 0)
            perf_die ("zmq_recv");
    return dealers;
}

static void close_all (void **dealers, int n)
{
    int i;
    for (i = 0; i < n; i++)
        perf_close (dealers[i]);
    free (dealers);
}

int main (int argc, char *argv[])
{
    char bound[256];
    long before;
    unsigned long start;
    int n;

    if (argc != 4 && !(argc == 5 && strcmp (argv[1], "client") == 0))
        perf_usage (USAGE);
    n = perf_number (argv[3], 1, USAGE);
    before = rss_kib ();
    if (strcmp (argv[1], "both") == 0) {
        void *rctx = zmq_ctx_new (), *dctx = zmq_ctx_new ();
        void **dealers;
        pthread_t echo;
        zmq_ctx_set (rctx, ZMQ_MAX_SOCKETS, n + 16);
        zmq_ctx_set (dctx, ZMQ_MAX_SOCKETS, n + 16);
        start = perf_now_us ();
        echo = perf_spawn (echo_thread,
                           bind_router (rctx, argv[2], bound, sizeof bound));
        dealers = connect_dealers (dctx, bound, n, 0);
        report (n, perf_now_us () - start, before);
        close_all (dealers, n);
        zmq_ctx_term (dctx);
        zmq_ctx_term (rctx);
        perf_join (echo);
    } else if (strcmp (argv[1], "server") == 0) {
        void *ctx = zmq_ctx_new ();
        void *router = bind_router (ctx, argv[2], bound, sizeof bound);
        char id[32];
        char *seen = calloc ((size_t) n * 4 + 64, 1);
        int distinct = 0;
        start = 0;
        printf ("endpoint: %s\n", bound);
        fflush (stdout);
        while (distinct < n) {
            long k;
            if (echo_one (router, id, sizeof id) != 0)
                perf_die ("echo");
            if (!start)
                start = perf_now_us ();
            k = strtol (id + 1, NULL, 10);
            if (k >= 0 && k < (long) n * 4 + 64 && !seen[k]) {
                seen[k] = 1;
                distinct++;
            }
        }
        report (n, perf_now_us () - start, before);
        perf_close (router);
        zmq_ctx_term (ctx);
    } else if (strcmp (argv[1], "client") == 0) {
        void *ctx = zmq_ctx_new ();
        void **dealers;
        char buf[256];
        zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, n + 16);
        dealers = connect_dealers (
          ctx, argv[2], n, argc > 4 ? perf_number (argv[4], 0, USAGE) : 0);
        printf ("ready\n");
        fflush (stdout);
        while (fread (buf, 1, sizeof buf, stdin) > 0) {
        }
        close_all (dealers, n);
        zmq_ctx_term (ctx);
    } else
        perf_usage (USAGE);
    return 0;
}
