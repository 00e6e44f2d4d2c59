module github.com/purezmq/zmq/interop

go 1.26.0

replace github.com/purezmq/zmq => ../

require (
	github.com/gorilla/websocket v1.5.3
	github.com/pebbe/zmq4 v1.4.0
	github.com/purezmq/zmq v0.0.0
	go.uber.org/goleak v1.3.0
)

require (
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
