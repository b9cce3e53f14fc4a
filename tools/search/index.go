package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	_ "github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	_ "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// mappingVersion changes whenever the mapping or the documents' shape changes: an index of another
// version is left aside and reported incomplete, and Relais rebuilds it from the database.
const mappingVersion = "relais-search-4"

const (
	keyVersion  = "relais:mapping"
	keyComplete = "relais:complete"
	// maxText bounds the text indexed per message: the start of a long mail is what people search.
	maxText = 20_000
	// maxCandidates bounds the documents read per search before grouping them by ticket.
	maxCandidates = 4000
)

type badRequest struct{ error }

// TicketDoc is what is searchable about a ticket itself.
type TicketDoc struct {
	ID           string `json:"id"`
	V            int    `json:"v"`
	Number       string `json:"number"`
	Subject      string `json:"subject"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	MemberNumber string `json:"memberNumber"`
	Category     string `json:"category"`
	Lang         string `json:"lang"`
	// Where the ticket is now, for the pre-filter (scope.go); not searchable.
	Tier     int    `json:"tier"`
	Office   string `json:"office"`
	Team     string `json:"team"`
	Assignee string `json:"assignee"`
	// Who may follow it wherever it is (read-only): the office of the member who filed it, and the
	// staff who worked on it (server/tickets/ticket.policy.ts, followsTicket).
	MemberOffice string   `json:"memberOffice"`
	Workers      []string `json:"workers"`
}

// MessageDoc is one thread message: messages never change once written.
type MessageDoc struct {
	ID       string `json:"id"`
	Ticket   string `json:"ticket"`
	Lang     string `json:"lang"`
	Text     string `json:"text"`
	Internal bool   `json:"internal"`
}

// Batch is one write. Rebuild batches go only to the index being rebuilt.
type Batch struct {
	Tickets  []TicketDoc  `json:"tickets"`
	Messages []MessageDoc `json:"messages"`
	Rebuild  bool         `json:"rebuild"`
}

type SearchRequest struct {
	Q     string `json:"q"`
	Limit int    `json:"limit"`
	// Internal: whether internal notes may match (staff); members never search.
	Internal bool `json:"internal"`
	// Scope: the placements the person may read (scope.go); absent, every ticket is a candidate.
	Scope *[]Clause `json:"scope"`
	// Fuzzy: words may be a typing error away from the indexed ones (Relais asks when nothing matched exactly).
	Fuzzy bool `json:"fuzzy"`
}

type Hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	// The member's name and address as indexed on the ticket (kept by the journal and member changes).
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

type SearchResult struct {
	Tickets []Hit   `json:"tickets"`
	More    bool    `json:"more"`
	TookMs  float64 `json:"tookMs"`
}

type Health struct {
	Mapping  string `json:"mapping"`
	Complete bool   `json:"complete"`
	Building bool   `json:"building"`
	Docs     uint64 `json:"docs"`
}

// Store holds the live index and, during a rebuild, the one being built. Live writes go to both,
// and the rebuild never overwrites a ticket with an older version than a live write gave it.
type Store struct {
	dir      string
	mu       sync.RWMutex
	current  bleve.Index
	name     string
	complete bool
	building bleve.Index
	buildDir string
	live     map[string]int
	// Where each ticket is, in the live index and in the one being built (scope.go).
	places      placements
	buildPlaces placements
}

func indexMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	folded := func(filters ...string) map[string]interface{} {
		return map[string]interface{}{
			"type":          "custom",
			"char_filters":  []string{"asciifolding"},
			"tokenizer":     "unicode",
			"token_filters": append([]string{"to_lower"}, filters...),
		}
	}
	analyzers := map[string]map[string]interface{}{
		// Accents and case folded on both sides, so "Frederic" finds "Frédéric" and "CAFE" finds "café".
		"folded":    folded(),
		"folded_fr": folded("elision_fr", "stop_fr", "stemmer_fr_light"),
		"folded_nl": folded("stop_nl", "stemmer_nl_snowball"),
		"folded_en": folded("stop_en", "stemmer_en_snowball"),
		"lower_keyword": {
			"type":          "custom",
			"tokenizer":     "single",
			"token_filters": []string{"to_lower"},
		},
	}
	for name, config := range analyzers {
		if err := m.AddCustomAnalyzer(name, config); err != nil {
			return nil, err
		}
	}
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for field, analyzer := range map[string]string{
		"number": "lower_keyword", "email": "lower_keyword", "member_number": "lower_keyword",
		"name": "folded", "subject": "folded", "all": "folded", "text": "folded",
		"stem_fr": "folded_fr", "stem_nl": "folded_nl", "stem_en": "folded_en",
	} {
		f := text(analyzer)
		// The member as the ticket shows them comes back with the results: no read per result to name them.
		f.Store = field == "name" || field == "email"
		doc.AddFieldMappingsAt(field, f)
	}
	internal := bleve.NewBooleanFieldMapping()
	internal.Store = false
	internal.IncludeInAll = false
	internal.DocValues = false
	doc.AddFieldMappingsAt("internal", internal)
	// Where the ticket is, on its document and on each of its messages' (scope.go): the filter of a
	// scoped search. `kind` finds ticket documents at start, `tk` a ticket's messages when it moves.
	for _, field := range []string{"kind", "tk", "p_tier", "p_office", "p_team", "p_assignee", "p_member_office", "p_worker"} {
		doc.AddFieldMappingsAt(field, text("lower_keyword"))
	}
	// Stored, not searched: the placement read back at start, and what a message document is
	// written again from when its ticket moves (its text is not kept anywhere else here).
	for _, field := range []string{"place", "raw", "meta"} {
		stored := bleve.NewTextFieldMapping()
		stored.Index = false
		stored.Store = true
		stored.IncludeTermVectors = false
		stored.IncludeInAll = false
		stored.DocValues = false
		doc.AddFieldMappingsAt(field, stored)
	}
	m.DefaultMapping = doc
	m.DefaultAnalyzer = "folded"
	return m, nil
}

func openStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &Store{dir: dir}
	if raw, err := os.ReadFile(filepath.Join(dir, "current")); err == nil {
		name := strings.TrimSpace(string(raw))
		if idx, err := bleve.Open(filepath.Join(dir, name)); err == nil {
			version, _ := idx.GetInternal([]byte(keyVersion))
			if string(version) == mappingVersion {
				done, _ := idx.GetInternal([]byte(keyComplete))
				s.current, s.name, s.complete = idx, name, string(done) == "1"
			} else {
				_ = idx.Close()
			}
		}
	}
	if s.current == nil {
		idx, name, err := s.create()
		if err != nil {
			return nil, err
		}
		if err := s.point(name); err != nil {
			return nil, err
		}
		s.current, s.name = idx, name
	}
	s.removeOthers()
	places, err := loadPlacements(s.current)
	if err != nil {
		return nil, err
	}
	s.places = places
	// The pages read to find them are garbage now: give their memory back rather than keep it resident.
	debug.FreeOSMemory()
	return s, nil
}

func (s *Store) create() (bleve.Index, string, error) {
	m, err := indexMapping()
	if err != nil {
		return nil, "", err
	}
	name := "index-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	idx, err := bleve.New(filepath.Join(s.dir, name), m)
	if err != nil {
		return nil, "", err
	}
	if err := idx.SetInternal([]byte(keyVersion), []byte(mappingVersion)); err != nil {
		return nil, "", err
	}
	return idx, name, nil
}

// point makes `name` the index opened at the next start (write then rename: never half a file).
func (s *Store) point(name string) error {
	tmp := filepath.Join(s.dir, "current.tmp")
	if err := os.WriteFile(tmp, []byte(name+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(s.dir, "current"))
}

// removeOthers deletes index folders left by an older mapping or an interrupted rebuild.
func (s *Store) removeOthers() {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "index-") && e.Name() != s.name && filepath.Join(s.dir, e.Name()) != s.buildDir {
			_ = os.RemoveAll(filepath.Join(s.dir, e.Name()))
		}
	}
}

func (s *Store) Health() Health {
	s.mu.RLock()
	defer s.mu.RUnlock()
	docs, _ := s.current.DocCount()
	return Health{Mapping: mappingVersion, Complete: s.complete, Building: s.building != nil, Docs: docs}
}

func clip(text string) string {
	if len(text) <= maxText {
		return text
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

var digitsOnly = regexp.MustCompile(`^[0-9]+$`)

// numberVariants: a number `R-2026-000123` is found as typed, without its prefix or year, and
// without leading zeros.
func numberVariants(number string) []string {
	n := strings.ToLower(number)
	out := []string{n}
	parts := strings.Split(n, "-")
	if len(parts) == 3 {
		out = append(out, parts[1]+"-"+parts[2], parts[2])
		if trimmed := strings.TrimLeft(parts[2], "0"); trimmed != "" && trimmed != parts[2] {
			out = append(out, trimmed)
		}
	}
	return out
}

func stemField(lang string) string {
	switch lang {
	case "fr", "nl", "en":
		return "stem_" + lang
	}
	return ""
}

func ticketFields(t TicketDoc) map[string]interface{} {
	doc := map[string]interface{}{
		"number":        numberVariants(t.Number),
		"email":         t.Email,
		"member_number": t.MemberNumber,
		"name":          t.Name,
		"subject":       t.Subject,
		"all":           strings.Join([]string{t.Subject, t.Name, t.Email, t.MemberNumber, t.Category}, " "),
		"kind":          "t",
	}
	if p, ok := placementOf(t); ok {
		doc["place"] = p.encode()
		p.addTerms(doc)
	} else {
		addUnplaced(doc)
	}
	if f := stemField(t.Lang); f != "" {
		doc[f] = t.Subject
	}
	return doc
}

// messageFields: a message carries its ticket's placement (p, when known) so a scoped search filters
// it in the engine; its text and language are stored to write it again when the ticket moves.
func messageFields(m MessageDoc, p *Placement) map[string]interface{} {
	text := clip(m.Text)
	internal := "0"
	if m.Internal {
		internal = "1"
	}
	doc := map[string]interface{}{"text": text, "internal": m.Internal, "tk": m.Ticket, "raw": text, "meta": m.Lang + "|" + internal}
	if f := stemField(m.Lang); f != "" {
		doc[f] = text
	}
	if p != nil {
		p.addTerms(doc)
	} else {
		addUnplaced(doc)
	}
	return doc
}

func validID(id string) bool {
	return len(id) > 0 && len(id) <= 64 && !strings.Contains(id, ":")
}

// Write indexes a batch: live batches go to the live index (and to the one being built),
// rebuild batches only to the one being built.
func (s *Store) Write(b Batch) error {
	for _, t := range b.Tickets {
		if !validID(t.ID) {
			return badRequest{fmt.Errorf("bad ticket id %q", t.ID)}
		}
	}
	for _, m := range b.Messages {
		if !validID(m.ID) || !validID(m.Ticket) {
			return badRequest{fmt.Errorf("bad message id %q", m.ID)}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.Rebuild {
		if s.building == nil {
			return badRequest{errors.New("no rebuild in progress")}
		}
		tickets := b.Tickets[:0:0]
		for _, t := range b.Tickets {
			if v, seen := s.live[t.ID]; !seen || v < t.V {
				tickets = append(tickets, t)
			}
		}
		return write(s.building, s.buildPlaces, tickets, b.Messages)
	}
	if err := write(s.current, s.places, b.Tickets, b.Messages); err != nil {
		return err
	}
	if s.building != nil {
		for _, t := range b.Tickets {
			if t.V > s.live[t.ID] {
				s.live[t.ID] = t.V
			}
		}
		return write(s.building, s.buildPlaces, b.Tickets, b.Messages)
	}
	return nil
}

func write(idx bleve.Index, places placements, tickets []TicketDoc, messages []MessageDoc) error {
	batch := idx.NewBatch()
	// The latest placement of each ticket in this batch, and the tickets that moved since indexed.
	next := placements{}
	var moved []string
	for _, t := range tickets {
		if err := batch.Index("t:"+t.ID, ticketFields(t)); err != nil {
			return err
		}
		id, okID := parseObjectID(t.ID)
		p, okP := placementOf(t)
		if !okID || !okP {
			continue
		}
		if old, known := places[id]; known && old != p {
			moved = append(moved, t.ID)
		}
		next[id] = p
	}
	written := map[string]bool{}
	for _, m := range messages {
		docID := "m:" + m.Ticket + ":" + m.ID
		written[docID] = true
		if err := batch.Index(docID, messageFields(m, placeOf(m.Ticket, next, places))); err != nil {
			return err
		}
	}
	// A ticket that moved: its earlier messages are written again with where it is now.
	for _, ticket := range moved {
		if err := rewriteMessages(idx, batch, ticket, placeOf(ticket, next, places), written); err != nil {
			return err
		}
	}
	if err := idx.Batch(batch); err != nil {
		return err
	}
	// Only once the documents are in: the placements never run ahead of the index.
	for id, p := range next {
		places[id] = p
	}
	for _, t := range tickets {
		if _, ok := placementOf(t); !ok {
			places.set(t)
		}
	}
	return nil
}

func placeOf(ticket string, next, known placements) *Placement {
	id, ok := parseObjectID(ticket)
	if !ok {
		return nil
	}
	if p, ok := next[id]; ok {
		return &p
	}
	if p, ok := known[id]; ok {
		return &p
	}
	return nil
}

// maxMessagesPerTicket bounds what a move rewrites (a thread longer than this keeps its older placement
// on the rest, which the policy still checks; a rebuild sets it right).
const maxMessagesPerTicket = 2000

func rewriteMessages(idx bleve.Index, batch *bleve.Batch, ticket string, p *Placement, skip map[string]bool) error {
	q := bleve.NewTermQuery(ticket)
	q.SetField("tk")
	req := bleve.NewSearchRequestOptions(q, maxMessagesPerTicket, 0, false)
	req.Fields = []string{"raw", "meta"}
	res, err := idx.Search(req)
	if err != nil {
		return err
	}
	for _, hit := range res.Hits {
		if skip[hit.ID] {
			continue
		}
		parts := strings.SplitN(hit.ID, ":", 3)
		raw, _ := hit.Fields["raw"].(string)
		meta, _ := hit.Fields["meta"].(string)
		lang, internal, _ := strings.Cut(meta, "|")
		if len(parts) != 3 {
			continue
		}
		m := MessageDoc{ID: parts[2], Ticket: ticket, Lang: lang, Text: raw, Internal: internal == "1"}
		if err := batch.Index(hit.ID, messageFields(m, p)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) BeginRebuild() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.building != nil {
		// A rebuild left by a parent that stopped: start over.
		_ = s.building.Close()
		_ = os.RemoveAll(s.buildDir)
	}
	idx, name, err := s.create()
	if err != nil {
		return err
	}
	s.building, s.buildDir, s.live, s.buildPlaces = idx, filepath.Join(s.dir, name), map[string]int{}, placements{}
	return nil
}

func (s *Store) CommitRebuild() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.building == nil {
		return badRequest{errors.New("no rebuild in progress")}
	}
	if err := s.building.SetInternal([]byte(keyComplete), []byte("1")); err != nil {
		return err
	}
	name := filepath.Base(s.buildDir)
	if err := s.point(name); err != nil {
		return err
	}
	old, oldDir := s.current, filepath.Join(s.dir, s.name)
	s.current, s.name, s.complete, s.places = s.building, name, true, s.buildPlaces
	s.building, s.buildDir, s.live, s.buildPlaces = nil, "", nil, nil
	_ = old.Close()
	_ = os.RemoveAll(oldDir)
	return nil
}

func (s *Store) AbortRebuild() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.building != nil {
		_ = s.building.Close()
		_ = os.RemoveAll(s.buildDir)
	}
	s.building, s.buildDir, s.live, s.buildPlaces = nil, "", nil, nil
	return nil
}

func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.building != nil {
		_ = s.building.Close()
	}
	return s.current.Close()
}
