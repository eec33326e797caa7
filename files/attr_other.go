//go:build !linux

package files

import (
	"errors"
	"os"
)

var errNoAttr = errors.New("files: extended attributes not used on this platform")

// getAttr fails: digests are computed on every open here.
func getAttr(*os.File, string, []byte) (int, error) { return 0, errNoAttr }

func setAttr(*os.File, string, []byte) error { return errNoAttr }

// keyOf gives no key here: digests are not kept in memory.
func keyOf(os.FileInfo) (fileKey, bool) { return fileKey{}, false }
