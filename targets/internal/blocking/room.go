package blocking

import "github.com/corobench/corobench/chat"

// ChatRoom is a room of options o that holds at most members members (a
// thread model's threads for them): a login past that is answered ERR full.
func ChatRoom(o chat.Options, members int) *chat.Room {
	o.MaxMembers = min(o.WithDefaults().MaxMembers, members)
	return chat.NewRoom(o)
}
