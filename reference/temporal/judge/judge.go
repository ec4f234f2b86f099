// Package judge reads dynamic config files with Temporal's own code (the
// file client's loader, then lookups through a Collection for the scope of
// every item) and prints, per file, what a server of the release it is
// built against does with it. tcfg's tests compare tcfg's verdicts with it;
// tcfg itself never runs Go.
package judge

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	_ "unsafe" // go:linkname

	enumspb "go.temporal.io/api/enums/v1"
	enumsspb "go.temporal.io/server/api/enums/v1"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	"go.temporal.io/server/common/namespace"
)

// The registry of settings is private to Temporal's package; its lookup is
// what the Collection itself uses.
//
//go:linkname queryRegistry go.temporal.io/server/common/dynamicconfig.queryRegistry
func queryRegistry(k dynamicconfig.Key) dynamicconfig.GenericSetting

// What a file gives one item of one key.
type Item struct {
	// The constraints as Temporal parsed them (only the fields set).
	Constraints map[string]any `json:"constraints"`
	// The value as yaml.v3 decoded it: Go's %T(%#v).
	RawGo string `json:"raw_go"`
	// The item's own conversion by the setting, as a server lookup does it
	// when this item is the one selected: "OK <Go type> <value>", or
	// "ERROR (runtime uses compiled-in default): why" (the Collection logs
	// it and returns the default).
	Convert string `json:"convert,omitempty"`
	// What the server's lookup for exactly this item's scope returns (as
	// JSON), and whether that is the compiled-in default because the value
	// did not convert (the server logs why) or no item matched.
	Lookup     json.RawMessage `json:"lookup,omitempty"`
	LookupLogs []string        `json:"lookup_logs,omitempty"`
}

type KeyOut struct {
	Key string `json:"key"`
	// The same, under the name scripts/differential reads.
	Spelling   string `json:"spelling"`
	Registered bool   `json:"registered"`
	// The lookup function's kind: Global, Namespace, TaskQueue…
	Precedence string `json:"precedence,omitempty"`
	Items      []Item `json:"items"`
}

type FileOut struct {
	File    string `json:"file"`
	Release string `json:"release"`
	// The file client refuses the whole file and keeps its old values
	// ("Unable to update dynamic config").
	Rejected bool     `json:"rejected"`
	Errors   []string `json:"errors"`
	Warnings []string `json:"warnings"`
	Keys     []KeyOut `json:"keys"`
}

// A logger that keeps what the Collection says about a lookup.
type capture struct{ lines *[]string }

func (c capture) add(level, msg string, tags []tag.Tag) {
	parts := []string{level + ": " + msg}
	for _, t := range tags {
		parts = append(parts, fmt.Sprintf("%s=%v", t.Key(), t.Value()))
	}
	*c.lines = append(*c.lines, strings.Join(parts, " "))
}
func (c capture) Debug(msg string, tags ...tag.Tag)  {}
func (c capture) Info(msg string, tags ...tag.Tag)   {}
func (c capture) Warn(msg string, tags ...tag.Tag)   { c.add("warn", msg, tags) }
func (c capture) Error(msg string, tags ...tag.Tag)  { c.add("error", msg, tags) }
func (c capture) DPanic(msg string, tags ...tag.Tag) { c.add("dpanic", msg, tags) }
func (c capture) Panic(msg string, tags ...tag.Tag)  { c.add("panic", msg, tags) }
func (c capture) Fatal(msg string, tags ...tag.Tag)  { c.add("fatal", msg, tags) }

var _ log.Logger = capture{}

// Judge one file's contents.
func Judge(name string, contents []byte, release string) FileOut {
	out := FileOut{File: name, Release: release, Errors: []string{}, Warnings: []string{}, Keys: []KeyOut{}}
	values, client, warnings, errs := load(contents)
	for _, e := range errs {
		out.Errors = append(out.Errors, e.Error())
	}
	for _, w := range warnings {
		out.Warnings = append(out.Warnings, w.Error())
	}
	// The file client keeps its old values when the loader reports any error.
	out.Rejected = len(errs) > 0
	if out.Rejected {
		return out
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		setting := queryRegistry(keyOf(k))
		ko := KeyOut{Key: k, Spelling: k, Registered: setting != nil, Items: []Item{}}
		for _, cv := range values[k] {
			item := Item{Constraints: setFields(cv.Constraints), RawGo: fmt.Sprintf("%T(%#v)", cv.Value, cv.Value)}
			if setting != nil {
				item.Convert = convert(setting, cv.Value)
				var lines []string
				coll := dynamicconfig.NewCollection(client, capture{&lines})
				kind, value, err := lookup(setting, coll, cv.Constraints)
				ko.Precedence = kind
				if err != nil {
					item.Lookup, _ = json.Marshal(map[string]string{"error": err.Error()})
				} else {
					item.Lookup, err = json.Marshal(value)
					if err != nil {
						item.Lookup, _ = json.Marshal(map[string]string{"unprintable": fmt.Sprintf("%#v", value)})
					}
				}
				item.LookupLogs = lines
			}
			ko.Items = append(ko.Items, item)
		}
		out.Keys = append(out.Keys, ko)
	}
	return out
}

