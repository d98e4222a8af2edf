package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
)

// importIATI reads a donor's published IATI activity file, from disk or
// from the web, as bilateral reports.
func (e *env) importIATI(args []string) error {
	fs, db := newFlagSet("import iati", e)
	pub := iatiPublisherFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"import iati takes one FILE or URL"}
	}
	src, size, err := e.openSource(fs.Arg(0))
	if err != nil {
		return err
	}
	defer src.Close()
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Only the services an import needs: the whole program would also
	// compute the sign-in service's 64 MiB password hash at start-up, more
	// memory than the import itself takes.
	country := accounts.Defaults.BeneficiaryCountry
	p := pledges.NewService(s, time.Now, country)
	x := exchange.NewService(s, time.Now, country, p, offers.NewService(s, time.Now, p))
	// The publisher's identifier recognises the organisations of the
	// mechanism's own exported files.
	if err := x.SetPublisher(*pub); err != nil {
		return err
	}
	bar := e.progressBar(size)
	res, err := x.ImportIATIAsSystem(e.ctx, src, bar.update)
	bar.finish()
	var fe *exchange.FileError
	if errors.As(err, &fe) {
		fmt.Fprintf(e.stderr, "cyberaid: %s was refused; nothing was imported:\n", fs.Arg(0))
		for _, le := range fe.Errors {
			fmt.Fprintf(e.stderr, "  %s\n", le)
		}
		return errRefused
	}
	if err != nil {
		return err
	}
	for _, n := range res.Notices {
		fmt.Fprintf(e.stderr, "note: %s\n", n)
	}
	fmt.Fprintf(e.stdout, "%d activities: %d created, %d updated, %d unchanged, %d skipped; %d organisations created\n",
		res.Activities, res.Created, res.Updated, res.Unchanged, res.Skipped, res.Organisations)
	return nil
}

// errRefused ends the command with status 1 once the reasons are printed.
var errRefused = errors.New("import refused")

// openSource opens a file or fetches a URL; size is -1 when unknown.
func (e *env) openSource(name string) (io.ReadCloser, int64, error) {
	if strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://") {
		req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, name, nil)
		if err != nil {
			return nil, 0, fmt.Errorf("fetch %s: %w", name, err)
		}
		c := &http.Client{Timeout: 10 * time.Minute}
		res, err := c.Do(req)
		if err != nil {
			return nil, 0, fmt.Errorf("fetch %s: %w", name, err)
		}
		if res.StatusCode != http.StatusOK {
			res.Body.Close()
			return nil, 0, fmt.Errorf("fetch %s: %s", name, res.Status)
		}
		return res.Body, res.ContentLength, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// progress draws a bar on the terminal while a file is read; on anything
// but a terminal (a pipe, a log file, a test) it draws nothing.
type progress struct {
	w     io.Writer
	size  int64
	drawn bool
}

func (e *env) progressBar(size int64) *progress {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{w: f, size: size}
}

func (p *progress) update(read int64) {
	if p.w == nil {
		return
	}
	p.drawn = true
	const width = 40
	if p.size <= 0 {
		fmt.Fprintf(p.w, "\rimporting… %d MB read", read>>20)
		return
	}
	frac := min(float64(read)/float64(p.size), 1)
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d MB", strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, read>>20, p.size>>20)
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// iatiPublisherFlags adds the flags naming who the mechanism's IATI files
// are published as.
func iatiPublisherFlags(fs *flag.FlagSet) *exchange.Publisher {
	var p exchange.Publisher
	fs.StringVar(&p.Ref, "iati-publisher-ref", envOr("CYBERAID_IATI_PUBLISHER_REF", exchange.DefaultPublisher.Ref),
		"the IATI organisation identifier the mechanism's IATI files are published under, as registered with IATI")
	fs.StringVar(&p.Name, "iati-publisher-name", envOr("CYBERAID_IATI_PUBLISHER_NAME", exchange.DefaultPublisher.Name),
		"the name the mechanism's IATI files are published under")
	return &p
}
