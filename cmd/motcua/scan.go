package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/motcua/motcua/scan"
	"github.com/motcua/motcua/server"
)

// scanTimeout bounds one upload's scan (dial, stream, verdict): a 20 MB
// PDF takes clamd a few seconds.
const scanTimeout = time.Minute

// configureScanner sets cfg.Scanner from --clamd. A clamd that does not
// answer at start is logged as an error, not fatal: clamd loading its
// database at boot takes a while, and until it answers uploads are
// refused (503 scanner_unavailable), never stored unscanned.
func configureScanner(ctx context.Context, cfg *server.Config, addr string, log *slog.Logger) error {
	if addr == "" {
		log.Warn("uploads are not scanned for malware: set --clamd")
		return nil
	}
	c, err := scan.New(addr, scanTimeout)
	if err != nil {
		return fmt.Errorf("--clamd: %w", err)
	}
	cfg.Scanner = c
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Ping(pctx); err != nil {
		log.Error("clamd does not answer; uploads are refused until it does", "clamd", c.String(), "err", err)
		return nil
	}
	v, _ := c.Version(pctx)
	log.Info("uploads are scanned", "clamd", c.String(), "version", v)
	return nil
}
