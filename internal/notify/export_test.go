package notify

// Seen is seen, for the external tests.
var Seen = seen
