/*
 * pubsub_thr: PUB/SUB fan-out throughput against libzmq. One PUB (the main
 * thread) sends <message-count> messages of <message-size> bytes to
 * <subscribers> SUBs, each in a thread of its own, which count what arrives.
 * bench/pubsub_thr/main.go is the same program over purezmq: the arguments
 * and result lines are identical, so bench/patterns.sh parses both alike.
 *
 *   pubsub_thr <endpoint> <subscribers> <message-size> <message-count>
 *              <all|half> <hwm> [nodrop]
 *
 * endpoint   tcp://127.0.0.1:* (port chosen by the PUB) or inproc://name.
 *            Over tcp the PUB and the SUBs have separate contexts, as two
 *            processes would (one I/O thread each, libzmq's default).
 * all|half   "all": SUBs subscribe to "" and get every message; "half":
 *            they subscribe to "A" and every other message starts with "B",
 *            so the PUB filters out half.
 * hwm        SNDHWM of the PUB and RCVHWM of the SUBs; 0 is no limit.
 * nodrop     ZMQ_XPUB_NODROP on the PUB: it waits for the slowest SUB
 *            instead of dropping, so every message arrives.
 *
 * Byte 0 of each message is its topic ("A" or "B"), byte 1 its kind: "H"
 * hello (sent until every SUB has one, so no SUB misses the start), "D"
 * data, "E" end (sent after the data until every SUB has one). A SUB's
 * clock runs from its first data message to the end message: messages the
 * PUB dropped for it are counted, not timed.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "perf.h"

#define USAGE                                                                  \
    "pubsub_thr <endpoint> <subscribers> <message-size> <message-count> "     \
    "<all|half> <hwm> [nodrop]"

#define TIMEOUT_S 120

struct sub {
    pthread_t thread;
    void *ctx;
    const char *endpoint;
    const char *topic;
    int message_size;
    int hwm;
    long received;
    unsigned long first_us, end_us;
};

static atomic_int ready, done;

static void *sub_main (void *arg)
{
    struct sub *sb = arg;
    void *s;
    zmq_msg_t msg;
    int counted = 0;
    const unsigned char *d;

    s = zmq_socket (sb->ctx, ZMQ_SUB);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_setsockopt (s, ZMQ_RCVHWM, &sb->hwm, sizeof sb->hwm) != 0)
        perf_die ("zmq_setsockopt");
    if (zmq_setsockopt (s, ZMQ_SUBSCRIBE, sb->topic, strlen (sb->topic)) != 0)
        perf_die ("zmq_setsockopt");
    perf_attach (s, sb->endpoint, 0);
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");
    for (;;) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_msg_recv");
        if (zmq_msg_size (&msg) < 2) {
            fprintf (stderr, "short message received\n");
            exit (1);
        }
        d = zmq_msg_data (&msg);
        if (d[1] == 'D') {
            if (sb->received++ == 0)
                sb->first_us = perf_now_us ();
            if (zmq_msg_size (&msg) != (size_t) sb->message_size) {
                fprintf (stderr, "message of incorrect size received\n");
                exit (1);
            }
        } else if (d[1] == 'H') {
            if (!counted) {
                counted = 1;
                atomic_fetch_add (&ready, 1);
            }
        } else if (d[1] == 'E') {
            sb->end_us = perf_now_us ();
            break;
        }
    }
    zmq_msg_close (&msg);
    atomic_fetch_add (&done, 1);
    perf_close (s);
    return NULL;
}

/* Sends a 2-byte control message without waiting; a full pipe drops it,
   and it is sent again. */
static void send_control (void *pub, char kind)
{
    char m[2] = {'A', kind};
    if (zmq_send (pub, m, 2, ZMQ_DONTWAIT) < 0 && zmq_errno () != EAGAIN)
        perf_die ("zmq_send");
}

static void sleep_us (long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep (&ts, NULL);
}

static void check_deadline (unsigned long start_us, const char *what)
{
    if (perf_now_us () - start_us > TIMEOUT_S * 1000000UL) {
        fprintf (stderr, "timed out waiting for %s\n", what);
        exit (1);
    }
}

