package chat

import (
	"crypto/subtle"
	"time"
)

// Handle serves one command from p: line is a line or a datagram, with or
// without its ending. Answers go to p through its Link (so that over TCP
// they keep their place among the messages p receives); a message goes to
// every other member. It reports whether p quit (over TCP the model then
// closes the connection once the answer is written). A model calls Handle
// for one peer from one goroutine at a time, in the order its commands
// came: that keeps each sender's messages in order.
func (r *Room) Handle(p *Peer, line []byte) (quit bool) { return r.handle(p, line, nil) }

// handle is Handle, every line it sends going through via when it is not
// nil, instead of through its peer's own Link.
func (r *Room) handle(p *Peer, line []byte, via Link) (quit bool) {
	buf := getLine()
	defer putLine(buf)
	scratch := (*buf)[:0]
	if p.Addr.IsValid() && p.name != "" {
		p.seen.Store(time.Now().UnixNano())
	}
	c, err := Parse(line)
	if err != nil {
		r.answer(p, via, AppendErr(scratch[:0], Reason(err), nil))
		return false
	}
	switch c.Verb {
	case Login:
		switch why := r.join(p, c.Name); why {
		case "":
			r.answer(p, via, appendLine(scratch[:0], []byte(KindOK), c.Name))
		case "taken":
			r.answer(p, via, AppendErr(scratch[:0], why, c.Name))
		default:
			r.answer(p, via, AppendErr(scratch[:0], why, nil))
		}
	case Say:
		if !r.isMember(p, c.Name) {
			r.answer(p, via, AppendErr(scratch[:0], "login", nil))
			return false
		}
		r.fanOut(p, via, AppendMessage(scratch, c.Name, c.Text))
	case Quit:
		if !r.isMember(p, c.Name) {
			r.answer(p, via, AppendErr(scratch[:0], "login", nil))
			return false
		}
		r.Leave(p)
		r.answer(p, via, appendLine(scratch[:0], []byte(KindBye), c.Name))
		return true
	case Ping:
		r.answer(p, via, appendLine(scratch[:0], []byte(KindPong)))
	case Admin:
		if r.opts.AdminToken == "" || subtle.ConstantTimeCompare(c.Name, []byte(r.opts.AdminToken)) != 1 {
			r.answer(p, via, AppendErr(scratch[:0], "admin", nil))
			return false
		}
		r.fanOut(nil, via, AppendBroadcast(scratch, c.Text))
		r.answer(p, via, appendLine(scratch[:0], []byte(KindOK)))
	case Stats:
		r.answer(p, via, AppendStats(scratch, r.Counters()))
	}
	return false
}

// isMember reports whether p is in the room as name.
func (r *Room) isMember(p *Peer, name []byte) bool {
	return p.name != "" && p.name == string(name) && !p.gone.Load()
}

// answer sends an answer to p, through via if it is not nil; a dropped
// answer is counted as a drop.
func (r *Room) answer(p *Peer, via Link, line []byte) {
	switch linkOf(p, via).Send(p, line) {
	case Dropped:
		r.dropped.Add(1)
	case Kick:
		r.dropped.Add(1)
		r.kick(p)
	}
}

// Refuse answers p's line that could not be read as a command: ERR long
// for ErrLong (a TCP line that grew past MaxLine), and so on.
func (r *Room) Refuse(p *Peer, err error) {
	buf := getLine()
	defer putLine(buf)
	r.answer(p, nil, AppendErr((*buf)[:0], Reason(err), nil))
}

// linkOf is via, or p's own Link when via is nil.
func linkOf(p *Peer, via Link) Link {
	if via != nil {
		return via
	}
	return p.Link
}
