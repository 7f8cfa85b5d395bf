package admin

import (
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// TestEnumeratedKeys: every value the pages translate with enumText, and
// every notice a redirect names, has its message in both languages (the
// repository-wide key check only sees literal keys).
func TestEnumeratedKeys(t *testing.T) {
	cat, err := web.LoadCatalog(files)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	add := func(prefix string, values ...string) {
		for _, v := range values {
			keys = append(keys, prefix+v)
		}
	}
	add("admin.role.", auth.OfficerRoles...)
	add("admin.cal.kind.", calendar.AnnounceOff, calendar.AnnounceWork)
	add("admin.unit_kind.", unit.Kinds...)
	add("admin.reorg.state.", reorg.Scheduled, reorg.Applied, reorg.Reverted, reorg.Failed, reorg.DryRun, reorg.Already, reorg.Refused)
	add("admin.reorg.op.", "create", "rename", "move", "merge", "abolish", "competence")
	add("admin.reorg.done.", reorg.Applied, reorg.Scheduled, reorg.Already)
	add("admin.cal.day.", calendar.DayHoliday, calendar.DayCompensatory, calendar.DayAnnounced)
	add("admin.cal.holiday.", holidayKeys...)
	for d := range 7 {
		add("admin.cal.weekday.", strconv.Itoa(d))
	}
	add("admin.ok.", "unit_added", "dept_added", "renamed", "merged", "created", "granted", "revoked",
		"disabled", "enabled", "password", "published", "announced", "totp_on", "totp_off", "reverted")
	for _, lang := range web.Languages {
		for _, k := range keys {
			if !cat.Has(lang, k) {
				t.Errorf("%s: no message %q", lang, k)
			}
		}
	}
	if vi, en := cat.Keys("vi"), cat.Keys("en"); strings.Join(vi, ",") != strings.Join(en, ",") {
		t.Errorf("messages.vi.json and messages.en.json have different keys")
	}
}