int main (int argc, char *argv[])
{
    const char *endpoint, *filter;
    int n, message_size, message_count, hwm, nodrop = 0, half, i;
    int inproc, one = 1, linger = 0;
    void *pub_ctx, *sub_ctx, *pub;
    char last[256];
    size_t last_len = sizeof last;
    char *body_a, *body_b;
    struct sub *subs;
    unsigned long t0, start, t_sent, first = 0, end = 0, el;
    long expected, total = 0, dropped = 0;
    double mean = 0;

    if (argc != 7 && argc != 8)
        perf_usage (USAGE);
    endpoint = argv[1];
    n = perf_number (argv[2], 1, USAGE);
    message_size = perf_number (argv[3], 2, USAGE);
    message_count = perf_number (argv[4], 1, USAGE);
    filter = argv[5];
    if (strcmp (filter, "all") != 0 && strcmp (filter, "half") != 0)
        perf_usage (USAGE);
    half = strcmp (filter, "half") == 0;
    hwm = perf_number (argv[6], 0, USAGE);
    if (argc == 8) {
        if (strcmp (argv[7], "nodrop") != 0)
            perf_usage (USAGE);
        nodrop = 1;
    }
    inproc = strncmp (endpoint, "inproc://", 9) == 0;

    pub_ctx = zmq_ctx_new ();
    if (!pub_ctx)
        perf_die ("zmq_ctx_new");
    sub_ctx = inproc ? pub_ctx : zmq_ctx_new ();
    if (!sub_ctx)
        perf_die ("zmq_ctx_new");
    pub = perf_socket (pub_ctx, ZMQ_PUB);
    if (zmq_setsockopt (pub, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0
        || zmq_setsockopt (pub, ZMQ_LINGER, &linger, sizeof linger) != 0)
        perf_die ("zmq_setsockopt");
    if (nodrop && zmq_setsockopt (pub, ZMQ_XPUB_NODROP, &one, sizeof one) != 0)
        perf_die ("zmq_setsockopt");
    perf_attach (pub, endpoint, 1);
    if (zmq_getsockopt (pub, ZMQ_LAST_ENDPOINT, last, &last_len) != 0)
        perf_die ("zmq_getsockopt");

    body_a = malloc ((size_t) message_size);
    body_b = malloc ((size_t) message_size);
    subs = calloc ((size_t) n, sizeof *subs);
    if (!body_a || !body_b || !subs) {
        perror ("malloc");
        return 1;
    }
    memset (body_a, 'x', (size_t) message_size);
    memset (body_b, 'x', (size_t) message_size);
    body_a[0] = 'A';
    body_b[0] = 'B';
    body_a[1] = body_b[1] = 'D';

    for (i = 0; i < n; i++) {
        subs[i].ctx = sub_ctx;
        subs[i].endpoint = last;
        subs[i].topic = half ? "A" : "";
        subs[i].message_size = message_size;
        subs[i].hwm = hwm;
        if (pthread_create (&subs[i].thread, NULL, sub_main, &subs[i]) != 0) {
            perror ("pthread_create");
            return 1;
        }
    }

    t0 = perf_now_us ();
    while (atomic_load (&ready) < n) {
        send_control (pub, 'H');
        sleep_us (1000);
        check_deadline (t0, "subscribers");
    }

    start = perf_now_us ();
    for (i = 0; i < message_count; i++) {
        const char *b = (half && (i & 1)) ? body_b : body_a;
        if (zmq_send (pub, b, (size_t) message_size, 0) < 0)
            perf_die ("zmq_send");
    }
    t_sent = perf_now_us ();

    t0 = perf_now_us ();
    for (;;) {
        send_control (pub, 'E');
        if (atomic_load (&done) >= n)
            break;
        sleep_us (100);
        check_deadline (t0, "the end of the run");
    }
    for (i = 0; i < n; i++)
        pthread_join (subs[i].thread, NULL);

    expected = half ? (message_count + 1) / 2 : message_count;
    printf ("transport: %s\n", inproc ? "inproc" : "tcp");
    printf ("subscribers: %d\n", n);
    printf ("message size: %d [B]\n", message_size);
    printf ("message count: %d\n", message_count);
    printf ("filter: %s\n", filter);
    printf ("expected per subscriber: %ld\n", expected);
    el = t_sent - start ? t_sent - start : 1;
    printf ("send throughput: %.0f [msg/s]\n",
            (double) message_count / (double) el * 1e6);
    for (i = 0; i < n; i++) {
        struct sub *sb = &subs[i];
        double thr = 0;
        if (sb->received > 0) {
            el = sb->end_us - sb->first_us ? sb->end_us - sb->first_us : 1;
            thr = (double) sb->received / (double) el * 1e6;
            if (first == 0 || sb->first_us < first)
                first = sb->first_us;
        }
        if (sb->end_us > end)
            end = sb->end_us;
        total += sb->received;
        dropped += expected - sb->received;
        mean += thr / n;
        printf ("subscriber %d: received %ld dropped %ld throughput %.0f "
                "[msg/s]\n",
                i, sb->received, expected - sb->received, thr);
    }
    printf ("mean throughput per subscriber: %.0f [msg/s]\n", mean);
    el = first && end > first ? end - first : 1;
    printf ("total throughput: %.0f [msg/s]\n",
            first ? (double) total / (double) el * 1e6 : 0.0);
    printf ("dropped: %ld [msg] (%.2f%%)\n", dropped,
            100.0 * (double) dropped / ((double) expected * n));

    free (subs);
    free (body_a);
    free (body_b);
    perf_close (pub);
    if (sub_ctx != pub_ctx && zmq_ctx_term (sub_ctx) != 0)
        perf_die ("zmq_ctx_term");
    if (zmq_ctx_term (pub_ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
