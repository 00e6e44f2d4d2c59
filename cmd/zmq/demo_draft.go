package main

import (
	"context"
	"fmt"
	"time"

	"github.com/purezmq/zmq"
)

// The radio's broadcasts, each in its group: the dish joined "weather"
// only.
var broadcasts = [][2]string{{"sports", "football 3-1"}, {"weather", "london 12C"}, {"sports", "chess draw"}, {"weather", "paris 15C"}}

// demoRadioDish is group messaging over udp, with libzmq's draft types: a
// DISH binds a udp port and joins a group, a RADIO sends datagrams in
// several groups, and the DISH keeps the group it joined.
func demoRadioDish(ctx context.Context) (string, error) {
	var ss sockets
	defer ss.closeAll()
	dish, err := ss.open(zmq.DISH)
	if err != nil {
		return "", err
	}
	if err := dish.Join("weather"); err != nil {
		return "", err
	}
	if err := dish.Bind("udp://127.0.0.1:*"); err != nil {
		return "", err
	}
	radio, err := ss.connect(zmq.RADIO, dish.LastEndpoint())
	if err != nil {
		return "", err
	}
	listening := make(chan struct{})
	sent := goErr(func() error { return broadcast(ctx, radio, listening) })
	var got []string
	heard := false
	for {
		m, err := dish.Recv(ctx)
		if err != nil {
			return "", err
		}
		if !heard {
			heard = true
			close(listening)
			continue
		}
		if m.String() == "end" {
			break
		}
		if m.String() != "probe" {
			got = append(got, m.Group+" "+m.String())
		}
	}
	if err := <-sent; err != nil {
		return "", err
	}
	return fmt.Sprintf("radio sent 2 weather and 2 sports datagrams over udp; dish that joined \"weather\" got %s",
		quoteAll(got)), nil
}

// broadcast sends probes until the dish hears one (a datagram sent before
// its socket is read may be lost, as udp may lose any), then the
// broadcasts, then "end".
func broadcast(ctx context.Context, radio *zmq.Socket, listening <-chan struct{}) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := radio.Send(ctx, inGroup("weather", "probe")); err != nil {
			return err
		}
		select {
		case <-listening:
			for _, b := range append(broadcasts, [2]string{"weather", "end"}) {
				if err := radio.Send(ctx, inGroup(b[0], b[1])); err != nil {
					return err
				}
			}
			return nil
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func inGroup(group, text string) zmq.Msg {
	m := zmq.NewMsgString(text)
	m.Group = group
	return m
}
