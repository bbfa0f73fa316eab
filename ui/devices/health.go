package devices

// healthShorts are the table's forms of the long health statuses; the
// detail pane shows the full value with the short form, and full help
// lists them.
var healthShorts = map[string]string{
	"ImpairedCommunication":             "Comm issue",
	"NoSensorData":                      "No sensor",
	"NoSensorDataImpairedCommunication": "NoSens+Comm",
}

// healthShort returns the table form of a health status.
func healthShort(h string) string {
	if s, ok := healthShorts[h]; ok {
		return s
	}
	return h
}
