package thread

import (
	"context"
	"net"
	"runtime"

	"github.com/corobench/corobench/targets/internal/blocking"
)

// ServeDatagrams implements targets.DatagramServer: the reader on this
// goroutine's thread, locked to it, and a thread made for each member.
func (s *ChatDatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return blocking.ServeChatDatagrams(ctx, pc, s.room, func(send func()) {
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the member
			send()
		}()
	})
}
