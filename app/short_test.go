package app_test

import "testing"

// bySize is a storm test's size: full in `make test`, small under -short
// (`make check`), where the hammer and concurrency-storm tests keep their
// shape (still more attempts than the rule allows) but not their load.
func bySize(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}
