package sign_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
)

// BenchmarkSign signs a receipt-sized PDF (two pages, 40 KB like a
// form with its font subsets) with the organisation's text signature and a
// software RSA-2048 key, beside what it cannot go below in the same run:
// hashing the same bytes, and one RSA-2048 signature. (The real receipt,
// generated and signed, is server's BenchmarkSignReceipt.)
//
//	go test -run '^$' -bench Sign -benchtime 3s ./sign/
func BenchmarkSign(b *testing.B) {
	ca := signtest.NewCA(b, "bench CA")
	key := ca.Signer(b, 0, "UBND xã Gia Lâm", "UBND xã Gia Lâm")
	doc := signtest.PDF(signtest.PDFOptions{Pages: 2, Filler: 40 << 10})
	font := serifFont(b, "Regular")
	opt := sign.Options{Time: time.Now(), Appearance: sign.Appearance{Kind: sign.SealText, Lines: []string{"Số: 0001/GTN-UBND"}, Font: font}}

	b.Run("sign", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := sign.Sign(b.Context(), doc, key, opt); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	})
	b.Run("verify", func(b *testing.B) {
		signed, err := sign.Sign(b.Context(), doc, key, opt)
		if err != nil {
			b.Fatal(err)
		}
		pool := ca.Pool()
		for b.Loop() {
			if sigs, err := sign.Verify(signed, pool); err != nil || !sign.AllValid(sigs) {
				b.Fatal(sigs, err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	})
	b.Run("baseline-sha256", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			sha256.Sum256(doc)
		}
	})
	b.Run("baseline-rsa2048", func(b *testing.B) {
		sum := sha256.Sum256(doc)
		k := key.Signer.(*rsa.PrivateKey)
		for b.Loop() {
			if _, err := k.Sign(rand.Reader, sum[:], crypto.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	})
}
