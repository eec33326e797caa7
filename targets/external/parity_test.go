package external_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets/external"
)

// inputs are requests, good and bad, on which a peer must agree with
// protocol: the cases of its own tests, and more.
var inputs = []string{
	"GET /health HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /cpu?us=250 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /cpu?n=99 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /cpu?n=0 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /cpu?us=1&n=5 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /mix?ms=3&us=40 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /echo?size=5 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /echo?size=5&& HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /echo HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
	"POST /echo?size=0 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0003\r\n\r\nabc",
	"GET /health HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n",
	"GET /health HTTP/1.0\r\n\r\n",
	"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	"GET http://a:80/io?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /health HTTP/1.1\r\nhOsT:   a  \r\ncontent-length:0\r\n\r\n",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
	"GET /health HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n",

	"GET /etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /health/ HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST /cpu?us=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
	"PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
	"BREW /health HTTP/1.1\r\nHost: a\r\n\r\n",
	"BREW /nope HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /health HTTP/1.1\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
	"GET /health HTTP/2.0\r\nHost: a\r\n\r\n",
	"GET /health HTTP/1.2\r\nHost: a\r\n\r\n",
	"GET /health HTTX/1.1\r\nHost: a\r\n\r\n",
	"GET /health\r\nHost: a\r\n\r\n",
	"GET health HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET  /health HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET http:/x HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /cpu?us=1000001 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /cpu?n=600000001 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms=60001 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms=-1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms=+1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms= HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /cpu HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /health?x=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /mix?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms=1&ms=2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /io?ms=1&x=2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /echo?size=1048577 HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\nx",
	"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"POST /echo?size=3 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost: a\x00\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost : a\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost a\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",
	"GET /health HTTP/1.1\nHost: a\n\n",
	"GET /a\x7fb HTTP/1.1\r\nHost: a\r\n\r\n",
	"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
	"\x00\x01garbage\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("a", protocol.MaxHeaderBytes) + "\r\n\r\n",
	"GET /health HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("a", protocol.MaxHeaderBytes-40) + "\r\n\r\n",
}

// fileInputs are requests of the file endpoints, on which the Python
// parser must agree with protocol; a peer's answers to them depend on its
// root (--root), so they are not in inputs.
var fileInputs = []string{
	"GET /files/ HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /files/a.txt HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /files/%2e%2e HTTP/1.1\r\nHost: a\r\n\r\n",
	"PUT /files/a.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
	"PUT /files/big HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n",
	"PUT /files/big HTTP/1.1\r\nHost: a\r\nContent-Length: 1099511627777\r\n\r\n",
	"DELETE /files/a.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
	"PUT /files/ HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx",
	"DELETE /files/ HTTP/1.1\r\nHost: a\r\n\r\n",
	"POST /files/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx",
	"GET /files/x?a=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /files HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /disk?kb=64&sync=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /disk?kb=65536 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /disk?kb=65537 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /disk HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /disk?kb=1&sync=2 HTTP/1.1\r\nHost: a\r\n\r\n",
	"PUT /disk?kb=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
}

// nodeDeviations are the inputs on which Node's http parser (llhttp) and
// protocol disagree in a way the peer cannot correct: what Node
// answers, and why. docs/peers.md lists them.
var nodeDeviations = map[string]struct {
	status int
	why    string
}{
	"GET  /health HTTP/1.1\r\nHost: a\r\n\r\n": {200, "llhttp skips repeated spaces in the request line"},
	"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx": {400,
		"llhttp refuses a repeated Content-Length even when the values agree"},
}

// goAnswer is the status protocol gives a whole input (200 when it
// parses), and whether the input is whole.
func goAnswer(in string) (status int, whole bool) {
	var req protocol.Request
	n, err := protocol.ParseRequest([]byte(in), &req)
	if pe, ok := err.(*protocol.Error); ok {
		return pe.Status, true
	}
	return 200, n > 0
}

