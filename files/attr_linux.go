package files

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// getAttr reads the extended attribute name of f into buf.
func getAttr(f *os.File, name string, buf []byte) (int, error) {
	return unix.Fgetxattr(int(f.Fd()), name, buf)
}

// setAttr sets the extended attribute name of f.
func setAttr(f *os.File, name string, v []byte) error {
	return unix.Fsetxattr(int(f.Fd()), name, v, 0)
}

// keyOf is the key of the file version info describes.
func keyOf(info os.FileInfo) (fileKey, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{dev: uint64(st.Dev), ino: st.Ino, size: info.Size(), mtime: info.ModTime().UnixNano()}, true
}
