// expr-oracle evaluates trigger expressions the way Argo CD Notifications does: antonmedv/expr (Compile,
// then Run against the vars) with Argo CD's `time` and `strings` namespaces
// (argo-cd util/notification/expression), and prints each result with %v (how Argo CD keys oncePer) and
// %T. Dev tool only; Debian ships expr 1.8.9, Argo CD uses a later 1.x, which agrees on everything the
// golden file asks (calls of Go methods on Go values, comparisons, maps):
//
//	apt-get install golang-go golang-github-antonmedv-expr-dev
//	cd libs/notifications/tools/expr-oracle && GO111MODULE=off GOPATH=/usr/share/gocode go run main.go \
//	  < ../../testdata/trigger-expr.golden.json > /tmp/t.json && mv /tmp/t.json ../../testdata/trigger-expr.golden.json
//
// It reads the golden file's cases (outputs ignored) and writes them back with expr's outputs. Run it in UTC.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/antonmedv/expr"
)

type testCase struct {
	Name       string          `json:"name"`
	Expression string          `json:"expression"`
	App        json.RawMessage `json:"app"`
	Output     string          `json:"output"`
	Type       string          `json:"type,omitempty"`
	Error      string          `json:"error,omitempty"`
}

// What time.Now() returns in the tests: a fixed instant, in the process zone as Go's time.Now is.
var now = func() time.Time { return time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC).Local() }

// Argo CD's util/notification/expression/time.NewExprs.
func timeExprs() map[string]interface{} {
	return map[string]interface{}{
		"Parse":       parse,
		"Now":         now,
		"Nanosecond":  time.Nanosecond,
		"Microsecond": time.Microsecond,
		"Millisecond": time.Millisecond,
		"Second":      time.Second,
		"Minute":      time.Minute,
		"Hour":        time.Hour,
		"Layout":      time.Layout,
		"ANSIC":       time.ANSIC,
		"UnixDate":    time.UnixDate,
		"RubyDate":    time.RubyDate,
		"RFC822":      time.RFC822,
		"RFC822Z":     time.RFC822Z,
		"RFC850":      time.RFC850,
		"RFC1123":     time.RFC1123,
		"RFC1123Z":    time.RFC1123Z,
		"RFC3339":     time.RFC3339,
		"RFC3339Nano": time.RFC3339Nano,
		"Kitchen":     time.Kitchen,
		"Stamp":       time.Stamp,
		"StampMilli":  time.StampMilli,
		"StampMicro":  time.StampMicro,
		"StampNano":   time.StampNano,
	}
}

func parse(timestamp string) time.Time {
	res, err := time.Parse(time.RFC3339, timestamp)
	if err != nil {
		panic(err)
	}
	return res
}

// Argo CD's util/notification/expression/strings.NewExprs.
func stringsExprs() map[string]interface{} {
	return map[string]interface{}{
		"ReplaceAll": strings.ReplaceAll,
		"ToUpper":    strings.ToUpper,
		"ToLower":    strings.ToLower,
	}
}

// Integral JSON numbers become int64 and others float64, as in the unstructured Application Argo CD evaluates.
func convert(v interface{}) interface{} {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]interface{}:
		for k, e := range t {
			t[k] = convert(e)
		}
	case []interface{}:
		for i, e := range t {
			t[i] = convert(e)
		}
	}
	return v
}

func run(c *testCase) {
	c.Output, c.Type, c.Error = "", "", ""
	var app interface{}
	d := json.NewDecoder(bytes.NewReader(c.App))
	d.UseNumber()
	if err := d.Decode(&app); err != nil {
		panic(err)
	}
	vars := map[string]interface{}{
		"app":        convert(app),
		"appProject": map[string]interface{}{},
		"context":    map[string]interface{}{"notificationType": ""},
		"secrets":    map[string]interface{}{},
		"time":       timeExprs(),
		"strings":    stringsExprs(),
	}
	prog, err := expr.Compile(c.Expression)
	if err != nil {
		c.Error = err.Error()
		return
	}
	val, err := expr.Run(prog, vars)
	if err != nil {
		c.Error = err.Error()
		return
	}
	c.Output = fmt.Sprintf("%v", val)
	c.Type = fmt.Sprintf("%T", val)
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	for i := range cases {
		run(&cases[i])
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	_ = enc.Encode(cases)
}
