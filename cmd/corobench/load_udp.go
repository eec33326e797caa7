package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/corobench/corobench/loadgen"
)

// targetURL takes a load's URL apart: http://host:port/path for HTTP over
// TCP, udp://host:port/path for the datagram form of the protocol.
func targetURL(raw string) (addr, path, network string, err error) {
	rest, ok := strings.CutPrefix(raw, "udp://")
	if !ok {
		addr, path, err = splitURL(raw)
		return addr, path, loadgen.NetTCP, err
	}
	u, err := url.Parse("http://" + rest)
	if err != nil || u.Host == "" {
		return "", "", "", fmt.Errorf("want a URL such as udp://127.0.0.1:8080/health, not %q", raw)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return "", "", "", fmt.Errorf("%q: a datagram target needs its port", raw)
	}
	return u.Host, u.RequestURI(), loadgen.NetUDP, nil
}
