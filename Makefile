# make test: everything CI runs. make bench: ours beside libzmq.
GO ?= go

.PHONY: test vet unit interop libzmq node-peers jeromq socks-server chromium perf-tools fuzz bench bench-patterns bench-ws bench-draft bench-scale demo

test: vet unit interop

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || (echo "gofmt would change:"; gofmt -l .; exit 1)
	$(GO) run $(STATICCHECK) ./...

# The CLI's tests run our perf tools against libzmq's (bench/c), so those
# are built first.
unit: perf-tools
	$(GO) test -race -count=1 ./...
	# What the race detector slows too much to show: a dropping PUB's yield.
	$(GO) test -count=1 -run 'TestDroppingPubYields' .

perf-tools: libzmq
	@$(MAKE) -s -C bench/c >/dev/null

# The interop tests need cgo and Debian's libzmq; they live in their own
# module so the main module stays cgo-free. interop/jeromq needs JeroMQ 0.3.6
# and a JDK; TestSOCKSProxy needs microsocks; interop/ws a headless chromium.
interop: libzmq node-peers jeromq socks-server chromium
	cd interop && CGO_ENABLED=1 $(GO) test -race -count=1 ./...

libzmq:
	@bash scripts/install-libzmq.sh

jeromq:
	@bash scripts/install-jeromq.sh

# microsocks, the SOCKS5 server the interop tests connect through.
socks-server:
	@bash scripts/install-socks.sh

# Debian's chromium, which interop/ws runs headless with jszmq.
chromium:
	@bash scripts/install-chromium.sh

# npm's zeromq (libzmq 4.3.5 with the draft API and ws) and jszmq, from
# interop/node's lock file.
node-peers:
	@bash scripts/install-node-peers.sh

FUZZTIME ?= 60s
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

demo:
	$(GO) run ./cmd/zmq demo

bench:
	bash bench/run.sh

bench-patterns:
	bash bench/patterns.sh

# ws:// beside tcp://, ours and libzmq 4.3.5's (npm's zeromq, interop/node).
bench-ws:
	bash bench/ws.sh

# The draft types (CLIENT/SERVER, RADIO/DISH over tcp, inproc and udp),
# ours beside libzmq 4.3.5's (npm's zeromq, interop/node).
bench-draft:
	bash bench/draft.sh

# Memory and set-up time of idle connections, ours beside libzmq.
bench-scale:
	bash bench/connscale.sh
