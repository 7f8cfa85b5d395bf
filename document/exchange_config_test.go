package document_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/document"
)

// TestLoadPeers: a peer's endpoint is an absolute http(s) URL without
// credentials in it (those travel as SystemId and SecretKey): a file:,
// gopher: or relative endpoint, or one with user:password@, stops the
// start instead of being tried by the worker.
func TestLoadPeers(t *testing.T) {
	for endpoint, ok := range map[string]bool{
		"https://edxml.ninhbinh.gov.vn/edxml/v1/messages": true,
		"http://10.0.0.5:8080/edxml/v1/messages":          true,
		"file:///etc/passwd":                              false,
		"gopher://127.0.0.1:6379/_FLUSHALL":               false,
		"/edxml/v1/messages":                              false,
		"https://user:pass@edxml.example/":                false,
		"https://":                                        false,
	} {
		path := filepath.Join(t.TempDir(), "peers.json")
		body := `{"000.00.00.H40": {"endpoint": "` + endpoint + `", "system_id": "motcua", "secret_key": "0123456789abcdef"}}`
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := document.LoadPeers(path); (err == nil) != ok {
			t.Errorf("%s: %v, want ok %v", endpoint, err, ok)
		}
	}
}
