package app

// DummyHash exposes the dummy hash to the tests of package app_test.
const DummyHash = dummyHash
