package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/targets/conformancetest"
)

// Every model serves files from the root it is given (serve -root), as the
// process the harness runs: the file suite, bad names and all.
func TestEveryModelServesFiles(t *testing.T) {
	for _, name := range sortedModels() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			tgt, err := harness.Start(context.Background(),
				[]string{binary, "serve", "-model", name, "-cpu-rate", "500", "-root", root}, 10*time.Second)
			require.NoError(t, err)
			t.Cleanup(func() { tgt.Kill() })
			conformancetest.RunFiles(t, tgt.Ready.Addr, name, root)
			assert.NoError(t, tgt.Stop(5*time.Second), "clean exit on SIGTERM")
		})
	}
}
