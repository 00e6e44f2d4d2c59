package interop

import (
	"fmt"
	"testing"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// TestRouterDealers: a ROUTER and three DEALERs with set routing ids, the
// ROUTER ours and the DEALERs libzmq's or the other way round, either side
// binding. The ROUTER sees each DEALER's id on what it sent, and routes
// replies by id, in an order unrelated to the order of the requests.
func TestRouterDealers(t *testing.T) {
	ids := []string{"dealer-a", "dealer-b", "\xffbinary\x00id"}
	for _, routerOurs := range []bool{true, false} {
		for _, routerBinds := range []bool{true, false} {
			for _, tr := range transports {
				who := "ROUTER(ours)-DEALERs(libzmq)"
				if !routerOurs {
					who = "ROUTER(libzmq)-DEALERs(ours)"
				}
				where := "router-binds"
				if !routerBinds {
					where = "dealers-bind"
				}
				t.Run(fmt.Sprintf("%s/%s/%s", who, where, tr), func(t *testing.T) {
					var router end
					if routerOurs {
						router = ourEnd{newOurs(t, zmq.ROUTER)}
					} else {
						router = lzEnd{newLZ(t, zmq.ROUTER)}
					}
					dealers := make([]end, len(ids))
					for i, id := range ids {
						if routerOurs {
							dealers[i] = lzEnd{newLZ(t, zmq.DEALER, func(s *zmq4.Socket) error { return s.SetIdentity(id) })}
						} else {
							dealers[i] = ourEnd{newOurs(t, zmq.DEALER, zmq.WithRoutingID([]byte(id)))}
						}
					}
					if routerBinds {
						ep := router.bind(t, bindAddr(t, tr))
						for _, d := range dealers {
							d.connect(t, ep)
						}
					} else {
						for _, d := range dealers {
							router.connect(t, d.bind(t, bindAddr(t, tr)))
						}
					}
					for round := 0; round < 2; round++ {
						for i, d := range dealers {
							d.send(t, []byte(fmt.Sprint("hello ", i, " ", round)), []byte("part 2"))
						}
						seen := map[string]bool{}
						for range dealers {
							m := router.recv(t)
							if len(m) != 3 {
								t.Fatalf("ROUTER received %s; want [id hello part]", show(m))
							}
							id := string(m[0])
							i := indexOf(ids, id)
							if i < 0 || seen[id] {
								t.Fatalf("ROUTER received routing id %q; want one of %q, once", id, ids)
							}
							seen[id] = true
							expectFrames(t, m[1:], frames(fmt.Sprint("hello ", i, " ", round), "part 2"))
						}
						// Reply last dealer first.
						for i := len(ids) - 1; i >= 0; i-- {
							router.send(t, []byte(ids[i]), []byte(fmt.Sprint("reply to ", i, " ", round)))
						}
						for i, d := range dealers {
							expectFrames(t, d.recv(t), frames(fmt.Sprint("reply to ", i, " ", round)))
						}
					}
				})
			}
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestRouterREQ: REQ's envelope (id, empty delimiter, body) through a
// ROUTER, one side ours, either binding.
func TestRouterREQ(t *testing.T) {
	for _, routerOurs := range []bool{true, false} {
		for _, oursBinds := range []bool{true, false} {
			for _, tr := range transports {
				name := "REQ(libzmq)-ROUTER(ours)"
				oursType, lzType := zmq.ROUTER, zmq.REQ
				if !routerOurs {
					name = "REQ(ours)-ROUTER(libzmq)"
					oursType, lzType = zmq.REQ, zmq.ROUTER
				}
				t.Run(fmt.Sprintf("%s/%s/%s", name, binderName(oursBinds), tr), func(t *testing.T) {
					var ours end
					if oursType == zmq.REQ {
						ours = ourEnd{newOurs(t, oursType, zmq.WithRoutingID([]byte("client")))}
					} else {
						ours = ourEnd{newOurs(t, oursType)}
					}
					lz := lzEnd{newLZ(t, lzType, func(s *zmq4.Socket) error {
						if lzType == zmq.REQ {
							return s.SetIdentity("client")
						}
						return nil
					})}
					connectPair(t, ours, lz, oursBinds, tr)
					req, router := end(lz), ours
					if !routerOurs {
						req, router = ours, lz
					}
					for round := 0; round < 3; round++ {
						body := fmt.Sprint("request ", round)
						req.send(t, []byte(body))
						expectFrames(t, router.recv(t), frames("client", "", body))
						router.send(t, frames("client", "", fmt.Sprint("reply ", round))...)
						expectFrames(t, req.recv(t), frames(fmt.Sprint("reply ", round)))
					}
				})
			}
		}
	}
}
