package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Registered is a person of the demo world as the national registers
// know them (VNeID, the population database): the demo citizen, the
// first citizens of the pool (their accounts exist once activity was
// generated) and one person without an account, whose first VNeID
// sign-in creates it. The simulators are seeded with them.
type Registered struct {
	IDNumber, Name string
	BirthDate      string // YYYY-MM-DD
	Sex            string // "nam" or "nu"
	Permanent      string // thường trú
	Current        string // nơi ở hiện tại
	// Username is the demo account with this ID number, "" for none.
	Username string
}

// People lists the registered people of the demo world.
func People() []Registered {
	out := []Registered{{IDNumber: Citizen.IDNumber, Name: Citizen.FullName, BirthDate: "1985-03-12", Sex: "nam",
		Permanent: Citizen.Address, Current: Citizen.Address, Username: Citizen.Username}}
	// The same generator, in the same order, as the pool's accounts.
	nr := rand.New(rand.NewPCG(2022, 1))
	for i := 1; i <= 3; i++ {
		p := person(nr, i)
		sex := "nam"
		if strings.Contains(p.Name, " Thị ") {
			sex = "nu"
		}
		out = append(out, Registered{IDNumber: p.IDNumber, Name: p.Name, BirthDate: fmt.Sprintf("19%02d-%02d-%02d", 60+i*7, i*3, 10+i),
			Sex: sex, Permanent: p.Address, Current: p.Address, Username: fmt.Sprintf("congdan%03d", i)})
	}
	return append(out, Registered{IDNumber: "037190004321", Name: "Trần Thị Bình", BirthDate: "1990-11-05", Sex: "nu",
		Permanent: "Thôn Sơn Thủy, xã Gia Thủy, huyện Nho Quan, tỉnh Ninh Bình",
		Current:   "Số 12 đường Lê Lợi, phường Nam Thành, thành phố Ninh Bình, tỉnh Ninh Bình"})
}
