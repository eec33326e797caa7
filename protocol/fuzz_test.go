package protocol

import (
	"bytes"
	"testing"
)

func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		"GET /health HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /cpu?us=100 HTTP/1.1\r\nHost: a\r\n\r\nGET /io?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
		"GET /mix?us=1&ms=2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
		"GET http://h/echo?size=10 HTTP/1.1\r\nHost: a\r\n\r\n",
		"PUT /files/a%2e HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
		"GET /disk?kb=1&sync=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var req Request
		n, err := ParseRequest(in, &req)
		if err != nil {
			var pe *Error
			if !asError(err, &pe) || pe.Status < 400 || pe.Status > 599 {
				t.Fatalf("error %v is not a 4xx/5xx *Error", err)
			}
			return
		}
		if n < 0 || n > len(in) {
			t.Fatalf("used %d of %d bytes", n, len(in))
		}
		if n == 0 {
			return
		}
		if n > MaxHeaderBytes+MaxBodyBytes {
			t.Fatalf("request of %d bytes exceeds the bounds", n)
		}
		if !bytes.HasSuffix(in[:n], req.Body) {
			t.Fatalf("body is not the end of the request")
		}
		if req.CPUMicros > MaxCPUMicros || req.WaitMillis > MaxWaitMillis || req.Size > MaxBodyBytes {
			t.Fatalf("parameter beyond its bound: %+v", req)
		}
		// Parsing is a function of the bytes: more bytes after a whole
		// request do not change it.
		var again Request
		m, err := ParseRequest(append(bytes.Clone(in[:n]), "GET /"...), &again)
		if err != nil || m != n {
			t.Fatalf("reparse with trailing bytes: n=%d err=%v, want n=%d", m, err, n)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	f.Add(AppendResponse(nil, 200, false, []byte("hello")), uint16(7))
	f.Add(AppendError(nil, errf(404, "no")), uint16(1))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabcHTTP/1.1"), uint16(0))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n"), uint16(3))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"), uint16(5))
	f.Add([]byte("HTTP/1.0 204 No Content\r\nContent-Length: 9\r\n\r\n"), uint16(2))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nRepr-Digest: sha-256=:"+
		"j0NDRmSPa5bfid2pAcUXaxCm2Dlh3TwayItZstwyeqQ=:\r\n\r\nhi"), uint16(9))
	f.Add([]byte("HTTP/1.1 200 OK\r\nRepr-Digest: md5=:x:, SHA-256 = :AAAA:\r\n\r\nuntil close"), uint16(4))
	f.Fuzz(func(t *testing.T, in []byte, step uint16) {
		var resp Response
		n, err := ParseResponse(in, &resp)
		if err == nil && n > 0 {
			if n > len(in) || resp.Status < 100 || resp.Status > 599 || len(resp.Body) > MaxResponseBody || int64(n) != resp.Size {
				t.Fatalf("bad response accepted: n=%d %+v", n, resp)
			}
		}
		// The incremental parser, given the bytes in pieces, reads what it
		// reads given them at once.
		whole, wholeDone, wholeErr := parseAll(string(in), false, 64, 1<<12, 0, true)
		piece, pieceDone, pieceErr := parseAll(string(in), false, 64, 1<<12, int(step%512), true)
		if (wholeErr == nil) != (pieceErr == nil) || wholeDone != pieceDone {
			t.Fatalf("whole: done %v err %v; in pieces of %d: done %v err %v", wholeDone, wholeErr, step%512, pieceDone, pieceErr)
		}
		if wholeErr != nil {
			return
		}
		if whole.Status != piece.Status || whole.Length != piece.Length || whole.Size != piece.Size ||
			whole.Close != piece.Close || !bytes.Equal(whole.Body, piece.Body) || whole.Digest != piece.Digest {
			t.Fatalf("whole %+v, in pieces %+v", whole, piece)
		}
		if wholeDone && whole.Digest == DigestPending {
			t.Fatalf("a whole response with its digest unchecked: %+v", whole)
		}
		if whole.Length > 1<<12 || len(whole.Body) > 64 || whole.Size > int64(len(in)) {
			t.Fatalf("beyond the bounds: %+v", whole)
		}
	})
}

func asError(err error, target **Error) bool {
	pe, ok := err.(*Error)
	if ok {
		*target = pe
	}
	return ok
}

func FuzzParseDatagram(f *testing.F) {
	for _, s := range []string{
		"1 /health", "2 /cpu?us=100\n", "3 /echo\nbody", "18446744073709551615 /echo?size=65482",
		"4 /mix?us=1&ms=2", "5", "5 ", "x /health", "", "6 /io?ms=1&ms=2",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var d Datagram
		err := ParseDatagram(in, &d)
		if err == ErrNoID {
			return
		}
		if err != nil {
			var pe *Error
			if !asError(err, &pe) || pe.Status < 400 || pe.Status > 499 {
				t.Fatalf("error %v is neither ErrNoID nor a 4xx *Error", err)
			}
			// An answer to it fits in a datagram and parses back.
			var a DatagramAnswer
			if b := AppendDatagramError(nil, d.ID, err); ParseDatagramAnswer(b, &a) != nil || a.ID != d.ID || a.Status != pe.Status {
				t.Fatalf("the error answer %q does not parse back", b)
			}
			return
		}
		if len(in) > MaxDatagramRequest {
			t.Fatalf("a datagram of %d bytes was accepted", len(in))
		}
		if !bytes.HasSuffix(in, d.Body) {
			t.Fatalf("body is not the end of the datagram")
		}
		if d.CPUMicros > MaxCPUMicros || d.WaitMillis > MaxWaitMillis || d.Size > MaxDatagramEcho {
			t.Fatalf("parameter beyond its bound: %+v", d)
		}
		if len(d.Body) > 0 && (d.Endpoint != EndpointEcho || d.Method != MethodPost) {
			t.Fatalf("a body for %+v", d)
		}
	})
}

func FuzzParseDatagramAnswer(f *testing.F) {
	f.Add(append(AppendDatagramHead(nil, 7, 200), "ok\n"...))
	f.Add(AppendDatagramError(nil, 8, errNoPath))
	f.Add([]byte("1 200\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var a DatagramAnswer
		if err := ParseDatagramAnswer(in, &a); err != nil {
			return
		}
		if a.Status < 100 || a.Status > 599 || !bytes.HasSuffix(in, a.Body) {
			t.Fatalf("bad answer accepted: %+v", a)
		}
		// Written again, it parses back the same.
		var again DatagramAnswer
		out := append(AppendDatagramHead(nil, a.ID, a.Status), a.Body...)
		if err := ParseDatagramAnswer(out, &again); err != nil || again.ID != a.ID || again.Status != a.Status {
			t.Fatalf("%q written again as %q parses as %+v, %v", in, out, again, err)
		}
	})
}
