package external_test

import (
	"strings"
	"testing"

	"github.com/corobench/corobench/targets/conformancetest"
)

// Every installed Python peer, given a root (--root), passes the file
// suite every Go model passes: listing, streamed downloads with their
// digest, atomic uploads, names that leave the root, the disk job. Node's
// peer serves no files.
func TestPeersServeFiles(t *testing.T) {
	t.Parallel()
	for _, p := range installed(t, "") {
		t.Run(p.Name, func(t *testing.T) {
			if !strings.HasPrefix(p.Name, "python-") {
				t.Skipf("%s serves no /files/ or /disk", p.Name)
			}
			t.Parallel()
			root := t.TempDir()
			tgt := start(t, p, "--root", root)
			conformancetest.RunFiles(t, tgt.Ready.Addr, p.Name, root)
		})
	}
}

// A full disk (a file size limit) is a 507 from every Python peer, the
// partial upload removed, as from every Go model.
func TestPeersAnswerFullDisk(t *testing.T) {
	t.Parallel()
	for _, p := range installed(t, "") {
		t.Run(p.Name, func(t *testing.T) {
			if !strings.HasPrefix(p.Name, "python-") {
				t.Skipf("%s serves no /files/ or /disk", p.Name)
			}
			t.Parallel()
			root := t.TempDir()
			tgt := start(t, p, "--root", root)
			conformancetest.LimitFileSize(t, tgt.Ready.PID, conformancetest.FullDiskLimit)
			conformancetest.RunFullDisk(t, tgt.Ready.Addr, root)
		})
	}
}
