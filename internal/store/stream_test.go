package store_test

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func TestStreams(t *testing.T) {
	storetest.Backends(t, storetest.Streams)
}
