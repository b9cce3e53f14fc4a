package main

// The coarse pre-filter: where each ticket is (tier, office, team, holder) and who follows it
// read-only (its member's office, the staff who worked on it), as terms on its document and on each
// of its messages' documents, so a scoped search filters inside bleve and returns mostly
// tickets the person may read. The journal rewrites the ticket's document on every move; a map of
// placements, kept in memory for the live index and the one being rebuilt, gives new messages their
// ticket's placement and notices a move, on which the ticket's earlier messages are written again.
// It is only a pre-filter: Relais still asks the ticket policy about every result it shows, so a
// placement that lags behind a move never reveals a ticket; at worst it hides one until it is indexed.

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// objectID is a MongoDB ObjectId in its 12 bytes: 100,000 placements take a few megabytes.
type objectID [12]byte

func parseObjectID(s string) (objectID, bool) {
	var id objectID
	if len(s) != 24 {
		return id, false
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, false
	}
	return id, true
}

// Placement is where a ticket is now, and who follows it; a zero id means none (e.g. nobody holds it).
type Placement struct {
	Tier         uint8
	Office       objectID
	Team         objectID
	Assignee     objectID
	MemberOffice objectID
	// Workers are the 12-byte ids of the staff who worked on it, sorted and concatenated: a string
	// keeps the placement comparable (a move is noticed by !=) and small.
	Workers string
}

// maxWorkers bounds the followers kept per ticket; past them a follower finds it from their list.
const maxWorkers = 64

func (p Placement) workerIDs() []objectID {
	out := make([]objectID, 0, len(p.Workers)/12)
	for i := 0; i+12 <= len(p.Workers); i += 12 {
		var id objectID
		copy(id[:], p.Workers[i:i+12])
		out = append(out, id)
	}
	return out
}

func joinWorkers(ids []objectID) string {
	sort.Slice(ids, func(i, j int) bool { return string(ids[i][:]) < string(ids[j][:]) })
	var b strings.Builder
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		b.Write(id[:])
	}
	return b.String()
}

// placementOf reads a ticket document's placement; ok is false when it has none usable.
func placementOf(t TicketDoc) (Placement, bool) {
	if t.Tier < 1 || t.Tier > 9 {
		return Placement{}, false
	}
	p := Placement{Tier: uint8(t.Tier)}
	for _, f := range []struct {
		from string
		to   *objectID
	}{{t.Office, &p.Office}, {t.Team, &p.Team}, {t.Assignee, &p.Assignee}, {t.MemberOffice, &p.MemberOffice}} {
		if f.from == "" {
			continue
		}
		id, ok := parseObjectID(f.from)
		if !ok {
			return Placement{}, false
		}
		*f.to = id
	}
	if len(t.Workers) > maxWorkers {
		return Placement{}, false
	}
	workers := make([]objectID, 0, len(t.Workers))
	for _, w := range t.Workers {
		id, ok := parseObjectID(w)
		if !ok {
			return Placement{}, false
		}
		workers = append(workers, id)
	}
	p.Workers = joinWorkers(workers)
	return p, true
}

// encode and decodePlacement: the stored form on the ticket document, read back at start.
func (p Placement) encode() string {
	workers := "-"
	if ids := p.workerIDs(); len(ids) > 0 {
		hexes := make([]string, len(ids))
		for i, id := range ids {
			hexes[i] = hex.EncodeToString(id[:])
		}
		workers = strings.Join(hexes, ",")
	}
	return fmt.Sprintf("%d %x %x %x %x %s", p.Tier, p.Office, p.Team, p.Assignee, p.MemberOffice, workers)
}

func decodePlacement(s string) (Placement, bool) {
	parts := strings.Fields(s)
	if len(parts) != 6 {
		return Placement{}, false
	}
	tier, err := strconv.Atoi(parts[0])
	if err != nil || tier < 1 || tier > 9 {
		return Placement{}, false
	}
	p := Placement{Tier: uint8(tier)}
	for i, to := range []*objectID{&p.Office, &p.Team, &p.Assignee, &p.MemberOffice} {
		id, ok := parseObjectID(parts[i+1])
		if !ok {
			return Placement{}, false
		}
		*to = id
	}
	if parts[5] != "-" {
		var workers []objectID
		for _, w := range strings.Split(parts[5], ",") {
			id, ok := parseObjectID(w)
			if !ok {
				return Placement{}, false
			}
			workers = append(workers, id)
		}
		p.Workers = joinWorkers(workers)
	}
	return p, true
}

// unplaced marks a document whose ticket's placement is not known: it passes every scope (the
// policy decides), rather than be hidden from someone who may read it.
const unplaced = "unplaced"

func hexOrNone(id objectID) string {
	if id == (objectID{}) {
		return "none"
	}
	return hex.EncodeToString(id[:])
}

