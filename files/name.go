package files

import "errors"

// MaxNameBytes bounds a name, as Linux bounds one path element.
const MaxNameBytes = 255

// ParseName returns the name a request path element spells: percent-escapes
// (%2e, %2F) decoded, then checked by ValidName. Decoding first means that
// "%2e%2e" is refused as ".." is.
func ParseName(raw string) (string, error) {
	if len(raw) > 3*MaxNameBytes {
		return "", ErrBadName
	}
	var buf [3 * MaxNameBytes]byte
	b := buf[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' {
			if i+2 >= len(raw) {
				return "", ErrBadName
			}
			hi, ok1 := unhex(raw[i+1])
			lo, ok2 := unhex(raw[i+2])
			if !ok1 || !ok2 {
				return "", ErrBadName
			}
			c = hi<<4 | lo
			i += 2
		}
		b = append(b, c)
	}
	name := string(b)
	if err := ValidName(name); err != nil {
		return "", err
	}
	return name, nil
}

// ValidName checks that name is one path element the store serves: 1 to
// MaxNameBytes of A–Z, a–z, 0–9, '.', '_' and '-' (POSIX's portable file
// name characters), not starting with '.'. So no name is "." or "..",
// holds a separator or a NUL, or names a hidden file; the store keeps its
// temporary files under names starting with '.', out of every client's
// reach.
func ValidName(name string) error {
	if len(name) == 0 || len(name) > MaxNameBytes || name[0] == '.' {
		return ErrBadName
	}
	for i := 0; i < len(name); i++ {
		if !portable(name[i]) {
			return ErrBadName
		}
	}
	return nil
}

func portable(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '-'
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// The store's errors. Each maps to one HTTP status, given in brackets.
var (
	// ErrBadName: a name that is not one portable path element (400).
	ErrBadName = errors.New("files: name must be 1-255 of A-Z a-z 0-9 . _ - and not start with .")
	// ErrNotFound: no regular file of that name (404).
	ErrNotFound = errors.New("files: no such file")
	// ErrForbidden: the name is there but is not a regular file inside the
	// root (a symbolic link out of it, a directory, a device) (403).
	ErrForbidden = errors.New("files: not a regular file inside the root")
	// ErrTooLarge: an upload over the store's limit (413).
	ErrTooLarge = errors.New("files: upload exceeds the size limit")
	// ErrBusy: the store's open files are all in use (503).
	ErrBusy = errors.New("files: too many open files")
	// ErrNoSpace: the disk (or the process's file size limit) is full; the
	// partial file is removed (507).
	ErrNoSpace = errors.New("files: no space left on the device")
	// ErrShort: an upload ended before its declared size, or went past it.
	ErrShort = errors.New("files: upload not of its declared size")
	// ErrTooMany: the root holds more files than a listing may name (500).
	ErrTooMany = errors.New("files: too many files to list")
)
