package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/targets/conformancetest"
)

// With 1,000 connections trickling a header byte a second, the models that
// multiplex connections (or give each its own thread, under their cap) go on
// serving a normal client; the loop server, the small pools and the
// process model past its cap starve — their truth, asserted too.
func TestSlowloris(t *testing.T) {
	if testing.Short() {
		t.Skip("holds 1,000 connections for seconds")
	}
	serves := map[string]bool{
		"goroutine": true, "goroutine-1": true, "eventloop": true, "eventloop-et": true, "reactors": true, "coro": true,
		"poll":   true,
		"select": true, // 1,000 connections fit under FD_SETSIZE
		"thread": true, // 1,000 threads, under its cap of 2,000
		"loop":   false, "prefork": false, "threadpool": false, "process": false,
	}
	for name, want := range serves {
		if _, ok := findModel(name); !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tgt := startModel(t, name)
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			done := make(chan int)
			go func() { done <- conformancetest.Slowloris(ctx, tgt.Ready.Addr, 1000, time.Second) }()
			time.Sleep(1500 * time.Millisecond) // let the slow connections take their places
			// Generous, for a loaded machine; a starving model's client sits
			// in the backlog behind 1,000 slow ones that the request timeout
			// (10 s) cuts off one at a time.
			client := http.Client{Timeout: 8 * time.Second}
			resp, err := client.Get("http://" + tgt.Ready.Addr + "/health")
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
