// Package files is the file store every target serves /files/ and /disk
// from, and the deterministic content the harness fills a root with and the
// load generator checks.
//
// A Store is one root directory, reached only through Go's os.Root, so no
// name can leave it: a name is one path element of portable characters
// (see ParseName), and a symbolic link out of the root fails to open.
// Reads are streamed from an open file; an upload is streamed into a
// temporary file in the root and renamed over its name when whole, so a
// reader sees the old file or the new one, never a torn one, and
// concurrent writers of one name leave one of their files whole. Uploads
// are not fsynced before the rename: the rename is atomic for readers, not
// across a crash. Every file's SHA-256 travels with it as an extended
// attribute of its inode, checked against its size and modification time,
// so an answer can carry the digest before its body without reading the
// file twice.
//
// The store is plain blocking file IO. Each model calls it in its own way:
// a thread or process blocks on it, a goroutine blocks the OS thread under
// it (Go's runtime hands its other goroutines to another thread), and a
// single-thread event loop calling it inline stalls every connection it
// serves for the duration of the call.
package files