// goParse describes what protocol makes of in, in the form the
// Python snippet of TestPythonParserMatchesGo prints.
func goParse(in []byte) string {
	var req protocol.Request
	n, err := protocol.ParseRequest(in, &req)
	if pe, ok := err.(*protocol.Error); ok {
		return fmt.Sprintf("error %d", pe.Status)
	}
	if n == 0 {
		return "more"
	}
	endpoints := map[protocol.Endpoint]string{
		protocol.EndpointHealth: "/health", protocol.EndpointCPU: "/cpu", protocol.EndpointIO: "/io",
		protocol.EndpointEcho: "/echo", protocol.EndpointMix: "/mix",
		protocol.EndpointFiles: "/files/", protocol.EndpointDisk: "/disk",
	}
	methods := map[protocol.Method]string{protocol.MethodGet: "GET", protocol.MethodPost: "POST",
		protocol.MethodPut: "PUT", protocol.MethodDelete: "DELETE", protocol.MethodOther: "OTHER"}
	return fmt.Sprintf("n=%d %s %s us=%d n=%d ms=%d size=%d body=%q close=%v name=%q kb=%d sync=%v length=%d", n, methods[req.Method], endpoints[req.Endpoint],
		req.CPUMicros, req.CPUUnits, req.WaitMillis, req.Size, req.Body, req.Close, req.Name, req.DiskKB, req.DiskSync, req.StreamLength)
}

const pythonParse = `
import base64, json
for line in sys.stdin:
    b = base64.b64decode(line)
    try:
        n, r = p.parse_request(bytearray(b))
    except p.ProtoError as e:
        print("error %d" % e.status)
        continue
    if n == 0:
        print("more")
        continue
    print("n=%d %s %s us=%d n=%d ms=%d size=%d body=%s close=%s name=%s kb=%d sync=%s length=%d" % (n, r.method, r.endpoint,
        r.us, r.n, r.ms, r.size, json.dumps(r.body.decode("latin-1")), str(r.close).lower(),
        json.dumps(r.name.decode("latin-1")), r.kb, str(bool(r.sync)).lower(), r.length))
`

// The Python peers' parser gives what Go's gives, byte for byte, on every
// input and on every prefix of the good ones (where both must ask for more).
func TestPythonParserMatchesGo(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath(external.Python); err != nil {
		t.Skipf("%s not installed", external.Python)
	}
	all := append(append([]string(nil), inputs...), fileInputs...)
	all = append(all, strings.Join(inputs[:3], ""), "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n012")
	for _, in := range inputs[:12] {
		for cut := range len(in) {
			all = append(all, in[:cut])
		}
	}
	var stdin strings.Builder
	for _, in := range all {
		stdin.WriteString(base64.StdEncoding.EncodeToString([]byte(in)) + "\n")
	}
	cmd := exec.Command(external.Python, "-B", "-c", "import sys; sys.path.insert(0, 'python')\nimport corobench_proto as p\n"+pythonParse)
	cmd.Stdin = strings.NewReader(stdin.String())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	require.Len(t, got, len(all))
	for i, in := range all {
		want := goParse([]byte(in))
		// Go's %q and JSON quote the body alike for the bodies used here.
		assert.Equal(t, want, got[i], "input %q", in)
	}
}

// Every installed peer answers each whole input with the status Go's parser
// gives it, over a real connection.
func TestPeersAnswerLikeGo(t *testing.T) {
	t.Parallel()
	for _, p := range installed(t, "") {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			addr := start(t, p).Ready.Addr
			for _, in := range inputs {
				want, whole := goAnswer(in)
				if !whole {
					continue
				}
				got := firstStatus(t, addr, in)
				if dev, ok := nodeDeviations[in]; ok && p.Name == "node" {
					assert.Equal(t, dev.status, got, "known deviation (%s) of %q", dev.why, in)
					continue
				}
				assert.Equal(t, want, got, "status of %q", in)
			}
		})
	}
}

// firstStatus sends in on a fresh connection and returns the status of the
// first answer.
func firstStatus(t *testing.T, addr, in string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = io.WriteString(conn, in)
	require.NoError(t, err)
	var buf []byte
	tmp := make([]byte, 4096)
	for {
		var resp protocol.Response
		n, err := protocol.ParseResponse(buf, &resp)
		require.NoError(t, err, "answer to %q: %q", in, buf)
		if n > 0 {
			if resp.Status >= 400 {
				assert.True(t, resp.Close, "error answer to %q must close", in)
			}
			return resp.Status
		}
		m, err := conn.Read(tmp)
		buf = append(buf, tmp[:m]...)
		require.NoError(t, err, "reading the answer to %q; got %q", in, buf)
	}
}
