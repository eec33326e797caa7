package files

import (
	"os"

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
