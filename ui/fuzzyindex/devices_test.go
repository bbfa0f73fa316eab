package fuzzyindex

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// syntheticDevices builds n realistic device haystacks the way the
// Devices screen does: "name id ip1 ip2 tag1 tag2 group".
func syntheticDevices(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	depts := []string{"fin", "hr", "eng", "ops", "sales", "legal", "mkt", "it", "dev", "sec", "rnd", "sup"}
	kinds := []string{"ws", "lt", "srv", "vm", "kiosk", "dc", "sql", "web"}
	domains := []string{"corp.contoso.com", "eu.contoso.com", "us.contoso.com", "lab.fabrikam.net", "contoso.local"}
	tags := []string{"VIP", "Pilot", "Finance", "Servers", "Kiosk", "Quarantine", "BYOD", "Legacy", "PCI", "Tier0", "Remote", "HQ-Berlin", "HQ-Seattle"}
	groups := []string{"Finance Workstations", "Engineering", "Domain Controllers", "Servers - Tier 1", "Sales Laptops", "UnassignedGroup", "Kiosks", "IT Admins"}
	var b strings.Builder
	rows := make([]string, n)
	for i := range rows {
		b.Reset()
		fmt.Fprintf(&b, "%s-%s-%04d.%s ", depts[r.IntN(len(depts))], kinds[r.IntN(len(kinds))], r.IntN(10000), domains[r.IntN(len(domains))])
		for range 40 {
			b.WriteByte("0123456789abcdef"[r.IntN(16)])
		}
		fmt.Fprintf(&b, " 10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254))
		if r.IntN(3) > 0 {
			fmt.Fprintf(&b, " 192.168.%d.%d", r.IntN(256), 1+r.IntN(254))
		}
		for range r.IntN(3) {
			b.WriteString(" " + tags[r.IntN(len(tags))])
		}
		b.WriteString(" " + groups[r.IntN(len(groups))])
		rows[i] = b.String()
	}
	return rows
}
