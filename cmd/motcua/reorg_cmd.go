package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/unit"
)

const reorgUsage = `usage:
  motcua reorg plan FILE --dry-run [--data DIR | --db URL]
      print what the plan would move and what is refused; changes nothing
  motcua reorg apply FILE [--data DIR | --db URL]
      carry the plan out in one transaction (or schedule it when its date
      is still to come); applying it again is a no-op
  motcua reorg revert ID [--data DIR | --db URL]
      cancel a scheduled plan before its date
  motcua reorg list [--data DIR | --db URL]
`

// runReorg implements "motcua reorg": the operator with database access
// acts, as the command line (no actor), and every act is audited.
func runReorg(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, reorgUsage)
		return errors.New("reorg: missing subcommand (plan, apply, revert or list)")
	}
	sub := args[0]
	fs := flag.NewFlagSet("reorg "+sub, flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	dry := fs.Bool("dry-run", false, "only report what the plan would do (reorg plan)")
	want := map[string]int{"plan": 1, "apply": 1, "revert": 1, "list": 0}
	n, ok := want[sub]
	if !ok {
		if sub == "help" || sub == "-h" || sub == "--help" {
			fmt.Fprint(stdout, reorgUsage)
			return nil
		}
		fmt.Fprint(stderr, reorgUsage)
		return fmt.Errorf("reorg: unknown subcommand %q (want plan, apply, revert or list)", sub)
	}
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != n {
		fmt.Fprint(stderr, reorgUsage)
		return fmt.Errorf("reorg %s: want %d argument(s), got %d", sub, n, len(pos))
	}
	if sub == "plan" && !*dry {
		return errors.New("reorg plan: give --dry-run (the plan is only reported; reorg apply carries it out)")
	}
	var p reorg.Plan
	if sub == "plan" || sub == "apply" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		p, err = reorg.Parse(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	app, err := server.New(ctx, db, server.Config{DataDir: dbf.data, SecretKey: dbf.key, Blobs: dbf.blobs})
	if err != nil {
		return err
	}
	switch sub {
	case "plan":
		rep, err := app.Reorg.DryRun(ctx, nil, p)
		printReorg(stdout, rep)
		return err
	case "apply":
		rep, err := app.Reorg.Apply(ctx, nil, p)
		printReorg(stdout, rep)
		return err
	case "revert":
		if err := app.Reorg.Revert(ctx, nil, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Đã hủy kế hoạch %s.\n", pos[0])
		return nil
	}
	recs, err := app.Reorg.List(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		fmt.Fprintf(stdout, "%s  %s  %-9s  %s\n", r.Effective.In(unit.Vietnam).Format("02/01/2006"), r.ID, r.State, r.Title)
		if r.Error != "" {
			fmt.Fprintf(stdout, "    lỗi: %s\n", r.Error)
		}
	}
	return nil
}

// parseInterleaved parses fs from args with the positional arguments
// anywhere among the flags ("plan FILE --dry-run"), returning them.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

var stateWords = map[string]string{
	reorg.DryRun:    "chạy thử, không thay đổi dữ liệu",
	reorg.Applied:   "đã thực hiện",
	reorg.Scheduled: "đã kiểm tra và lên lịch; sẽ thực hiện khi đến ngày có hiệu lực",
	reorg.Already:   "đã được ghi nhận trước đó với cùng nội dung; không làm lại",
	reorg.Refused:   "bị từ chối; không thay đổi dữ liệu",
}

var opWords = map[string]string{
	"create": "Thành lập", "rename": "Đổi tên", "move": "Chuyển trực thuộc", "merge": "Nhập",
	"abolish": "Giải thể", "competence": "Thẩm quyền",
}

// printReorg prints rep in Vietnamese, for the operator who runs the plan.
func printReorg(w io.Writer, rep reorg.Report) {
	day := rep.Effective
	if t, err := unit.Day(rep.Effective); err == nil {
		day = t.Format("02/01/2006")
	}
	fmt.Fprintf(w, "Kế hoạch %s: %s\nNgày có hiệu lực: %s\nKết quả: %s\n", rep.Plan, rep.Title, day, stateWords[rep.State])
	if len(rep.Refused) > 0 {
		fmt.Fprintln(w, "\nBị từ chối:")
		for _, r := range rep.Refused {
			text := msg.Default().T("vi", r.Key, r.Params...)
			if r.Field != "" {
				text = r.Field + ": " + text
			}
			fmt.Fprintf(w, "  - %s\n", text)
		}
		return
	}
	if rep.State == reorg.Already {
		return
	}
	fmt.Fprintf(w, "\nĐơn vị (%d thay đổi):\n", len(rep.Units))
	for _, u := range rep.Units {
		line := fmt.Sprintf("  - %s %s %s", opWords[u.Op], u.Code, u.Name)
		switch u.Op {
		case "create", "move":
			line += ", trực thuộc " + u.To
		case "merge":
			line += " vào " + u.To
		case "abolish":
			if u.To != "" {
				line += "; đơn vị kế thừa " + u.To
			}
		case "rename":
			line += " thành " + u.To
		case "competence":
			line = fmt.Sprintf("  - Thẩm quyền cấp %s chuyển về %s (thủ tục: %s)", u.Code, u.To, strings.Trim(u.Name, "[]"))
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "\nHồ sơ đang giải quyết chuyển sang đơn vị mới: %d\n", len(rep.Dossiers))
	states := make([]string, 0, len(rep.ByState))
	for s := range rep.ByState {
		states = append(states, s)
	}
	sort.Strings(states)
	for _, s := range states {
		fmt.Fprintf(w, "  %s: %d\n", msg.State(s), rep.ByState[s])
	}
	for _, d := range rep.Dossiers {
		due := "không có hạn"
		if !d.Due.IsZero() {
			due = "hạn " + d.Due.In(unit.Vietnam).Format("15:04 02/01/2006") + " (giữ nguyên)"
		}
		fmt.Fprintf(w, "  - %s (%s): %s → %s; nơi tiếp nhận %s → %s; %s\n", d.Code, msg.State(d.State), d.From, d.To,
			d.ReceivingFrom, d.ReceivingTo, due)
	}
	fmt.Fprintf(w, "\nVai trò cán bộ chuyển theo: %d\n", len(rep.Roles))
	for _, r := range rep.Roles {
		from := r.From
		if from == "" {
			from = "—"
		}
		fmt.Fprintf(w, "  - %s: %s, %s → %s\n", r.Username, msg.Name("role.", r.Role), from, r.To)
	}
	fmt.Fprintf(w, "\nSổ đăng ký số tiếp tục: %d\n", len(rep.Registers))
	for _, r := range rep.Registers {
		fmt.Fprintf(w, "  - mẫu %s năm %d tại %s: tiếp tục từ số %d\n", r.Series, r.Year, r.Unit, r.ContinuesFrom)
	}
	fmt.Fprintf(w, "\nĐi theo hồ sơ: %d khoản phí chờ thanh toán, %d bưu gửi chưa giao, %d thông báo chưa gửi\n",
		rep.Payments, rep.Shipments, rep.Notifications)
}
