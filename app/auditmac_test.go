package app

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"testing"
	"time"
)

// oldAuditMAC is auditMAC as it was before journal rows had fields.
func oldAuditMAC(key, prev []byte, e AuditEvent) []byte {
	var b bytes.Buffer
	str := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		b.Write(n[:])
		b.WriteString(s)
	}
	num := func(i int64) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(i))
		b.Write(n[:])
	}
	str("audit")
	str(string(prev))
	num(e.ID)
	num(e.Time.UnixMilli())
	str(e.Event)
	str(e.Actor)
	str(e.Target)
	str(e.Detail)
	m := hmac.New(sha256.New, key)
	m.Write(b.Bytes())
	return m.Sum(nil)
}

func TestARowWithoutFieldsKeepsTheMACItHadBeforeFieldsExisted(t *testing.T) {
	k := deriveKeys(bytes.Repeat([]byte{7}, 32))
	e := AuditEvent{ID: 42, Time: time.Date(2026, 11, 26, 20, 50, 0, 0, time.UTC), Event: EventPolicyEnforced,
		Actor: "julie@cpe.ca", Detail: "grace_days=7, accounts_made_pending=3"}
	prev := []byte("previous MAC")
	if !bytes.Equal(k.auditMAC(prev, e), oldAuditMAC(k.audit, prev, e)) {
		t.Fatal("the MAC of a row without fields changed: journals sealed before would no longer verify")
	}
	withFields := e
	withFields.Fields = []AuditField{{FieldGraceDays, "7"}, {FieldMadePending, "3"}}
	macs := map[string]bool{string(k.auditMAC(prev, e)): true}
	for _, f := range [][]AuditField{
		withFields.Fields,
		{{FieldGraceDays, "7"}, {FieldMadePending, "4"}},
		{{FieldMadePending, "3"}, {FieldGraceDays, "7"}},
		{{FieldGraceDays, "73"}},
		{{FieldGraceDays + "7", ""}},
	} {
		withFields.Fields = f
		mac := string(k.auditMAC(prev, withFields))
		if macs[mac] {
			t.Errorf("fields %v give the MAC of another row", f)
		}
		macs[mac] = true
	}
	// Names shown next to the e-mails are not part of the row.
	named := e
	named.ActorName = "Julie Tremblay"
	if !bytes.Equal(k.auditMAC(prev, e), k.auditMAC(prev, named)) {
		t.Error("the account's name changes the row's MAC")
	}
}
