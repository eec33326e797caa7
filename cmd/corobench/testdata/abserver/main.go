// Command abserver is a small net/http server: the "server of your own"
// that corobench's CI recipe (docs/ci.md) A/Bs. Every answer to /hello
// costs some CPU work; a build with more extraWork is a slower build:
//
//	go build -o base .
//	go build -ldflags '-X main.extraWork=60000' -o slow .
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

// work is the steps of CPU work every request does; extraWork adds to it
// (a string, so that -ldflags -X can set it).
var (
	work      = 20000
	extraWork = "0"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	extra, err := strconv.Atoi(extraWork)
	if err != nil {
		log.Fatalf("extraWork %q: %v", extraWork, err)
	}
	steps := work + extra
	http.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %d\n", spin(steps))
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
		<-sig
		srv.Close()
	}()
	fmt.Println("listening on", ln.Addr())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// spin is n steps of xorshift32: work the compiler cannot skip, as its
// result is answered.
func spin(n int) uint32 {
	x := uint32(2463534242)
	for range n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
	}
	return x
}
