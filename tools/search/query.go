package main

// What a search asks bleve, and how its document hits become tickets.

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

func match(text, field string, boost float64) query.Query {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.SetOperator(query.MatchQueryOperatorAnd)
	q.SetBoost(boost)
	return q
}

func term(text, field string, boost float64) query.Query {
	q := bleve.NewTermQuery(text)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// typos is how many typing errors a word may carry, as Algolia counts them: none under four letters
// (a three-letter word a letter away is usually another word: "mai", "nom"), one from four, two from
// eight. A number, a code or a piece of an address ("2025", "sm-48213", "dupont.be") is never
// approximated: "attestation 2024" must not find 2025's, nor one member number another's.
func typos(word string) int {
	if strings.ContainsAny(word, "0123456789@.") {
		return 0
	}
	switch n := utf8.RuneCountInString(word); {
	case n < 4:
		return 0
	case n < 8:
		return 1
	default:
		return 2
	}
}

// fuzzyQuery is the second chance of a search that found nothing: in the names, subjects and
// messages, every word typed (folded as the index folds it) a few typing errors away at most. Not in
// `all`, which holds the member's address and number: those are only ever found whole.
func fuzzyQuery(text string, folded analysis.Analyzer) query.Query {
	tokens := folded.Analyze([]byte(text))
	if len(tokens) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	fields := []struct {
		name  string
		boost float64
	}{{"name", 6}, {"subject", 4}, {"text", 1}}
	perField := make([]query.Query, 0, len(fields))
	for _, f := range fields {
		words := make([]query.Query, 0, len(tokens))
		for _, t := range tokens {
			q := bleve.NewFuzzyQuery(string(t.Term))
			q.SetField(f.name)
			q.SetFuzziness(typos(string(t.Term)))
			words = append(words, q)
		}
		every := bleve.NewConjunctionQuery(words...)
		every.SetBoost(f.boost)
		perField = append(perField, every)
	}
	return bleve.NewDisjunctionQuery(perField...)
}

// buildQuery turns what was typed into a query object: the text is only ever a term or analysed
// words, never parsed as query syntax, so nothing typed can act as an operator.
// With `folded` (the index's analyzer), words may carry typing errors (fuzzyQuery).
func buildQuery(text string, internal bool, folded analysis.Analyzer) query.Query {
	var any query.Query
	if folded != nil {
		any = fuzzyQuery(text, folded)
	} else {
		any = exactQuery(text)
	}
	if internal {
		return any
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(any)
	notInternal := bleve.NewBoolFieldQuery(true)
	notInternal.SetField("internal")
	b.AddMustNot(notInternal)
	return b
}

func exactQuery(text string) query.Query {
	lower := strings.ToLower(text)
	compact := strings.ReplaceAll(lower, " ", "")
	clauses := []query.Query{
		term(compact, "number", 20),
		term(compact, "email", 15),
		term(compact, "member_number", 15),
		match(text, "name", 6),
		match(text, "subject", 4),
		match(text, "all", 2),
		match(text, "stem_fr", 1.5),
		match(text, "stem_nl", 1.5),
		match(text, "stem_en", 1.5),
		match(text, "text", 1),
	}
	if digitsOnly.MatchString(compact) {
		if trimmed := strings.TrimLeft(compact, "0"); trimmed != "" && trimmed != compact {
			clauses = append(clauses, term(trimmed, "number", 20))
		}
	}
	if !strings.Contains(lower, " ") && utf8.RuneCountInString(lower) >= 3 {
		p := bleve.NewPrefixQuery(lower)
		p.SetField("email")
		p.SetBoost(5)
		clauses = append(clauses, p)
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// Search returns tickets best first: each ticket scores as its best document (itself or a message).
// With a scope, the engine keeps only the documents of tickets placed within it (a filter: it does
// not change the scores), so the candidates are nearly all tickets the person may read.
func (s *Store) Search(r SearchRequest) (SearchResult, error) {
	text := strings.TrimSpace(r.Q)
	if text == "" || len(text) > 500 {
		return SearchResult{}, badRequest{errors.New("q must have 1 to 500 bytes")}
	}
	limit := r.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var folded analysis.Analyzer
	if r.Fuzzy {
		if folded = s.current.Mapping().AnalyzerNamed("folded"); folded == nil {
			return SearchResult{}, errors.New("the index has no folded analyzer")
		}
	}
	q := buildQuery(text, r.Internal, folded)
	if r.Scope != nil {
		scope, err := compileScope(*r.Scope)
		if err != nil {
			return SearchResult{}, err
		}
		if filter := scopeQuery(scope); filter != nil {
			b := bleve.NewBooleanQuery()
			b.AddMust(q)
			b.AddFilter(filter)
			q = b
		}
	}
	started := time.Now()
	size := limit * 4
	if size > maxCandidates {
		size = maxCandidates
	}
	var out SearchResult
	for {
		res, err := s.current.Search(bleve.NewSearchRequestOptions(q, size, 0, false))
		if err != nil {
			return SearchResult{}, err
		}
		out = group(res, limit)
		// Many documents of few tickets (a member's name on each of their messages): read deeper here
		// rather than let Relais ask again.
		if out.More || res.Total <= uint64(len(res.Hits)) || size >= maxCandidates {
			out.More = out.More || res.Total > uint64(len(res.Hits))
			break
		}
		size = min(size*4, maxCandidates)
	}
	if err := s.addMembers(out.Tickets); err != nil {
		return SearchResult{}, err
	}
	out.TookMs = float64(time.Since(started).Microseconds()) / 1000
	return out, nil
}

// addMembers fills in the member stored on each ticket's document (one lookup by document ids).
func (s *Store) addMembers(hits []Hit) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = "t:" + h.ID
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{"name", "email"}
	res, err := s.current.Search(req)
	if err != nil {
		return err
	}
	found := map[string]*search.DocumentMatch{}
	for _, d := range res.Hits {
		found[strings.TrimPrefix(d.ID, "t:")] = d
	}
	for i := range hits {
		if d := found[hits[i].ID]; d != nil {
			hits[i].Name, _ = d.Fields["name"].(string)
			hits[i].Email, _ = d.Fields["email"].(string)
		}
	}
	return nil
}

// group turns document hits into tickets, best first; More says more than `limit` were found.
func group(res *bleve.SearchResult, limit int) SearchResult {
	seen := map[string]bool{}
	out := SearchResult{Tickets: []Hit{}}
	for _, hit := range res.Hits {
		parts := strings.SplitN(hit.ID, ":", 3)
		if len(parts) < 2 || seen[parts[1]] {
			continue
		}
		if len(out.Tickets) == limit {
			out.More = true
			break
		}
		seen[parts[1]] = true
		out.Tickets = append(out.Tickets, Hit{ID: parts[1], Score: hit.Score})
	}
	return out
}
