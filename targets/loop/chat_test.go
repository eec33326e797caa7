package loop_test

import (
	"testing"

	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/loop"
)

func TestChatDatagrams(t *testing.T) {
	conformancetest.RunChat(t, func() any { return loop.NewChatDatagram(conformancetest.ChatConfig()) })
}
