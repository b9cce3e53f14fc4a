// Command relais-ferretdb runs FerretDB v1.24.2 embedded, with SQLite storage,
// listening on one loopback TCP address. The upstream `ferretdb` binary built
// with `go install` panics at start (FerretDB issue #2982: version.txt is
// generated at release time), so Relais carries this small launcher instead.
//
// `relais-ferretdb backup -from <sqlite dir> -to <dir>` writes a consistent copy of each
// database instead (backup.go), for `npm run backup`.
//
// It exits when it receives SIGINT/SIGTERM, and also when its standard input
// reaches EOF if -watch-stdin is given: the parent Node process holds the pipe,
// so when the parent dies for any reason (even SIGKILL) the database stops too.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	// `relais-ferretdb backup -from <dir> -to <dir>`: a consistent copy while FerretDB runs (backup.go).
	if len(os.Args) > 1 && os.Args[1] == "backup" {
		if err := runBackup(os.Args[2:]); err != nil {
			log.Fatalf("relais-ferretdb: %v", err)
		}
		return
	}
	listen := flag.String("listen", "127.0.0.1:27017", "loopback address to listen on")
	dir := flag.String("dir", "", "SQLite data folder (created if missing)")
	watchStdin := flag.Bool("watch-stdin", false, "exit when standard input is closed")
	logLevel := flag.String("log-level", "warn", "FerretDB log level: debug, info, warn or error")
	flag.Parse()

	if *dir == "" {
		log.Fatal("relais-ferretdb: -dir is required")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatalf("relais-ferretdb: %v", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		log.Fatalf("relais-ferretdb: cannot create %s: %v", abs, err)
	}
	url := "file:" + abs + "/"
	// No "?mode=memory": with FerretDB 1.24.2 updates hang on an in-memory SQLite
	// store (seen with Relais's tests), so tests use a temporary folder instead.

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		log.Fatalf("relais-ferretdb: bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Logger:    logger,
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: url,
	})
	if err != nil {
		log.Fatalf("relais-ferretdb: %v", err)
	}

	go keepIDIndexes(ctx, abs, logger)

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	fmt.Fprintf(os.Stderr, "relais-ferretdb: listening on %s, data in %s\n", *listen, abs)
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("relais-ferretdb: %v", err)
	}
}
