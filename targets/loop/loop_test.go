package loop_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/fidelitytest"
	"github.com/corobench/corobench/targets/loop"
)

func TestConformance(t *testing.T) {
	srv := loop.New(targets.Config{App: conformancetest.App("loop")})
	conformancetest.Run(t, conformancetest.Serve(t, srv), "loop")
}

// Two clients that each wait 200 ms are served one after the other: the loop
// server does one thing at a time.
func TestServesOneConnectionAtATime(t *testing.T) {
	srv := loop.New(targets.Config{App: conformancetest.App("loop")})
	addr := conformancetest.Serve(t, srv)
	start := time.Now()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			req, err := http.NewRequest("GET", "http://"+addr+"/io?ms=200", nil)
			require.NoError(t, err)
			req.Close = true // a kept-alive connection would hold the loop
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 200, resp.StatusCode)
		})
	}
	wg.Wait()
	assert.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond)
}

func TestHostileInput(t *testing.T) {
	srv := loop.New(targets.Config{App: conformancetest.App("loop")})
	conformancetest.RunHostile(t, conformancetest.Serve(t, srv), "loop")
}

func TestDatagramConformance(t *testing.T) {
	srv := loop.NewDatagram(targets.Config{App: conformancetest.App("loop")})
	conformancetest.RunDatagrams(t, conformancetest.ServeDatagrams(t, srv), "loop")
}

func TestDatagramHostileInput(t *testing.T) {
	srv := loop.NewDatagram(targets.Config{App: conformancetest.App("loop")})
	conformancetest.RunDatagramHostile(t, conformancetest.ServeDatagrams(t, srv), "loop")
}

func TestDatagramShutdown(t *testing.T) {
	conformancetest.CheckDatagramShutdown(t, loop.NewDatagram(targets.Config{App: conformancetest.App("loop")}))
}

// Over UDP no connection is held: clients are served in turn, each wait
// after the one before.
func TestServesDatagramsInTurn(t *testing.T) {
	srv := loop.NewDatagram(targets.Config{App: conformancetest.App("loop")})
	fidelitytest.DatagramWaitsInTurn(t, conformancetest.ServeDatagrams(t, srv), 3, 1)
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, loop.New(targets.Config{App: conformancetest.App("loop")}))
}
