package loadgen_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// Real servers, each started by its test on a free port of 127.0.0.1 and
// stopped when it ends; a test whose server is not installed is skipped,
// saying so (.ci/run installs them from Debian's packages).

// freeAddr is a free address of 127.0.0.1 for a server to listen on.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServer starts argv, stops it when the test ends, and waits until
// addr accepts connections.
func startServer(t *testing.T, addr string, argv ...string) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the server and its workers
		<-exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", argv[0], stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not listening on %s within 10 s: %s", argv[0], addr, stderr.String())
		}
	}
}

// staticDir makes a directory of files to serve: a 4 KiB page, and one of
// 3 MB.
func staticDir(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "www")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "page.html"), bytes.Repeat([]byte("p"), 4096), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.bin"), bytes.Repeat([]byte("b"), bigBody), 0o644))
	return dir
}

// nginxConf is a configuration for one nginx worker serving root on addr,
// everything it writes under dir.
const nginxConf = `
worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
%[4]s
events { worker_connections 1024; }
http {
	access_log %[1]s/access.log;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	keepalive_requests 1000000;
	server {
		listen %[2]s;
		root %[3]s;
	}
}
`

// startNginx starts nginx serving root and returns its address and access
// log; it skips the test where nginx is not installed.
func startNginx(t *testing.T, root string) (addr, accessLog string) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx is not installed (apt-get install nginx-light); .ci/run installs it")
		}
		nginx = "/usr/sbin/nginx"
	}
	dir := t.TempDir()
	addr = freeAddr(t)
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the worker reads the test's files
	}
	conf := filepath.Join(dir, "nginx.conf")
	require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf(nginxConf, dir, addr, root, user)), 0o644))
	startServer(t, addr, nginx, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", conf)
	return addr, filepath.Join(dir, "access.log")
}

// lines counts the lines of a file.
func lines(t *testing.T, path string) int64 {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return int64(bytes.Count(b, []byte("\n")))
}

// nginx serves static files; on every engine, the client's count agrees
// with nginx's access log.
func TestNginx(t *testing.T) {
	t.Parallel()
	root := staticDir(t)
	for _, path := range []string{"/page.html", "/big.bin"} {
		for _, engine := range engines {
			t.Run(path+"/"+engineName(engine), func(t *testing.T) {
				t.Parallel()
				var log string
				load := measured(t, func() (*results.Load, error) {
					var addr string
					addr, log = startNginx(t, root)
					return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
						loadgen.WithConns(2), loadgen.WithDuration(300*time.Millisecond), loadgen.WithThinkTime(time.Millisecond),
						loadgen.WithRequests(loadgen.Request{Method: "GET", Path: path}))
				})
				assert.Empty(t, load.Errors)
				assert.Positive(t, load.Requests)
				// nginx logs a request once it has sent the answer: wait for
				// the last ones of the run to be logged.
				var logged int64
				for range 50 {
					if logged = lines(t, log); logged >= load.Requests {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				assert.GreaterOrEqual(t, logged, load.Requests)
				assert.LessOrEqual(t, logged, load.Requests+load.Unfinished)
			})
		}
	}
}

// Python's http.server answers HTTP/1.0 and closes every connection: each
// answer counts, each close is a reconnect.
func TestPythonHTTPServer(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed (apt-get install python3); .ci/run installs it")
	}
	root := staticDir(t)
	addr := freeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	startServer(t, addr, python, "-m", "http.server", "--bind", host, "--directory", root, port)
	for _, engine := range engines {
		t.Run(engineName(engine), func(t *testing.T) {
			t.Parallel()
			load := measured(t, func() (*results.Load, error) {
				return loadgen.Run(context.Background(), addr, loadgen.WithEngine(engine),
					loadgen.WithConns(2), loadgen.WithDuration(300*time.Millisecond),
					loadgen.WithRequests(loadgen.Request{Method: "GET", Path: "/page.html"}, loadgen.Request{Method: "HEAD", Path: "/big.bin"}))
			})
			assert.Empty(t, load.Errors)
			assert.Positive(t, load.Requests)
			assert.Positive(t, load.Reconnects, "HTTP/1.0: the server closes after each answer")
			assert.LessOrEqual(t, load.Reconnects, load.Requests, "a reconnect follows an answer")
		})
	}
}
