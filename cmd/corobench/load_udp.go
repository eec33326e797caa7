package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/corobench/corobench/loadgen"
)

// loadURL takes a load's URL apart: http(s)://host[:port]/path for HTTP
// over TCP (parseURL), udp://host:port/path for the datagram form of the
// protocol; it says which network.
func loadURL(raw string) (target, string, error) {
	if t, network, ok, err := chatURL(raw); ok {
		return t, network, err
	}
	rest, ok := strings.CutPrefix(raw, "udp://")
	if !ok {
		t, err := parseURL(raw)
		return t, loadgen.NetTCP, err
	}
	u, err := url.Parse("http://" + rest)
	if err != nil || u.Host == "" {
		return target{}, "", fmt.Errorf("want a URL such as udp://127.0.0.1:8080/health, not %q", raw)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return target{}, "", fmt.Errorf("%q: a datagram target needs its port", raw)
	}
	return target{addr: u.Host, hostname: u.Hostname(), path: u.RequestURI()}, loadgen.NetUDP, nil
}
