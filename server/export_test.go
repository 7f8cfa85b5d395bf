package server

// Compress is compress, for the black-box tests of the gzip threshold.
var Compress = compress
