package goroutine_test

import (
	"testing"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

func TestConformance(t *testing.T) {
	srv := goroutine.New(targets.Config{App: conformancetest.App("goroutine")})
	conformancetest.Run(t, conformancetest.Serve(t, srv), "goroutine")
}

func TestHostileInput(t *testing.T) {
	srv := goroutine.New(targets.Config{App: conformancetest.App("goroutine")})
	conformancetest.RunHostile(t, conformancetest.Serve(t, srv), "goroutine")
}

func TestFiles(t *testing.T) {
	app, root := conformancetest.FilesApp(t, "goroutine")
	conformancetest.RunFiles(t, conformancetest.Serve(t, goroutine.New(targets.Config{App: app})), "goroutine", root)
}

// A client that never reads the large answers it asked for does not keep
// the server from stopping once its grace is over.
func TestShutdownWithStuckWrites(t *testing.T) {
	t.Parallel()
	conformancetest.CheckStuckShutdown(t, goroutine.New(targets.Config{App: conformancetest.App("goroutine")}))
}
