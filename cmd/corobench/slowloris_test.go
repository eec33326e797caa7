package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
)

// With 1,000 connections trickling a header byte a second, the models that
// multiplex connections (or give each its own thread, under their cap) go on
// serving a normal client; the loop server, the small pools and the
// process model past its cap starve — their truth, asserted too.
//
// The normal client dials once every slow connection is open and has sent
// its first byte, so it waits behind them all in the listen backlog. A
// starving model frees no place before a slow request times out
// (targets.DefaultRequestTimeout from its first byte): the client's check
// ends before the first could, so a busy machine cannot let it through. A model that
// serves it has it served however slowly the machine runs.
func TestSlowloris(t *testing.T) {
	if testing.Short() {
		t.Skip("holds 1,000 connections for seconds")
	}
	const slow = 1000
	serves := map[string]bool{
		"goroutine": true, "goroutine-1": true, "eventloop": true, "eventloop-et": true, "reactors": true, "coro": true,
		"poll":   true,
		"select": true,                                                           // 1,000 connections fit under FD_SETSIZE
		"thread": true,                                                           // 1,000 threads, under its cap of 2,000
		"loop":   false, "prefork": false, "threadpool": false, "process": false, // cap 512
	}
	for name, want := range serves {
		if _, ok := findModel(name); !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, name)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			open := make(chan time.Time, 1)
			go func() {
				done <- conformancetest.Slowloris(ctx, tgt.Ready.Addr, slow, time.Second, func(_ int, begun time.Time) { open <- begun })
			}()
			var opened time.Time
			select {
			case opened = <-open:
			case n := <-done:
				t.Fatalf("slowloris ended before its connections were open (%d)", n)
			}
			// A model that serves the client may take its time; one that
			// starves it is checked until the first slow request could
			// time out, less a second.
			deadline := time.Now().Add(time.Minute)
			if !want {
				deadline = opened.Add(targets.DefaultRequestTimeout - time.Second)
			}
			cctx, ccancel := context.WithDeadline(ctx, deadline)
			defer ccancel()
			req, err := http.NewRequestWithContext(cctx, "GET", "http://"+tgt.Ready.Addr+"/health", nil)
			require.NoError(t, err)
			resp, err := (&http.Client{}).Do(req)
			if err == nil {
				resp.Body.Close()
			}
			served := err == nil && resp.StatusCode == 200
			assert.Equal(t, want, served, "a normal client served during slowloris (err: %v)", err)
			cancel()
			t.Logf("%s: slow connections opened: %d; normal client served: %v", name, <-done, served)
		})
	}
}
