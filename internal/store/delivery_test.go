package store_test

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func TestDelivery(t *testing.T) {
	storetest.Backends(t, storetest.Delivery)
}

func TestLessons(t *testing.T) {
	storetest.Backends(t, storetest.Lessons)
}
