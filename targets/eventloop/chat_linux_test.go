package eventloop_test

import (
	"testing"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/eventloop"
)

func TestChat(t *testing.T) {
	conformancetest.RunChat(t, func() any { return eventloop.NewChat(conformancetest.ChatConfig()) })
}

func TestChatDatagrams(t *testing.T) {
	conformancetest.RunChat(t, func() any { return eventloop.NewChatDatagram(conformancetest.ChatConfig()) })
}
