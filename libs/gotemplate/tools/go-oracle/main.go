// go-oracle renders Go text/template + Sprig cases exactly as Argo CD Notifications does, to
// produce the golden outputs the TypeScript engine is tested against. Dev tool only:
//   apt-get install golang-go golang-github-masterminds-sprig-dev
//   GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/go-oracle . && /tmp/go-oracle < cases.json > results.json
// Input: [{"name":..., "template":..., "data": <json>}]; integral JSON numbers become int64 (as in
// the unstructured Application Argo CD hands to templates), others float64.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
	"time"

	sprig "github.com/Masterminds/sprig"
)

type testCase struct {
	Name     string          `json:"name"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
}

type result struct {
	Name   string `json:"name"`
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
}

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
		return t
	case []interface{}:
		for i, e := range t {
			t[i] = convert(e)
		}
		return t
	}
	return v
}

type commitMetadata struct {
	Message string
	Author  string
	Date    time.Time
	Tags    []string
}

func helpers() map[string]interface{} {
	return map[string]interface{}{
		"time": map[string]interface{}{
			"Now":   func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) },
			"Parse": func(s string) time.Time { t, err := time.Parse(time.RFC3339, s); if err != nil { panic(err) }; return t },
			"RFC3339": time.RFC3339,
		},
		"strings": map[string]interface{}{
			"ReplaceAll": strings.ReplaceAll,
			"ToUpper":    strings.ToUpper,
			"ToLower":    strings.ToLower,
		},
		"repo": map[string]interface{}{
			"GetCommitMetadata": func(sha string) *commitMetadata {
				return &commitMetadata{Message: "Fix \"quoted\" bug in " + sha, Author: "Jane Doe <jane@example.com>", Date: time.Date(2024, 2, 29, 8, 30, 0, 0, time.UTC), Tags: []string{"v1.2.3"}}
			},
		},
	}
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	out := []result{}
	for _, c := range cases {
		r := result{Name: c.Name}
		var data interface{}
		if len(c.Data) > 0 {
			d := json.NewDecoder(bytes.NewReader(c.Data))
			d.UseNumber()
			if err := d.Decode(&data); err != nil {
				panic(fmt.Sprintf("%s: %v", c.Name, err))
			}
			data = convert(data)
		}
		if m, ok := data.(map[string]interface{}); ok {
			for k, v := range helpers() {
				if _, exists := m[k]; !exists {
					m[k] = v
				}
			}
		}
		t, err := template.New(c.Name).Funcs(funcs).Parse(c.Template)
		if err != nil {
			r.Error = err.Error()
		} else {
			var buf bytes.Buffer
			if err := t.Execute(&buf, data); err != nil {
				r.Error = err.Error()
			}
			r.Output = buf.String()
		}
		out = append(out, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}
