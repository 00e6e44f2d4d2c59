package jeromq

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// jar is Debian's JeroMQ 0.3.6 (libjeromq-java).
const jar = "/usr/share/java/jeromq.jar"

// peerSource is the Java side of every test.
const peerSource = "peer/Peer.java"

// classDir holds Peer.class, built by TestMain.
var classDir string

// buildPeer compiles Peer.java against JeroMQ into a directory of the
// system's temporary directory named after the source and the jar, so a
// later run reuses it.
func buildPeer() (string, error) {
	for _, tool := range []string{"javac", "java"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", fmt.Errorf("%s not found (run scripts/install-jeromq.sh): %w", tool, err)
		}
	}
	src, err := os.ReadFile(peerSource)
	if err != nil {
		return "", err
	}
	jarInfo, err := os.Stat(jar)
	if err != nil {
		return "", fmt.Errorf("JeroMQ not installed (run scripts/install-jeromq.sh): %w", err)
	}
	sum := sha256.Sum256(fmt.Appendf(src, "%d %v", jarInfo.Size(), jarInfo.ModTime()))
	dir := filepath.Join(os.TempDir(), "purezmq-jeromq-peer-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "Peer.class")); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "purezmq-jeromq-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	out, err := exec.Command("javac", "-cp", jar, "-d", tmp, peerSource).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("javac: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
		// Another run may have put it in place meanwhile.
		if _, statErr := os.Stat(filepath.Join(dir, "Peer.class")); statErr != nil {
			return "", err
		}
	}
	return dir, nil
}

// javaPeer is one JVM running Peer, answering a line for each line sent.
type javaPeer struct {
	t     *testing.T
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
}

// startJava starts a JVM; it is stopped when the test ends.
func startJava(t *testing.T) *javaPeer {
	t.Helper()
	cmd := exec.Command("java", "-cp", jar+string(os.PathListSeparator)+classDir, "Peer")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &javaPeer{t: t, cmd: cmd, in: in, lines: make(chan string, 16)}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer close(p.lines)
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		in.Close() // Peer closes its sockets and exits at end of input
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(timeout):
			_ = cmd.Process.Kill()
			<-done
		}
		<-readerDone
	})
	return p
}

// do sends one command line and returns the answer, failing the test on an
// "err" answer or none within wait.
func (p *javaPeer) do(wait time.Duration, words ...string) string {
	p.t.Helper()
	line := strings.Join(words, " ")
	if _, err := io.WriteString(p.in, line+"\n"); err != nil {
		p.t.Fatalf("java %q: %v", line, err)
	}
	select {
	case answer, ok := <-p.lines:
		if !ok {
			p.t.Fatalf("java %q: the JVM ended", line)
		}
		if strings.HasPrefix(answer, "err") {
			p.t.Fatalf("java %q: %s", line, answer)
		}
		return answer
	case <-time.After(wait):
		p.t.Fatalf("java %q: no answer within %v", line, wait)
	}
	return ""
}

// socket makes a JeroMQ socket in the JVM.
func (p *javaPeer) socket(name, typ string) *javaSocket {
	p.t.Helper()
	p.do(commandWait, name, "new", typ)
	return &javaSocket{p: p, name: name}
}

// commandWait bounds a command that does not wait for the network: the
// first ones also wait for the JVM to start, on a machine that may be busy.
const commandWait = 30 * time.Second

// javaSocket is one JeroMQ socket of a javaPeer.
type javaSocket struct {
	p    *javaPeer
	name string
}

func (s *javaSocket) do(words ...string) string {
	s.p.t.Helper()
	return s.p.do(commandWait, append([]string{s.name}, words...)...)
}

func (s *javaSocket) identity(id string) {
	s.p.t.Helper()
	s.do("identity", hex.EncodeToString([]byte(id)))
}
func (s *javaSocket) bind(ep string)    { s.p.t.Helper(); s.do("bind", ep) }
func (s *javaSocket) connect(ep string) { s.p.t.Helper(); s.do("connect", ep) }
func (s *javaSocket) sub(topic string) {
	s.p.t.Helper()
	s.do("sub", hex.EncodeToString([]byte(topic)))
}
func (s *javaSocket) unsub(topic string) {
	s.p.t.Helper()
	s.do("unsub", hex.EncodeToString([]byte(topic)))
}

func (s *javaSocket) send(frames ...string) {
	s.p.t.Helper()
	words := []string{"send"}
	for _, f := range frames {
		words = append(words, "x"+hex.EncodeToString([]byte(f)))
	}
	s.do(words...)
}

// tryRecv waits up to d for a message; ok is false if none came.
func (s *javaSocket) tryRecv(d time.Duration) (frames []string, ok bool) {
	s.p.t.Helper()
	answer := s.p.do(d+commandWait, s.name, "recv", fmt.Sprint(d.Milliseconds()))
	if answer == "timeout" {
		return nil, false
	}
	words := strings.Fields(answer)
	if len(words) < 2 || words[0] != "msg" {
		s.p.t.Fatalf("java recv: %q", answer)
	}
	for _, w := range words[1:] {
		b, err := hex.DecodeString(strings.TrimPrefix(w, "x"))
		if err != nil {
			s.p.t.Fatalf("java recv: %q: %v", answer, err)
		}
		frames = append(frames, string(b))
	}
	return frames, true
}

// recv waits for a message, failing the test if none comes in time.
func (s *javaSocket) recv() []string {
	s.p.t.Helper()
	frames, ok := s.tryRecv(timeout)
	if !ok {
		s.p.t.Fatalf("java %s: no message within %v", s.name, timeout)
	}
	return frames
}
