package chat

import "sync"

// lines are the buffers a fan-out formats its line in: a message line is
// at most MaxLine plus "M " and a name.
var lines = sync.Pool{New: func() any { b := make([]byte, 0, MaxLine+MaxName+3); return &b }}

func getLine() *[]byte  { return lines.Get().(*[]byte) }
func putLine(b *[]byte) { lines.Put(b) }
