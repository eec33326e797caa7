//go:build !linux

package procstat

// ReadTree needs /proc: elsewhere it returns ErrUnsupported.
func ReadTree(root int) (Tree, error) { return Tree{}, ErrUnsupported }
