package reactors_test

import (
	"testing"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/reactors"
)

func TestChat(t *testing.T) {
	cfg := conformancetest.ChatConfig()
	cfg.Workers = 3 // members on different loops, whatever the CPUs
	var _ targets.Server = reactors.NewChat(cfg)
	conformancetest.RunChat(t, func() any { return reactors.NewChat(cfg) })
}

func TestChatDatagrams(t *testing.T) {
	cfg := conformancetest.ChatConfig()
	cfg.Workers = 3 // members on different loops, whatever the CPUs
	conformancetest.RunChat(t, func() any { return reactors.NewChatDatagram(cfg) })
}
