// Weather is publish-subscribe: a publisher sends weather updates for
// several zip codes, and a subscriber asks only for one of them. The
// filtering happens at the publisher: other updates never cross the wire.
package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"time"

	"github.com/purezmq/zmq"
)

var zipCodes = []string{"10001", "20002", "30003", "40004"}

const (
	wanted  = "10001"
	updates = 20
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	publisher, err := zmq.NewSocket(zmq.PUB)
	check(err)
	defer publisher.Close()
	check(publisher.Bind("tcp://127.0.0.1:*"))

	subscriber, err := zmq.NewSocket(zmq.SUB)
	check(err)
	defer subscriber.Close()
	check(subscriber.Connect(publisher.LastEndpoint()))
	// Topics match the start of a message; the space stops "10001" from
	// matching "100010".
	check(subscriber.Subscribe(wanted + " "))

	// The publisher publishes until told to stop. It never knows who
	// listens: updates sent before the subscription arrives are dropped,
	// which is why it keeps going rather than sending a fixed number.
	pubCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		publish(pubCtx, publisher)
	}()

	total := 0
	for range updates {
		m, err := subscriber.Recv(ctx)
		check(err)
		var zip string
		var temperature, humidity int
		_, err = fmt.Sscanf(m.String(), "%s %d %d", &zip, &temperature, &humidity)
		check(err)
		if zip != wanted {
			log.Fatalf("got an update for %s, which was not subscribed to", zip)
		}
		total += temperature
	}
	stop()
	<-done
	fmt.Printf("subscriber: %d updates, all for zip code %s; average temperature %dF\n", updates, wanted, total/updates)
}

func publish(ctx context.Context, publisher *zmq.Socket) {
	for ctx.Err() == nil {
		zip := zipCodes[rand.IntN(len(zipCodes))]
		update := fmt.Sprintf("%s %d %d", zip, rand.IntN(215)-80, rand.IntN(50)+10)
		// A PUB never blocks: with nobody subscribed, or a subscriber
		// too slow, it drops.
		if err := publisher.Send(ctx, zmq.NewMsgString(update)); err != nil {
			return
		}
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
