package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// runBackup copies every <db>.sqlite of a FerretDB SQLite folder into another folder while
// FerretDB may be running and writing: `VACUUM INTO` reads the database in one read
// transaction, so each copy is one consistent snapshot (WAL mode lets the writer go on),
// and the result is a single self-contained file (no -wal or -shm to carry). Each copy is
// written under a temporary name and renamed, so a folder never holds half a database.
//
//	relais-ferretdb backup -from <sqlite dir> -to <dir>
func runBackup(args []string) error {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	from := flags.String("from", "", "FerretDB SQLite folder to copy")
	to := flags.String("to", "", "folder to write the copies into (created; must not hold them already)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return fmt.Errorf("backup: -from and -to are required")
	}
	if err := os.MkdirAll(*to, 0o700); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(*from, "*.sqlite"))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	for _, file := range files {
		target := filepath.Join(*to, filepath.Base(file))
		if _, err := os.Stat(target); err == nil {
			return fmt.Errorf("backup: %s exists already", target)
		}
		temp := target + ".partial"
		_ = os.Remove(temp)
		if err := vacuumInto(ctx, file, temp); err != nil {
			_ = os.Remove(temp)
			return fmt.Errorf("backup of %s: %w", filepath.Base(file), err)
		}
		if err := os.Rename(temp, target); err != nil {
			return err
		}
		fmt.Println(filepath.Base(file))
	}
	return nil
}

func vacuumInto(ctx context.Context, file, target string) error {
	// busy_timeout: FerretDB may hold the write lock for a moment; the read does not need it
	// in WAL mode, but opening may run a checkpoint-free recovery that waits for it.
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(30000)&_pragma=journal_mode(wal)")
	if err != nil {
		return err
	}
	defer db.Close()
	quoted := strings.ReplaceAll(target, "'", "''")
	if _, err := db.ExecContext(ctx, "VACUUM INTO '"+quoted+"'"); err != nil {
		return err
	}
	// A quick check that what was written is a database SQLite can read whole.
	check, err := sql.Open("sqlite", "file:"+target+"?mode=ro")
	if err != nil {
		return err
	}
	defer check.Close()
	var result string
	if err := check.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("the copy does not pass quick_check: %s", result)
	}
	return nil
}
