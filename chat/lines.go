package chat

import "bytes"

// Lines splits a TCP stream into lines of at most MaxLine bytes. It keeps
// the start of a line that has not ended yet (never more than MaxLine
// bytes); a line that grows past MaxLine is reported once as ErrLong and its
// bytes are skipped up to the next LF. The zero value is ready to use.
type Lines struct {
	part []byte // the start of an unfinished line
	used bool   // part was returned as a line: empty it on the next call
	skip bool   // inside a long line: drop bytes up to the next LF
}

// Next takes the next line from in, after what earlier calls kept: the
// line, LF included, or ErrLong; the rest of in; and false when in ended
// before another line did (Lines keeps its start). The line aliases in or
// Lines' own buffer and is valid until the next call.
func (s *Lines) Next(in []byte) (line, rest []byte, err error, ok bool) {
	if s.used {
		s.part, s.used = s.part[:0], false
	}
	i := bytes.IndexByte(in, '\n')
	if s.skip {
		if i < 0 {
			return nil, nil, nil, false
		}
		s.skip = false
		in = in[i+1:]
		i = bytes.IndexByte(in, '\n')
	}
	if i < 0 {
		if len(s.part)+len(in) >= MaxLine {
			s.part, s.skip = s.part[:0], true
			return nil, nil, ErrLong, true
		}
		if s.part == nil {
			s.part = make([]byte, 0, MaxLine)
		}
		s.part = append(s.part, in...)
		return nil, nil, nil, false
	}
	if len(s.part)+i+1 > MaxLine {
		s.part = s.part[:0]
		return nil, in[i+1:], ErrLong, true
	}
	if len(s.part) == 0 {
		return in[:i+1], in[i+1:], nil, true
	}
	s.part, s.used = append(s.part, in[:i+1]...), true
	return s.part, in[i+1:], nil, true
}

// Pending reports whether Lines holds the start of an unfinished line.
func (s *Lines) Pending() bool { return len(s.part) > 0 && !s.used || s.skip }
