// Command nethttp is the net/http peer of the model benchmarks: Go's
// standard HTTP server (a goroutine per connection, like the goroutine
// model) answering /health and /echo?size=N (with Content-Length), and
// /chunked?size=N (the same bytes in chunks, as a handler that does not
// set the length sends more than 2 KiB). It prints the ready line of
// `corobench serve` and runs until SIGTERM.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/corobench/corobench/protocol"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	filler := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz"), protocol.MaxBodyBytes/26+1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("nethttp\n"))
	})
	mux.HandleFunc("GET /echo", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("size"))
		if err != nil || n < 0 || n > protocol.MaxBodyBytes {
			http.Error(w, "bad size", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(filler[:n])
	})
	mux.HandleFunc("GET /chunked", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("size"))
		if err != nil || n < 0 || n > protocol.MaxBodyBytes {
			http.Error(w, "bad size", http.StatusBadRequest)
			return
		}
		w.Write(filler[:n])
		w.(http.Flusher).Flush() // chunked, whatever the size
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "nethttp:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: mux, IdleTimeout: 60 * time.Second, ReadHeaderTimeout: 10 * time.Second}
	ready, _ := json.Marshal(map[string]any{
		"model": "nethttp", "addr": ln.Addr().String(), "pid": os.Getpid(), "gomaxprocs": runtime.GOMAXPROCS(0),
	})
	fmt.Printf("%s\n", ready)
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "nethttp:", err)
		os.Exit(1)
	}
}
