package conformancetest

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bounds of the hostile chat checks: how much a check sends at most while
// it waits for the server to drop or kick a member that does not read.
const (
	chatFloodLines = 40_000
	chatWindow     = 4 // messages in flight to a reading member
)

// ChatHostileCases are the checks of members that misbehave: over TCP the
// room drops lines to a member that does not read and kicks it, and the
// members that read lose nothing; over UDP the members that read lose
// nothing either.
func ChatHostileCases() []ChatCase {
	return []ChatCase{
		{"member that never reads", func(t *testing.T, r *chatRoom) {
			a, b := r.member("alice"), r.member("bob")
			slow := r.member("slow") // logged in, then never reads again
			if tc, ok := slow.c.(*net.TCPConn); ok {
				tc.SetReadBuffer(4096)
			}
			text := strings.Repeat("z", 900)
			limit := chatFloodLines
			if r.udp() {
				limit = 1000
			}
			for i := 0; i < limit; i += chatWindow {
				if r.udp() {
					b.send("P bob") // a listener keeps itself in
				}
				for j := range chatWindow {
					a.send(fmt.Sprintf("C alice %d %s", i+j, text))
				}
				for j := 0; j < chatWindow; {
					line := b.next()
					if r.udp() && line == "PONG" {
						continue
					}
					require.Equal(t, fmt.Sprintf("M alice %d %s", i+j, text), line)
					j++
				}
				if !r.udp() && i%200 == 0 && a.stats().Kicked > 0 {
					break
				}
			}
			b.sync()
			s := a.stats()
			t.Logf("%+v", s)
			if !r.udp() {
				assert.NotZero(t, s.Dropped, "lines to the slow member were dropped")
				assert.Equal(t, uint64(1), s.Kicked, "the slow member was kicked")
				assert.Equal(t, uint64(2), s.Members)
				slow.drained()
			}
		}},
		{"sender faster than it reads", func(t *testing.T, r *chatRoom) {
			a, b := r.member("alice"), r.member("bob")
			fast := r.member("fast")
			if tc, ok := fast.c.(*net.TCPConn); ok {
				tc.SetReadBuffer(4096)
			}
			limit := 20 * chatFloodLines // S: 2 bytes in, a STATS line out
			if r.udp() {
				limit = 2000
			}
			flood := []byte(strings.Repeat("S\n", 500))
			if r.udp() {
				flood = []byte("P fast\n")
			}
			for i := 0; i < limit; i += strings.Count(string(flood), "\n") {
				fast.c.SetWriteDeadline(time.Now().Add(Timeout))
				if _, err := fast.c.Write(flood); err != nil {
					break // kicked
				}
				if r.udp() && i%200 == 0 { // the others keep themselves in
					a.settled()
					b.settled()
				}
				if !r.udp() && i%1000 == 0 && a.stats().Kicked > 0 {
					break
				}
			}
			if r.udp() {
				a.settled() // the flood the server's socket took is served
				b.settled()
			}
			for i := range 20 {
				a.send(fmt.Sprintf("C alice after %d", i))
				b.expect(fmt.Sprintf("M alice after %d", i))
			}
			if r.udp() {
				r.stats()
				return
			}
			// Its answers overflowed its outbox; whether it was also kicked
			// depends on how much its socket buffer took (the kernel's).
			s := r.stats()
			t.Logf("%+v", s)
			assert.NotZero(t, s.Dropped, "answers to the member that does not read them were dropped")
			assert.LessOrEqual(t, s.Kicked, uint64(1))
		}},
	}
}
