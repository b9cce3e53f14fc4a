package main

// The coarse pre-filter: where each ticket is (tier, office, team, holder), as terms on its document
// and on each of its messages' documents, so a scoped search filters inside bleve and returns mostly
// tickets the person may read. The journal rewrites the ticket's document on every move; a map of
// placements, kept in memory for the live index and the one being rebuilt, gives new messages their
// ticket's placement and notices a move, on which the ticket's earlier messages are written again.
// It is only a pre-filter: Relais still asks the ticket policy about every result it shows, so a
// placement that lags behind a move never reveals a ticket; at worst it hides one until it is indexed.

import (
	"encoding/hex"
	"fmt"
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

// Placement is where a ticket is now; a zero id means none (e.g. nobody holds it).
type Placement struct {
	Tier     uint8
	Office   objectID
	Team     objectID
	Assignee objectID
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
	}{{t.Office, &p.Office}, {t.Team, &p.Team}, {t.Assignee, &p.Assignee}} {
		if f.from == "" {
			continue
		}
		id, ok := parseObjectID(f.from)
		if !ok {
			return Placement{}, false
		}
		*f.to = id
	}
	return p, true
}

// encode and decodePlacement: the stored form on the ticket document, read back at start.
func (p Placement) encode() string {
	return fmt.Sprintf("%d %x %x %x", p.Tier, p.Office, p.Team, p.Assignee)
}

func decodePlacement(s string) (Placement, bool) {
	parts := strings.Fields(s)
	if len(parts) != 4 {
		return Placement{}, false
	}
	tier, err := strconv.Atoi(parts[0])
	if err != nil || tier < 1 || tier > 9 {
		return Placement{}, false
	}
	p := Placement{Tier: uint8(tier)}
	for i, to := range []*objectID{&p.Office, &p.Team, &p.Assignee} {
		id, ok := parseObjectID(parts[i+1])
		if !ok {
			return Placement{}, false
		}
		*to = id
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
}

type clause struct {
	tier                     uint8
	office, team, assignee   objectID
	hasOffice, hasTeam, hasA bool
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
		}{{c.Office, &k.office, &k.hasOffice}, {c.Team, &k.team, &k.hasTeam}, {c.Assignee, &k.assignee, &k.hasA}} {
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
