package auth

import "testing"

func TestPasswordHash(t *testing.T) {
	p := Params{Time: 1, MemKiB: 1024, Threads: 1}
	h, err := HashPassword("mật khẩu dài", p)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("mật khẩu dài", p)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	cases := []struct {
		hash, pw string
		want     bool
	}{
		{h, "mật khẩu dài", true},
		{h, "mat khau dai", false},
		{h, "", false},
		{"$argon2id$v=19$m=1024,t=1,p=1$!!!$!!!", "x", false},
		{"$2a$10$bcrypt-is-not-accepted", "x", false},
		{"", "", false},
	}
	for _, c := range cases {
		if got := CheckPassword(c.hash, c.pw); got != c.want {
			t.Errorf("CheckPassword(%q, %q) = %v, want %v", c.hash, c.pw, got, c.want)
		}
	}
}
