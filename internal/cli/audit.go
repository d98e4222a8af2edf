package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
)

// auditKeyFlag is where the checkpoints' signing key comes from: this file,
// else CYBERAID_AUDIT_KEY, else audit.key in the data directory.
func auditKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("audit-key-file", envOr("CYBERAID_AUDIT_KEY_FILE", ""), "file holding the audit checkpoints' signer key (default: CYBERAID_AUDIT_KEY, else audit.key in --data-dir, made on first use)")
}

// signerKey loads, or on first use makes, the server's signing key.
func signerKey(keyFile string, db *dbFlags) (string, error) {
	given := os.Getenv("CYBERAID_AUDIT_KEY")
	if keyFile != "" {
		given = ""
	}
	return audit.LoadKey(given, keyFile, db.dataDir)
}

func (e *env) auditKey(args []string) error {
	fs, db := newFlagSet("audit key", e)
	keyFile := auditKeyFlag(fs)
	newName := fs.String("new", "", "print a new signer key with this name (the checkpoints' origin) instead, to give several servers with --audit-key-file or CYBERAID_AUDIT_KEY")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *newName != "" {
		skey, vkey, err := audit.GenerateKey(*newName)
		if err != nil {
			return fmt.Errorf("--new: %w", err)
		}
		fmt.Fprintln(e.stdout, skey)
		fmt.Fprintf(e.stderr, "its verifier key, to publish: %s\n", vkey)
		return nil
	}
	skey, err := signerKey(*keyFile, db)
	if err != nil {
		return err
	}
	vkey, err := audit.VerifierKey(skey)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, vkey)
	return nil
}

func (e *env) auditCheckpoint(args []string) error {
	fs, db := newFlagSet("audit checkpoint", e)
	keyFile := auditKeyFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	skey, err := signerKey(*keyFile, db)
	if err != nil {
		return err
	}
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	l, err := audit.NewLog(s, skey, nil)
	if err != nil {
		return err
	}
	cp, err := l.Sign(e.ctx)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(cp.Note)
	return err
}

func (e *env) auditExport(args []string) error {
	fs, db := newFlagSet("audit export", e)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	w := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := audit.Each(e.ctx, s, func(ev model.AuditEvent) error { return enc.Encode(audit.Export(ev)) }); err != nil {
		return err
	}
	return w.Flush()
}

var errVerifyFailed = errors.New("audit chain broken")

func (e *env) auditVerify(args []string) error {
	fs, db := newFlagSet("audit verify", e)
	cpFile := fs.String("checkpoint", "", "a checkpoint kept earlier (cyberaid audit checkpoint): prove that today's log extends it")
	vkey := fs.String("key", "", "the verifier key that signed the checkpoint (default: the server's own key)")
	logFile := fs.String("log", "", "check this exported log (cyberaid audit export) instead of the database")
	keyFile := auditKeyFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cpFile == "" {
		if *vkey != "" {
			return usageError{"--key needs --checkpoint"}
		}
		if *logFile != "" {
			return e.verifyExportedChain(*logFile)
		}
		return e.verifyChain(db)
	}
	text, err := os.ReadFile(*cpFile)
	if err != nil {
		return fmt.Errorf("--checkpoint: %w", err)
	}
	if *vkey == "" {
		if *vkey, err = ownVerifierKey(*keyFile, db); err != nil {
			return err
		}
	}
	cp, err := audit.ParseCheckpoint(text, *vkey)
	if err != nil {
		fmt.Fprintf(e.stderr, "checkpoint %s REFUSED: %v\n", *cpFile, err)
		return errVerifyFailed
	}
	var x audit.Extension
	if *logFile != "" {
		events, read := readExport(*logFile)
		x = audit.ExtendsEvents(cp, events)
		if err := read(); err != nil {
			return fmt.Errorf("--log: %w", err)
		}
	} else {
		s, err := e.open(db)
		if err != nil {
			return err
		}
		defer s.Close()
		if x, err = audit.ExtendsStore(e.ctx, s, audit.NewTree(s), cp); err != nil {
			return err
		}
	}
	if !x.OK {
		fmt.Fprintf(e.stderr, "audit log does NOT extend the checkpoint of %d events: %s\n", cp.Size, x.Problem)
		return errVerifyFailed
	}
	fmt.Fprintf(e.stdout, "OK: the audit log of %d events extends the checkpoint of %d events (%s)\n", x.LogSize, x.CheckpointSize, cp.Origin)
	return nil
}

// ownVerifierKey is the verifier of the server's own key, which must exist
// already: verifying never makes a key.
func ownVerifierKey(keyFile string, db *dbFlags) (string, error) {
	given := os.Getenv("CYBERAID_AUDIT_KEY")
	if keyFile == "" && given == "" {
		if _, err := os.Stat(filepath.Join(db.dataDir, audit.KeyFile)); errors.Is(err, fs.ErrNotExist) {
			return "", usageError{"no signing key in " + db.dataDir + ": give the checkpoint's signer with --key"}
		}
	}
	skey, err := signerKey(keyFile, db)
	if err != nil {
		return "", err
	}
	return audit.VerifierKey(skey)
}

func (e *env) verifyChain(db *dbFlags) error {
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := audit.Verify(e.ctx, s)
	if err != nil {
		return err
	}
	return e.chainReport(rep)
}

func (e *env) verifyExportedChain(path string) error {
	events, read := readExport(path)
	c := audit.NewChecker(true)
	for ev := range events {
		c.Check(ev)
	}
	if err := read(); err != nil {
		return fmt.Errorf("--log: %w", err)
	}
	return e.chainReport(c.Report())
}

func (e *env) chainReport(rep audit.Report) error {
	if !rep.OK {
		fmt.Fprintf(e.stderr, "audit chain BROKEN at event %d: %s\n(%d events before it verified)\n", rep.BadSeq, rep.Problem, rep.Events)
		return errVerifyFailed
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d events, head %s\n", rep.Events, rep.Head)
	return nil
}

// readExport streams the events of an exported log; read reports the
// first error once the stream is drained.
func readExport(path string) (events func(yield func(model.AuditEvent) bool), read func() error) {
	var readErr error
	events = func(yield func(model.AuditEvent) bool) {
		f, err := os.Open(path)
		if err != nil {
			readErr = err
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
		for line := 1; sc.Scan(); line++ {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var x audit.ExportedEvent
			if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
				readErr = fmt.Errorf("%s line %d: %w", path, line, err)
				return
			}
			if !yield(x.Event()) {
				return
			}
		}
		readErr = sc.Err()
	}
	return events, func() error { return readErr }
}
