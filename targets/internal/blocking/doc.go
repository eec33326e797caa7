// Package blocking is a TCP connection on a blocking socket, read and written
// with plain system calls, so that the OS thread calling them really blocks
// in the kernel, as a C server's thread would; Go's netpoller never sees it.
// The thread and threadpool models serve their connections with it, and so
// does each child of the process model.
//
// A Conn implements io.ReadWriter and targets.Deadliner (through
// SO_RCVTIMEO), so targets.App.ServeConn runs on it unchanged; Sleep is the
// matching wait, a nanosleep that blocks the thread. Datagrams is a UDP
// socket the same way (recvfrom(2), sendto(2)), on which ServeChatDatagrams
// serves the chat room of the thread models. It is Linux only: elsewhere
// FromNet and FromFile return targets.ErrUnsupported.
package blocking
