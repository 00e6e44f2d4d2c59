package zmtp

import (
	"encoding/hex"
	"testing"

	"github.com/purezmq/zmq/internal/z85"
)

func TestCurvePublic(t *testing.T) {
	tests := []struct {
		name           string
		secret, public string
		z85            bool
	}{
		// RFC 7748 section 6.1, Alice.
		{"rfc7748", "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
			"8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", false},
		// The two pairs in libzmq's zmq_curve(7).
		{"zmq_curve(7) client", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
			"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", true},
		{"zmq_curve(7) server", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
			"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decode := func(s string) (b []byte) {
				var err error
				if tt.z85 {
					b, err = z85.Decode(s)
				} else {
					b, err = hex.DecodeString(s)
				}
				if err != nil || len(b) != 32 {
					t.Fatalf("decode %q: %v", s, err)
				}
				return b
			}
			var secret [32]byte
			copy(secret[:], decode(tt.secret))
			got, err := CurvePublic(secret)
			if err != nil || string(got[:]) != string(decode(tt.public)) {
				t.Fatalf("CurvePublic = %x, %v", got, err)
			}
		})
	}
}

func TestNewCurveKeyPair(t *testing.T) {
	pub1, sec1, err := NewCurveKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	pub2, sec2, err := NewCurveKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	if sec1 == sec2 || pub1 == pub2 {
		t.Fatal("two key pairs alike")
	}
	if derived, err := CurvePublic(sec1); err != nil || derived != pub1 {
		t.Fatalf("public key does not match secret: %v", err)
	}
}