// addTerms puts the placement on a document as the terms a scoped search filters on.
func (p Placement) addTerms(doc map[string]interface{}) {
	doc["p_tier"] = strconv.Itoa(int(p.Tier))
	doc["p_office"] = hexOrNone(p.Office)
	doc["p_team"] = hexOrNone(p.Team)
	doc["p_assignee"] = hexOrNone(p.Assignee)
	doc["p_member_office"] = hexOrNone(p.MemberOffice)
	workers := []string{"none"}
	for _, id := range p.workerIDs() {
		workers = append(workers, hex.EncodeToString(id[:]))
	}
	doc["p_worker"] = workers
}

func addUnplaced(doc map[string]interface{}) {
	doc["p_tier"] = unplaced
}

// scopeQuery is the engine-side filter of a scope: documents of tickets placed in one of its clauses,
// or of tickets whose placement is unknown. Nil when a clause allows everything.
func scopeQuery(scope []clause) query.Query {
	any := []query.Query{keyword("p_tier", unplaced)}
	for _, k := range scope {
		var all []query.Query
		if k.tier != 0 {
			all = append(all, keyword("p_tier", strconv.Itoa(int(k.tier))))
		}
		if k.hasOffice {
			all = append(all, keyword("p_office", hex.EncodeToString(k.office[:])))
		}
		if k.hasTeam {
			all = append(all, keyword("p_team", hex.EncodeToString(k.team[:])))
		}
		if k.hasA {
			all = append(all, keyword("p_assignee", hex.EncodeToString(k.assignee[:])))
		}
		if k.hasMO {
			all = append(all, keyword("p_member_office", hex.EncodeToString(k.memberOffice[:])))
		}
		if k.hasW {
			all = append(all, keyword("p_worker", hex.EncodeToString(k.worker[:])))
		}
		switch len(all) {
		case 0:
			return nil
		case 1:
			any = append(any, all[0])
		default:
			any = append(any, bleve.NewConjunctionQuery(all...))
		}
	}
	return bleve.NewDisjunctionQuery(any...)
}

func keyword(field, value string) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

// Clause is one way of being allowed to read a ticket: every field given must match (a conjunction);
// a search's scope is a list of clauses (a disjunction), built by Relais from the same rules as its
// ticket policy (server/search/search.scope.ts).
type Clause struct {
	Tier     int    `json:"tier,omitempty"`
	Office   string `json:"office,omitempty"`
	Team     string `json:"team,omitempty"`
	Assignee string `json:"assignee,omitempty"`
	// Followers (read-only): the office of the ticket's member, one who worked on it.
	MemberOffice string `json:"memberOffice,omitempty"`
	Worker       string `json:"worker,omitempty"`
}

type clause struct {
	tier                                         uint8
	office, team, assignee, memberOffice, worker objectID
	hasOffice, hasTeam, hasA, hasMO, hasW        bool
}

func compileScope(in []Clause) ([]clause, error) {
	out := make([]clause, 0, len(in))
	for _, c := range in {
		if c.Tier < 0 || c.Tier > 9 {
			return nil, badRequest{fmt.Errorf("bad tier %d in scope", c.Tier)}
		}
		k := clause{tier: uint8(c.Tier)}
		for _, f := range []struct {
			from string
			to   *objectID
			has  *bool
		}{{c.Office, &k.office, &k.hasOffice}, {c.Team, &k.team, &k.hasTeam}, {c.Assignee, &k.assignee, &k.hasA}, {c.MemberOffice, &k.memberOffice, &k.hasMO}, {c.Worker, &k.worker, &k.hasW}} {
			if f.from == "" {
				continue
			}
			id, ok := parseObjectID(f.from)
			if !ok {
				return nil, badRequest{fmt.Errorf("bad id %q in scope", f.from)}
			}
			*f.to, *f.has = id, true
		}
		out = append(out, k)
	}
	return out, nil
}

// placements maps ticket ids to where they are: what a new message document of the ticket carries,
// and how a move is noticed (its messages are then written again).
type placements map[objectID]Placement

func (m placements) set(t TicketDoc) {
	id, ok := parseObjectID(t.ID)
	if !ok {
		return
	}
	if p, ok := placementOf(t); ok {
		m[id] = p
	} else {
		delete(m, id)
	}
}

// loadPlacements reads every ticket document's stored placement, in pages sorted by id.
func loadPlacements(idx bleve.Index) (placements, error) {
	out := placements{}
	kind := bleve.NewTermQuery("t")
	kind.SetField("kind")
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(kind, 10_000, 0, false)
		req.Fields = []string{"place"}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := idx.Search(req)
		if err != nil {
			return nil, err
		}
		for _, hit := range res.Hits {
			addStored(out, hit)
		}
		if len(res.Hits) < 10_000 {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

func addStored(out placements, hit *search.DocumentMatch) {
	raw, _ := hit.Fields["place"].(string)
	id, ok := parseObjectID(strings.TrimPrefix(hit.ID, "t:"))
	if !ok {
		return
	}
	if p, ok := decodePlacement(raw); ok {
		out[id] = p
	}
}
