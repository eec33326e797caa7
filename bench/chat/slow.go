package main

import "time"

// slowSocket is what a slow member's connection takes before the target's
// writes to it block. The kernel grows the target's send buffer as it
// writes, by as much as the model's writes ask: in a room of 25 (corobench
// load -members 25 -slow 0.05), eventloop's send queue to the member that
// never read (its receive buffer and segments loadgen.ChatSlowRcvbuf,
// ChatSlowMSS) grew to 272,696 bytes, about 15 s into 18 KB/s, before its
// writes stopped, and it was kicked about 5 s later; in make bench-chat's
// 21 s slow run at 25 members, thread, threadpool and goroutine had
// started dropping (their outboxes full) but not yet kicked, and eventloop
// had not dropped (Linux 6.18, tcp_wmem 4096 16384 4194304).
const slowSocket = 360 << 10

// slowDuration is how long the run with slow members is measured, for a
// room of members: long enough that a slow member, which joins at the end
// of the joins, is kicked before it leaves at the end of the grace. What
// the reading members send it fills its socket, then the kick bound
// (-kick) runs (every model kicks a member whose socket takes nothing for
// that long; its outbox fills meanwhile, and lines to it are dropped); a
// second more for the room to act. Never shorter than -duration.
func (b *bench) slowDuration(members int) time.Duration {
	slow := int(b.slow*float64(members) + 0.5) // as loadgen counts them
	// A delivery is "M name text\n": a name of the run's 5-byte tag and at
	// most 3 digits.
	line := float64(b.msgSize + len("M ") + 8 + len(" \n"))
	perSecond := float64(members-slow) * b.rate * line
	if slow == 0 || perSecond <= 0 {
		return b.duration
	}
	fill := time.Duration(slowSocket / perSecond * float64(time.Second))
	d := fill + b.kick + time.Second - b.warmup - b.grace
	return max(b.duration, d.Truncate(time.Second)+time.Second)
}

// span is a run's time from the first join to the end of the grace, when
// measured for d.
func (b *bench) span(d time.Duration) time.Duration { return b.join + b.warmup + d + b.grace }
