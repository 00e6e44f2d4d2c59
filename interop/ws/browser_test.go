package ws

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/testlog"
)

// browserTimeout bounds the whole page's work: Chromium's start on a
// loaded two-core machine takes seconds.
const browserTimeout = 90 * time.Second

// page talks to three purezmq sockets with jszmq: a REQ to our REP, a SUB
// (subscribed to "news") to our PUB, a DEALER to our ROUTER; it posts what
// it got to /result.
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>purezmq from a browser</title>
<script src="/jszmq.js"></script></head>
<body><script>
const result = {};
let posted = false;
function post() {
  if (posted) return;
  posted = true;
  fetch("/result", {method: "POST", body: JSON.stringify(result)});
}
function done(key, value) {
  result[key] = value;
  if (result.req !== undefined && result.sub !== undefined && result.dealer !== undefined) post();
}
window.onerror = (msg) => { result.error = String(msg); post(); };
try {
  const zmq = window.jszmq;

  const req = new zmq.Req();
  req.connect("REP_ENDPOINT");
  req.once("message", (reply) => done("req", reply.toString()));
  req.send("hello from the browser");

  const sub = new zmq.Sub();
  sub.subscribe("news");
  sub.connect("PUB_ENDPOINT");
  const got = [];
  sub.on("message", (topic, body) => {
    if (got.length < 5) got.push(topic.toString() + "|" + body.toString());
    if (got.length === 5) done("sub", got);
  });

  const dealer = new zmq.Dealer();
  dealer.connect("ROUTER_ENDPOINT");
  dealer.once("message", (a, b) => done("dealer", a.toString() + "|" + b.toString()));
  dealer.send(["hi", "router"]);
} catch (e) {
  result.error = String(e && e.stack || e);
  post();
}
</script></body></html>
`

// browserResult is what the page reports.
type browserResult struct {
	Req    string   `json:"req"`
	Sub    []string `json:"sub"`
	Dealer string   `json:"dealer"`
	Error  string   `json:"error"`
}

// jszmqBundle builds jszmq into one script for the page.
func jszmqBundle(t *testing.T) []byte {
	t.Helper()
	if _, err := os.Stat(nodeDir + "/node_modules/jszmq"); err != nil {
		t.Fatalf("jszmq is not installed in interop/node: run `make node-peers` (%v)", err)
	}
	cmd := exec.Command("node", "bundle-jszmq.js")
	cmd.Dir = nodeDir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bundling jszmq: %v", err)
	}
	return out
}

// startChromium loads url in headless Chromium, in a process group of its
// own so its helper processes go with it when the test ends.
func startChromium(t *testing.T, url string) {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed: run scripts/install-chromium.sh (%v)", err)
	}
	// The flags keep Chromium from reaching out to the network, which is
	// closed here, and from needing a display or a sandbox.
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var log testlog.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("chromium's output:\n%s", log.String())
		}
	})
}

// A real browser: jszmq in headless Chromium talks to our REP (bound on a
// ws endpoint), our PUB (likewise, with filtering), and our ROUTER (mounted
// on the page's own http.Server with WebSocketHandler).
func TestBrowser(t *testing.T) {
	rep := newSocket(t, zmq.REP)
	if err := rep.Bind("ws://127.0.0.1:*/rep"); err != nil {
		t.Fatal(err)
	}
	pub := newSocket(t, zmq.PUB)
	if err := pub.Bind("ws://127.0.0.1:*"); err != nil {
		t.Fatal(err)
	}
	router := newSocket(t, zmq.ROUTER)

	results := make(chan browserResult, 1)
	bundle := jszmqBundle(t)
	mux := http.NewServeMux()
	mux.Handle("/router", router.WebSocketHandler())
	mux.HandleFunc("/jszmq.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		_, _ = w.Write(bundle)
	})
	var once sync.Once
	mux.HandleFunc("/result", func(w http.ResponseWriter, r *http.Request) {
		var res browserResult
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &res); err != nil {
			res.Error = fmt.Sprintf("unreadable result %q: %v", body, err)
		}
		once.Do(func() { results <- res })
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	html := strings.NewReplacer("REP_ENDPOINT", rep.LastEndpoint(), "PUB_ENDPOINT", pub.LastEndpoint()+"/news",
		"ROUTER_ENDPOINT", "ws://"+host+"/router").Replace(page)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, html)
	})

	// Our side of each conversation, until the page reports.
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		m, err := rep.Recv(ctx)
		if err == nil && m.String() == "hello from the browser" {
			_ = rep.Send(ctx, zmq.NewMsgString("hello from Go"))
		}
	}()
	go func() {
		defer wg.Done()
		m, err := router.Recv(ctx)
		if err == nil && len(m.Frames) == 3 && string(m.Frames[1]) == "hi" && string(m.Frames[2]) == "router" {
			_ = router.Send(ctx, zmq.NewMsg(m.Frames[0], []byte("welcome"), []byte("browser")))
		}
	}()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_ = pub.Send(ctx, zmq.NewMsgString("sport", fmt.Sprint(i)))
				_ = pub.Send(ctx, zmq.NewMsgString("news", fmt.Sprint(i)))
			}
		}
	}()
	defer wg.Wait()
	defer stop()

	startChromium(t, srv.URL+"/")
	var res browserResult
	select {
	case res = <-results:
	case <-time.After(browserTimeout):
		t.Fatal("the page reported nothing")
	}
	if res.Error != "" {
		t.Fatalf("the page failed: %s", res.Error)
	}
	if res.Req != "hello from Go" {
		t.Errorf("jszmq REQ got %q", res.Req)
	}
	if len(res.Sub) != 5 {
		t.Errorf("jszmq SUB got %q", res.Sub)
	}
	for _, m := range res.Sub {
		if !strings.HasPrefix(m, "news|") {
			t.Errorf("jszmq SUB got %q: not filtered", m)
		}
	}
	if res.Dealer != "welcome|browser" {
		t.Errorf("jszmq DEALER got %q", res.Dealer)
	}
}