// convert is what the setting makes of one value when the lookup selects
// it: the value alone, unconstrained, in a client of its own, looked up in
// the empty scope (every precedence ends with the unconstrained level).
func convert(s dynamicconfig.GenericSetting, value any) string {
	var lines []string
	coll := dynamicconfig.NewCollection(aloneClient{{Value: value}}, capture{&lines})
	_, v, err := lookup(s, coll, dynamicconfig.Constraints{})
	if err != nil {
		return "ERROR (the judge could not look it up): " + err.Error()
	}
	for _, l := range lines {
		if strings.Contains(l, "Failed to convert value") {
			return "ERROR (runtime uses compiled-in default): " + l
		}
	}
	out := fmt.Sprintf("OK %T %+v", v, v)
	if d, ok := v.(fmt.Stringer); ok {
		out += " (" + d.String() + ")"
	}
	return out
}

// A client that holds one unconstrained value for whichever key is asked.
type aloneClient []dynamicconfig.ConstrainedValue

func (a aloneClient) GetValue(dynamicconfig.Key) []dynamicconfig.ConstrainedValue { return a }

// The constraint fields set, by Go field name (the struct differs between
// releases: chasmTaskType came in v1.31).
func setFields(c dynamicconfig.Constraints) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(c)
	for i := 0; i < v.NumField(); i++ {
		if !v.Field(i).IsZero() {
			out[v.Type().Field(i).Name] = v.Field(i).Interface()
		}
	}
	return out
}

func field(c dynamicconfig.Constraints, name string) reflect.Value {
	return reflect.ValueOf(c).FieldByName(name)
}

// Lookup asks a Collection for a key's value in the scope of `c`, through
// the key's own registered setting, as the server's services ask it. kind is
// the lookup's precedence (Global, Namespace, TaskQueue…); an unregistered
// key is an error.
func Lookup(key string, coll *dynamicconfig.Collection, c dynamicconfig.Constraints) (kind string, value any, err error) {
	setting := queryRegistry(keyOf(key))
	if setting == nil {
		return "", nil, fmt.Errorf("%s is not registered", key)
	}
	return lookup(setting, coll, c)
}

// The setting's lookup for the scope of `c`, called as the server calls it.
func lookup(s dynamicconfig.GenericSetting, coll *dynamicconfig.Collection, c dynamicconfig.Constraints) (kind string, value any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the lookup panicked: %v", r)
		}
	}()
	get := reflect.ValueOf(s).MethodByName("Get")
	if !get.IsValid() {
		return "", nil, fmt.Errorf("setting %T has no Get", s)
	}
	fn := get.Call([]reflect.Value{reflect.ValueOf(coll)})[0]
	name := fn.Type().Name()
	kind = strings.TrimPrefix(strings.SplitN(name, "[", 2)[0], "TypedPropertyFn")
	kind = strings.TrimSuffix(strings.TrimPrefix(kind, "With"), "Filter")
	if kind == "" {
		kind = "Global"
	}
	str := func(f string) reflect.Value { return field(c, f) }
	var args []reflect.Value
	switch kind {
	case "Global":
	case "Namespace":
		args = []reflect.Value{str("Namespace")}
	case "NamespaceID":
		args = []reflect.Value{reflect.ValueOf(namespace.ID(field(c, "NamespaceID").String()))}
	case "TaskQueue":
		args = []reflect.Value{str("Namespace"), str("TaskQueueName"),
			reflect.ValueOf(enumspb.TaskQueueType(field(c, "TaskQueueType").Int()))}
	case "ShardID":
		args = []reflect.Value{reflect.ValueOf(int32(field(c, "ShardID").Int()))}
	case "TaskType":
		args = []reflect.Value{reflect.ValueOf(enumsspb.TaskType(field(c, "TaskType").Int()))}
	case "Destination":
		args = []reflect.Value{str("Namespace"), str("Destination")}
	case "ChasmTaskType":
		args = []reflect.Value{str("ChasmTaskType")}
	default:
		return kind, nil, fmt.Errorf("unknown lookup kind %s", name)
	}
	for i := range args {
		args[i] = args[i].Convert(fn.Type().In(i))
	}
	return kind, fn.Call(args)[0].Interface(), nil
}

// Main judges each file named on the command line, one JSON object per line.
func Main(release string) {
	enc := json.NewEncoder(os.Stdout)
	status := 0
	for _, path := range os.Args[1:] {
		contents, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
			continue
		}
		if err := enc.Encode(Judge(path, contents, release)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			status = 1
		}
	}
	os.Exit(status)
}
