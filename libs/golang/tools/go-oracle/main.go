// go-oracle computes, with Go's own time package, the expected outputs of libs/golang's time tests:
// layouts (Format), time.Parse / ParseInLocation, time.ParseDuration and Duration.String, and the methods
// of time.Time and time.Duration (printed with %v). Dev tool only:
//
//	apt-get install golang-go
//	cd libs/golang/tools/go-oracle && GO111MODULE=off go run main.go < ../../testdata/go-time.golden.json > /tmp/g.json \
//	  && mv /tmp/g.json ../../testdata/go-time.golden.json
//
// It reads the golden file's cases (outputs ignored) and writes them back with Go's outputs. Run it in UTC
// (TZ unset or "UTC"), as Argo CD runs and as the tests assume.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

type testCase struct {
	Name string `json:"name"`
	// format | parse | duration | method
	Kind string `json:"kind"`
	// format: an RFC 3339 instant and the location to show it in (UTC, Local, an IANA name, or "fixed:NAME:SECONDS")
	Time     string `json:"time,omitempty"`
	Location string `json:"location,omitempty"`
	Layout   string `json:"layout,omitempty"`
	// parse / duration: the text to parse; method: the receiver, a duration when Time is empty
	Value string `json:"value,omitempty"`
	// method: its name and arguments (durations like "1h", RFC 3339 times, integers as text)
	Method string   `json:"method,omitempty"`
	Args   []string `json:"args,omitempty"`
	Output string   `json:"output"`
	Error  string   `json:"error,omitempty"`
}

func location(spec string) *time.Location {
	if strings.HasPrefix(spec, "fixed:") {
		parts := strings.SplitN(spec, ":", 3)
		offset, err := strconv.Atoi(parts[2])
		if err != nil {
			panic(err)
		}
		return time.FixedZone(parts[1], offset)
	}
	loc, err := time.LoadLocation(spec)
	if err != nil {
		panic(err)
	}
	return loc
}

func run(c *testCase) {
	c.Output, c.Error = "", ""
	switch c.Kind {
	case "format":
		t, err := time.Parse(time.RFC3339Nano, c.Time)
		if err != nil {
			panic(err)
		}
		c.Output = t.In(location(c.Location)).Format(c.Layout)
	case "parse":
		var t time.Time
		var err error
		if c.Location == "" {
			t, err = time.Parse(c.Layout, c.Value)
		} else {
			t, err = time.ParseInLocation(c.Layout, c.Value, location(c.Location))
		}
		if err != nil {
			c.Error = err.Error()
			return
		}
		c.Output = fmt.Sprintf("%s loc=%s", t.String(), t.Location())
	case "duration":
		d, err := time.ParseDuration(c.Value)
		if err != nil {
			c.Error = err.Error()
			return
		}
		c.Output = fmt.Sprintf("%d %s", int64(d), d)
	case "method":
		var receiver reflect.Value
		if c.Time != "" {
			t, err := time.Parse(time.RFC3339Nano, c.Time)
			if err != nil {
				panic(err)
			}
			receiver = reflect.ValueOf(t.In(location(c.Location)))
		} else {
			d, err := time.ParseDuration(c.Value)
			if err != nil {
				panic(err)
			}
			receiver = reflect.ValueOf(d)
		}
		m := receiver.MethodByName(c.Method)
		if !m.IsValid() {
			panic("no method " + c.Method)
		}
		var args []reflect.Value
		for i, a := range c.Args {
			switch in := m.Type().In(i); in {
			case reflect.TypeOf(time.Duration(0)):
				d, err := time.ParseDuration(a)
				if err != nil {
					panic(err)
				}
				args = append(args, reflect.ValueOf(d))
			case reflect.TypeOf(time.Time{}):
				t, err := time.Parse(time.RFC3339Nano, a)
				if err != nil {
					panic(err)
				}
				args = append(args, reflect.ValueOf(t))
			case reflect.TypeOf(time.UTC):
				args = append(args, reflect.ValueOf(location(a)))
			case reflect.TypeOf(""):
				args = append(args, reflect.ValueOf(a))
			default:
				n, err := strconv.Atoi(a)
				if err != nil {
					panic(err)
				}
				args = append(args, reflect.ValueOf(n).Convert(in))
			}
		}
		out := m.Call(args)[0].Interface()
		if t, ok := out.(time.Time); ok {
			c.Output = fmt.Sprintf("%s loc=%s", t.String(), t.Location())
		} else {
			c.Output = fmt.Sprintf("%v", out)
		}
	default:
		panic("unknown kind " + c.Kind)
	}
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
