// Peer is a JeroMQ program the Go tests of interop/jeromq drive, line by
// line, over its stdin and stdout. It holds named sockets; each command
// line is "NAME VERB ARGS..." and gets one line back:
//
//   s new TYPE            make socket s of TYPE (REQ, REP, PUB, ...)  -> ok
//   s identity HEX        set its identity (before bind/connect)       -> ok
//   s bind ENDPOINT       bind it                                       -> ok
//   s connect ENDPOINT    connect it                                    -> ok
//   s sub HEX / s unsub HEX   subscribe / unsubscribe                   -> ok
//   s send FRAME...       send one message, FRAME = "x" + hex of its bytes -> ok
//   s recv MILLIS         receive one message                 -> msg FRAME... | timeout
//   s close               close it                                      -> ok
//
// Anything that fails answers "err REASON". End of input closes all.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.zeromq.ZMQ;

public class Peer {
    private static final ZMQ.Context context = ZMQ.context(1);
    private static final Map<String, ZMQ.Socket> sockets = new HashMap<>();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            String reply;
            try {
                reply = run(line.trim().split(" "));
            } catch (Exception e) {
                reply = "err " + e.toString().replace('\n', ' ');
            }
            System.out.println(reply);
            System.out.flush();
        }
        for (ZMQ.Socket s : sockets.values()) {
            s.close();
        }
        context.term();
    }

    private static String run(String[] words) {
        String name = words[0];
        String verb = words.length > 1 ? words[1] : "";
        if (verb.equals("new")) {
            ZMQ.Socket s = context.socket(socketType(words[2]));
            s.setLinger(0);
            sockets.put(name, s);
            return "ok";
        }
        ZMQ.Socket s = sockets.get(name);
        if (s == null) {
            return "err no socket " + name;
        }
        switch (verb) {
        case "identity":
            s.setIdentity(unhex(words[2]));
            return "ok";
        case "bind":
            s.bind(words[2]);
            return "ok";
        case "connect":
            s.connect(words[2]);
            return "ok";
        case "sub":
            s.subscribe(unhex(words[2]));
            return "ok";
        case "unsub":
            s.unsubscribe(unhex(words[2]));
            return "ok";
        case "send":
            for (int i = 2; i < words.length; i++) {
                int flags = i < words.length - 1 ? ZMQ.SNDMORE : 0;
                if (!s.send(unframe(words[i]), flags)) {
                    return "err send failed";
                }
            }
            return "ok";
        case "recv":
            return recv(s, Integer.parseInt(words[2]));
        case "close":
            s.close();
            sockets.remove(name);
            return "ok";
        }
        return "err unknown verb " + verb;
    }

    private static String recv(ZMQ.Socket s, int millis) {
        s.setReceiveTimeOut(millis);
        byte[] first = s.recv(0);
        if (first == null) {
            return "timeout";
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (s.hasReceiveMore()) {
            frames.add(s.recv(0));
        }
        StringBuilder b = new StringBuilder("msg");
        for (byte[] f : frames) {
            b.append(" x").append(hex(f));
        }
        return b.toString();
    }

    private static int socketType(String name) {
        switch (name) {
        case "PAIR": return ZMQ.PAIR;
        case "PUB": return ZMQ.PUB;
        case "SUB": return ZMQ.SUB;
        case "REQ": return ZMQ.REQ;
        case "REP": return ZMQ.REP;
        case "DEALER": return ZMQ.DEALER;
        case "ROUTER": return ZMQ.ROUTER;
        case "PULL": return ZMQ.PULL;
        case "PUSH": return ZMQ.PUSH;
        case "XPUB": return ZMQ.XPUB;
        case "XSUB": return ZMQ.XSUB;
        }
        throw new IllegalArgumentException("socket type " + name);
    }

    private static byte[] unframe(String word) {
        if (!word.startsWith("x")) {
            throw new IllegalArgumentException("frame " + word + " does not start with x");
        }
        return unhex(word.substring(1));
    }

    private static byte[] unhex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }
}
