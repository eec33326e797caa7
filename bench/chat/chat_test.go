package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/corobench/corobench/results"
)

// chatRun is a chat run of target name: members in a room with slow of them,
// joined logged in, every delivery owed read at rate per reader except
// short of them, each at latency p.
func chatRun(name string, members, slow, joined int, p time.Duration, short float64) results.Run {
	h := results.NewHistogram()
	h.Record(p)
	readers := float64(members - slow)
	owed := 10 * readers * (readers - 1)
	return results.Run{
		Target:    name,
		Resources: &results.Resources{User: 0.2, Sys: 0.2, Waited: 1.2},
		Load: &results.Load{
			Elapsed: 2, Requests: int64(2 * owed * (1 - short)), Latency: h, ClientUser: 0.5, ClientSys: 0.5,
			Chat: &results.Chat{Net: "tcp", Members: members, Slow: slow, Joined: joined, Rate: 10, Lost: 3},
		},
		CPUPerRequest: 2,
	}
}

func TestStatOfTakesMediansAndTheWorstRoom(t *testing.T) {
	t.Parallel()
	runs := []results.Run{
		chatRun("a", 50, 0, 50, 10*time.Millisecond, 0),
		chatRun("b", 50, 0, 50, 99*time.Millisecond, 0),
		chatRun("a", 50, 0, 48, 30*time.Millisecond, 0.1),
		{Target: "a", Error: "it crashed"},
		chatRun("a", 50, 0, 50, 20*time.Millisecond, 0),
	}
	s := statOf(runs, "a", 4*time.Second)
	if s.reps != 3 || s.err != "it crashed" {
		t.Fatalf("reps %d, err %q: want the 3 runs that ran and the failed one's error", s.reps, s.err)
	}
	if got := s.p99.Round(time.Millisecond); got != 20*time.Millisecond {
		t.Errorf("p99 %s, want the median, 20ms", got)
	}
	if s.joined != 48 || s.share > 0.91 || s.share < 0.89 {
		t.Errorf("joined %d, share %.2f: want the worst run's, 48 and 0.90", s.joined, s.share)
	}
	if s.lost != 9 {
		t.Errorf("lost %d, want the sum, 9", s.lost)
	}
	if s.waited != 0.75 || s.client != 0.25 {
		t.Errorf("waited %.2f, client %.2f: want 1.2/(1.2+0.4) and 1.0/4", s.waited, s.client)
	}
	if none := statOf(runs, "c", time.Second); none.reps != 0 || none.p99 != 0 {
		t.Errorf("a target with no runs: %+v", none)
	}
}

func TestMissSaysWhyARoomFails(t *testing.T) {
	t.Parallel()
	bound := 50 * time.Millisecond
	ok := statOf([]results.Run{chatRun("a", 50, 0, 50, 10*time.Millisecond, 0)}, "a", time.Second)
	for _, tt := range []struct {
		s    stat
		want string
	}{
		{ok, ""},
		{stat{err: "boom"}, "failed: boom"},
		{func() stat { s := ok; s.p99 = bound; return s }(), "p99 50.0 ms"},
		{func() stat { s := ok; s.joined = 32; return s }(), "joined 32 of 50"},
		{func() stat { s := ok; s.share = 0.5; return s }(), "read 50% of the deliveries owed"},
	} {
		if got := tt.s.miss(bound); got != tt.want {
			t.Errorf("miss = %q, want %q", got, tt.want)
		}
	}
}

func defaults() *bench {
	return &bench{sizes: []int{25, 50, 100, 150, 200}, rate: 10, msgSize: 64, slow: 0.05, p99: 50 * time.Millisecond,
		duration: 2 * time.Second, warmup: 500 * time.Millisecond, join: 500 * time.Millisecond,
		grace: 500 * time.Millisecond, reps: 2, slowReps: 1, kick: 5 * time.Second}
}

// A slow member, joining last, fills its socket and waits out the kick
// bound before it leaves at the end of the grace.
func TestSlowRunOutlastsTheKickBound(t *testing.T) {
	t.Parallel()
	b := defaults()
	last := time.Duration(1 << 62)
	for _, n := range b.sizes {
		d := b.slowDuration(n)
		slow := int(b.slow*float64(n) + 0.5)
		perSecond := float64(n-slow) * b.rate * float64(b.msgSize+12)
		fill := time.Duration(slowSocket / perSecond * float64(time.Second))
		if b.join+fill+b.kick > b.join+b.warmup+d+b.grace {
			t.Errorf("%d members: measured %s, the kick comes after the slow members leave", n, d)
		}
		if d < b.duration || d > last {
			t.Errorf("%d members: measured %s: want at least -duration, no longer than a smaller room's (%s)", n, d, last)
		}
		last = d
	}
	b.slow = 0
	if d := b.slowDuration(25); d != b.duration {
		t.Errorf("no slow member: measured %s, want -duration", d)
	}
}

func TestTableSaysWhereEachTargetStopped(t *testing.T) {
	t.Parallel()
	b := defaults()
	at := func(p time.Duration, joined int) stat {
		return statOf([]results.Run{chatRun("x", 50, 0, joined, p, 0)}, "x", 4*time.Second)
	}
	ok := at(5*time.Millisecond, 50)
	rows := []row{
		{target: "all", sw: &swept{best: 200}, size: 200, plain: ok, slow: ok},
		{target: "slow", sw: &swept{best: 25, missed: 50, at: at(75*time.Millisecond, 50)}, size: 25, plain: ok, slow: ok},
		{target: "full", sw: &swept{best: 25, missed: 50, at: at(5*time.Millisecond, 32)}, size: 25, plain: ok, slow: ok},
		{target: "none", sw: &swept{missed: 25, at: stat{err: "boom"}}, size: 25, plain: stat{err: "boom"}},
	}
	var out bytes.Buffer
	if err := writeTable(&out, b, rows); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range []string{
		"| all | tcp | ≥ 200 (all) |",
		"| slow | tcp | 25 (p99 75.0 ms at 50) |",
		"| full | tcp | 25 (50: joined 32 of 50) |",
		"| none |  | none (failed at 25) | failed: boom |",
		"| 75% | 25% |",
		"26s at 25 members, 8s at 200 members; 1 repetition each",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the table has no %q:\n%s", want, table)
		}
	}
	header, sep, _ := strings.Cut(table, "\n")
	sep, _, _ = strings.Cut(table[len(header)+1:], "\n")
	if strings.Count(header, "|") != strings.Count(sep, "|") {
		t.Errorf("header and separator differ in columns:\n%s\n%s", header, sep)
	}
	for line := range strings.SplitSeq(table, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|") != strings.Count(header, "|") {
			t.Errorf("a row of %d cells, the header has %d: %s", strings.Count(line, "|")-1, strings.Count(header, "|")-1, line)
		}
	}
}
