// Command relais-search is Relais's search engine on the embedded default: a bleve index kept in
// the data folder, answering over HTTP on a loopback port it picks itself.
//
// Start-up protocol with the parent (server/search/search.process.ts):
//   - the first line of standard input is a secret; every request must carry it as
//     `Authorization: Bearer <secret>`, so other local processes cannot read the index
//     (the secret is never on the command line, which every local user can read);
//   - once listening, it prints `listening <host:port>` on standard output;
//   - it exits when standard input reaches EOF: the parent holds the pipe, so when the
//     parent dies for any reason (even SIGKILL) the search process stops too.
package main

import (
	"bufio"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// maxBody bounds one request: an indexing batch of a few hundred documents of at most
// maxText characters each fits comfortably.
const maxBody = 64 << 20

func main() {
	dir := flag.String("dir", "", "index folder (created if missing)")
	host := flag.String("host", "127.0.0.1", "loopback address to listen on")
	flag.Parse()
	if *dir == "" {
		log.Fatal("relais-search: -dir is required")
	}
	if *host != "127.0.0.1" && *host != "::1" && *host != "localhost" {
		log.Fatal("relais-search: -host must be a loopback address")
	}

	stdin := bufio.NewReader(os.Stdin)
	line, err := stdin.ReadString('\n')
	secret := strings.TrimSpace(line)
	if err != nil || len(secret) < 32 {
		log.Fatal("relais-search: expected a secret of at least 32 characters on the first line of standard input")
	}

	store, err := openStore(*dir)
	if err != nil {
		log.Fatalf("relais-search: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		stop()
	}()

	listener, err := net.Listen("tcp", net.JoinHostPort(*host, "0"))
	if err != nil {
		log.Fatalf("relais-search: %v", err)
	}
	server := &http.Server{Handler: authorized(secret, routes(store)), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	fmt.Printf("listening %s\n", listener.Addr().String())
	if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Printf("relais-search: %v", err)
	}
	if err := store.Close(); err != nil {
		log.Printf("relais-search: closing the index: %v", err)
	}
}

func authorized(secret string, next http.Handler) http.Handler {
	want := []byte("Bearer " + secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func routes(store *Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		reply(w, store.Health(), nil)
	})
	mux.HandleFunc("POST /index", func(w http.ResponseWriter, r *http.Request) {
		var batch Batch
		if !decode(w, r, &batch) {
			return
		}
		reply(w, map[string]int{"indexed": len(batch.Tickets) + len(batch.Messages)}, store.Write(batch))
	})
	mux.HandleFunc("POST /search", func(w http.ResponseWriter, r *http.Request) {
		var q SearchRequest
		if !decode(w, r, &q) {
			return
		}
		result, err := store.Search(q)
		reply(w, result, err)
	})
	mux.HandleFunc("POST /rebuild/begin", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]bool{"ok": true}, store.BeginRebuild())
	})
	mux.HandleFunc("POST /rebuild/commit", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]bool{"ok": true}, store.CommitRebuild())
	})
	mux.HandleFunc("POST /rebuild/abort", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]bool{"ok": true}, store.AbortRebuild())
	})
	return mux
}

func decode(w http.ResponseWriter, r *http.Request, into any) bool {
	body := http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		http.Error(w, fmt.Sprintf(`{"error":%q}`, err.Error()), http.StatusBadRequest)
		return false
	}
	return true
}

func reply(w http.ResponseWriter, value any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		status := http.StatusInternalServerError
		var bad badRequest
		if errors.As(err, &bad) {
			status = http.StatusBadRequest
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(value)
}
