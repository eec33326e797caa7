package goroutine_test

import (
	"testing"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

func TestChat(t *testing.T) {
	conformancetest.RunChat(t, func() any { return goroutine.NewChat(conformancetest.ChatConfig()) })
}

func TestChatDatagrams(t *testing.T) {
	conformancetest.RunChat(t, func() any { return goroutine.NewChatDatagram(conformancetest.ChatConfig()) })
}
