package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

func TestRetentionCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		name    string
		args    []string
		wantErr bool
		want    string
	}{
		{"no subcommand", []string{"retention"}, true, ""},
		{"bad day", []string{"retention", "run", "--as-of", "01/01/2043", "--data", dir}, true, ""},
		{"dry run", []string{"retention", "run", "--dry-run", "--as-of", "2043-01-01", "--data", dir}, false, "2043-01-01: sẽ ẩn danh (chạy thử, không thay đổi gì) 0 hồ sơ"},
		{"run", []string{"retention", "run", "--as-of", "2043-01-01", "--data", dir}, false, "2043-01-01: đã ẩn danh 0 hồ sơ"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(ctx, c.args, nil, &out, io.Discard)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if !strings.Contains(out.String(), c.want) {
				t.Errorf("output %q lacks %q", out.String(), c.want)
			}
		})
	}
}
