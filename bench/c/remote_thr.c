/*
 * remote_thr: connects a PUSH socket and sends <message-count> messages of
 * <message-size> bytes as fast as it can. Pair with local_thr, which
 * reports the figures.
 */
#include "perf.h"

#define USAGE "remote_thr <connect-to> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    const char *connect_to;
    int message_size, message_count;
    void *ctx, *s;

    if (argc != 4)
        perf_usage (USAGE);
    connect_to = argv[1];
    message_size = perf_number (argv[2], 0, USAGE);
    message_count = perf_number (argv[3], 1, USAGE);

    ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    s = perf_socket (ctx, ZMQ_PUSH);
    perf_attach (s, connect_to, 0);

    /* A fresh message each time, contents left as allocated, is what
       libzmq's remote_thr sends; filling it would add a memset per message
       that the figures it publishes do not include. */
    perf_send_fresh (s, message_size, message_count);

    /* libzmq 4.3 on the receiving side can drop the messages it holds back
       at its receive high-water mark if the peer disconnects meanwhile
       (seen over ipc: a few hundred of the last messages lost, local_thr
       waiting forever; cf. libzmq issues #1922, #4660). Pausing before the
       disconnect lets it drain. The receiver's clock has stopped by the
       time the last message arrives, so the pause is never measured. */
    zmq_sleep (1);

    /* The default infinite linger makes close and term wait until every
       queued message has been handed to the peer. */
    perf_close (s);
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
