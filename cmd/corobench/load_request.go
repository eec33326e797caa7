package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// requests builds the mix: the URL's request (path, -m), or the -r
// requests, each with the headers, Host and body of the flags.
func (f *loadFlags) requests(path string) error {
	body, bodyFile, err := f.requestBody()
	if err != nil {
		return err
	}
	if len(f.reqs) == 0 {
		method := strings.ToUpper(f.method)
		if method == "" {
			method = "GET"
			if body != nil || bodyFile != "" {
				method = "POST" // as curl -d
			}
		}
		f.reqs = requestFlags{{Method: method, Path: path, Weight: 1}}
	} else if f.method != "" {
		return fmt.Errorf("-m is the method of the URL's request; with -r, give each its own ('[WEIGHT] METHOD /PATH')")
	}
	for i := range f.reqs {
		r := &f.reqs[i]
		r.Host = f.host
		for _, h := range f.headers {
			r.AddHeader(h)
		}
		if body != nil || bodyFile != "" {
			r.Body, r.BodyFile = body, bodyFile
		}
	}
	return nil
}

// requestBody is the body of -body, or the file of -body-file, whose
// body is streamed as it is sent, whatever its size; zero when neither.
func (f *loadFlags) requestBody() (body []byte, file string, err error) {
	switch {
	case f.body != "" && f.bodyFile != "":
		return nil, "", fmt.Errorf("-body and -body-file: give one")
	case f.body != "":
		return []byte(f.body), "", nil
	case f.bodyFile == "":
		return nil, "", nil
	}
	info, err := os.Stat(f.bodyFile)
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("-body-file: %w", err)
	case !info.Mode().IsRegular():
		return nil, "", fmt.Errorf("-body-file: %s is not a regular file", f.bodyFile)
	}
	return nil, f.bodyFile, nil
}

// tlsConfig is the TLS configuration of an https URL to hostname: -host
// names the server when given, -ca gives the roots, -insecure skips the
// verification.
func (f *loadFlags) tlsConfig(hostname string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: hostname, InsecureSkipVerify: f.insecure}
	if f.host != "" {
		name, _, err := net.SplitHostPort(f.host)
		if err != nil {
			name = f.host
		}
		cfg.ServerName = name
	}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return nil, fmt.Errorf("-ca: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-ca: %s holds no PEM certificate", f.caFile)
		}
	}
	return cfg, nil
}

// target is what a URL says of the server to load.
type target struct {
	addr     string // host:port to connect to
	hostname string // the URL's host, without its port
	path     string // with its query
	https    bool
	chat     bool // a chat room (chat:// or chat+udp://)
}

// parseURL takes http(s)://host[:port]/path?query apart.
func parseURL(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return target{}, fmt.Errorf("want a URL such as http://127.0.0.1:8080/health or https://host/, not %q", raw)
	}
	t := target{hostname: u.Hostname(), path: u.RequestURI(), https: u.Scheme == "https"}
	port := u.Port()
	if port == "" {
		port = "80"
		if t.https {
			port = "443"
		}
	}
	t.addr = net.JoinHostPort(t.hostname, port)
	return t, nil
}
