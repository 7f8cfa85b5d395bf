package dossier

// SetSearchWalk sets how many hits s's search reads in the index's order
// first and at most (search_order.go), so that a test's few dossiers
// take several reads, or leave the page to searchWhere.
func SetSearchWalk(s *Service, first, budget int) { s.searchChunk, s.searchBudget = first, budget }

// IndexAgrees checks the search index against the dossiers table.
var IndexAgrees = indexAgrees

// SearchBudget is the hits a search reads in the index's order at most.
const SearchBudget = searchBudget

// SetPGSearchWay forces the way searchRows reads a page on PostgreSQL: 1
// the deadline order walked, -1 the GIN index's hits sorted, 0 as the
// planner's estimate says.
func SetPGSearchWay(s *Service, way int) { s.pgSearchWay = way }
