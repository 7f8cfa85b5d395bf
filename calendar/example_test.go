package calendar_test

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/calendar"
)

func ExampleCalendar_Due() {
	cal := calendar.New(calendar.Options{})
	received := time.Date(2026, 2, 12, 10, 0, 0, 0, calendar.Zone) // Thursday before Tết
	due, _ := cal.Due(received, calendar.UnitDay, 5)
	fmt.Println(due.Format(time.RFC3339))
	// Output: 2026-02-26T10:00:00+07:00
}

func ExampleCalendar_Holidays() {
	cal := calendar.New(calendar.Options{})
	for _, d := range cal.Holidays(2026)[7:9] {
		fmt.Println(d.Date, d.Name)
	}
	// Output:
	// 2026-04-26 Giỗ Tổ Hùng Vương (10/3 âm lịch)
	// 2026-04-27 Nghỉ bù Giỗ Tổ Hùng Vương
}

func ExampleSolarToLunar() {
	fmt.Printf("%+v\n", calendar.SolarToLunar(2026, 2, 17))
	// Output: {Year:2026 Month:1 Day:1 Leap:false}
}
