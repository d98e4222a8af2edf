package store_test

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func TestAuditTree(t *testing.T) {
	storetest.Backends(t, storetest.AuditTree)
}
