package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The mix: what a district's one-stop system is asked, per 100 dossiers
// received. The seed district (Nho Quan, 2022: /work/shared/domain/
// demo-world.md, demo/generate.go) received 67,120 dossiers in a year,
// 88% online, about 270 a working day. Each dossier is filed once (online
// by the citizen with one uploaded file, or entered at the counter by the
// desk), and goes through the four acts of the commonest procedure
// (2.000815, certified copies, a third of a commune's dossiers in
// demo/generate_year.go): the desk receives it, the specialist
// processes it, the leader approves it, the desk returns the result. The
// rest are estimates, stated so they can be argued with:
//
//   - catalog: 2 accent-free searches, 1 field listing and 1.5 procedure
//     pages per dossier (people look more often than they file);
//   - tracking by code: 3 per dossier (the SMS and receipt links);
//   - the officers' queue listing: once per dossier;
//   - officer sign-ins: the demo's ~40 officers of ten desks sign in once
//     a day each, about 15 per 100 dossiers;
//   - reports: ten leaders open the dashboard once a day (4 per 100), the
//     II.06a report is run about weekly per unit (1 per 100).
//
// --mix replaces the mix with the operations it names, so one operation
// can be run alone (--mix submit=1) for a ratio that does not depend on
// the others.
var defaultWeights = []opWeight{
	{opSearch, 200}, {opBrowse, 100}, {opProcedure, 150},
	{opSubmit, 88}, {opCounter, 12}, {opUpload, 88},
	{opReceive, 100}, {opProcess, 100}, {opApprove, 100}, {opDeliver, 100},
	{opQueue, 100}, {opTrack, 300}, {opLogin, 15},
	{opDashboard, 4}, {opII06a, 1},
	{opPing, 0}, // not in the day's mix: --mix ping=1 measures the HTTP ceiling
}

// Operation names, as printed and as --mix takes them.
const (
	opSearch    = "search"
	opBrowse    = "browse"
	opProcedure = "procedure"
	opSubmit    = "submit"
	opCounter   = "counter"
	opUpload    = "upload"
	opReceive   = "receive"
	opProcess   = "process"
	opApprove   = "approve"
	opDeliver   = "deliver"
	opQueue     = "queue"
	opTrack     = "track"
	opLogin     = "login"
	opDashboard = "dashboard"
	opII06a     = "ii06a"
	opPing      = "ping"
)

// opInfo describes an operation for the table: the request it makes and
// whether it writes (compared with the floor's commits) or reads
// (compared with its primary-key selects).
type opInfo struct {
	request string
	write   bool
}

var ops = map[string]opInfo{
	opSearch:    {"GET /api/v1/procedures?q= (accent-free)", false},
	opBrowse:    {"GET /api/v1/procedures?field=&level=commune", false},
	opProcedure: {"GET /api/v1/procedures/{code}", false},
	opSubmit:    {"POST /api/v1/dossiers (citizen, online)", true},
	opCounter:   {"POST /api/v1/dossiers (desk, counter)", true},
	opUpload:    {"POST …/components/{c}/files (multipart PDF)", true},
	opReceive:   {"POST …/actions/receive (reception)", true},
	opProcess:   {"POST …/actions/forward (specialist)", true},
	opApprove:   {"POST …/actions/approve (leader)", true},
	opDeliver:   {"POST …/actions/deliver (reception)", true},
	opQueue:     {"GET /api/v1/dossiers?status=submitted", false},
	opTrack:     {"GET /api/v1/track/{code}?token=", false},
	opLogin:     {"POST /api/v1/auth/token (officer)", true},
	opDashboard: {"GET /can-bo/thong-ke/tong-quan (leader)", false},
	opII06a:     {"GET /api/v1/reports/ii06a (leader)", false},
	// The cheapest request that reaches the database (one ping), through
	// the same client, network stack and middleware as every other: no
	// read can beat its rate, so a read's ratio to the floor is bounded
	// by ping's, measured in the same run.
	opPing: {"GET /healthz (one database ping)", false},
}

type opWeight struct {
	name   string
	weight int
}

// parseMix applies --mix ("submit=1,track=0") to the default weights; a
// weight of 0 leaves the operation out.
func parseMix(s string) ([]opWeight, error) {
	w := slices.Clone(defaultWeights)
	if strings.TrimSpace(s) == "" {
		return w, nil
	}
	set := map[string]int{}
	for _, kv := range strings.Split(s, ",") {
		name, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		n, err := strconv.Atoi(v)
		if _, known := ops[name]; !ok || !known || err != nil || n < 0 {
			return nil, fmt.Errorf("--mix: %q is not op=weight with a known op (%s) and a whole weight ≥ 0", kv, strings.Join(opNames(), ", "))
		}
		set[name] = n
	}
	// Naming some operations runs only those: --mix submit=1 is submissions
	// alone, not submissions added to the default mix.
	out := w[:0]
	for _, ow := range w {
		if n, ok := set[ow.name]; ok && n > 0 {
			out = append(out, opWeight{ow.name, n})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--mix %q leaves no operation", s)
	}
	return out, nil
}

func opNames() []string {
	var out []string
	for _, ow := range defaultWeights {
		out = append(out, ow.name)
	}
	sort.Strings(out)
	return out
}

// cycle lays the mix out as one shuffled round in which each operation
// appears exactly its weight's number of times. Clients take its entries
// in turn, so every full round runs the exact mix (a random draw would
// leave a rare operation out of a short run), and the shuffle (seeded)
// interleaves them as real traffic would.
func cycle(weights []opWeight, seed uint64) []string {
	var out []string
	for _, ow := range weights {
		for range ow.weight {
			out = append(out, ow.name)
		}
	}
	r := rand.New(rand.NewPCG(seed, 0x6d6978))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
