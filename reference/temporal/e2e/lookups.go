package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	enumsspb "go.temporal.io/server/api/enums/v1"
	"go.temporal.io/server/common/dynamicconfig"
)

// A key as `tcfg keys -o json` lists it.
type keyInfo struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Precedence string `json:"precedence"`
	Default    any    `json:"default"`
}

// One lookup: a scope as the server's lookup takes it and as `tcfg get`'s
// flags say it.
type scope struct {
	c     dynamicconfig.Constraints
	flags []string
}

// Keys the other checks write: left to them.
var reserved = map[string]bool{
	"limit.maxIDLength": true, "limit.blobSize.error": true, "limit.memoSize.error": true, "limit.memoSize.warn": true,
}

// Where the generated items live: scopes no request of the other checks
// uses, so that the values cannot disturb the server; global items stay
// near their defaults for the same reason.
const (
	quietNS      = "quiet"
	quietNSID    = "00000000-0000-4000-8000-00000000e2e0"
	quietTQ      = "tq-e2e"
	quietDest    = "dest-e2e"
	quietChasm   = "chasm-e2e"
	quietShardID = 7
)

// items and scopes for one key: the YAML list stored, and the lookups that
// read it (and miss it).
func generate(r *rand.Rand, k keyInfo) (items []string, scopes []scope, ok bool) {
	scoped := func() (string, bool) { return value(r, k, true) }
	global := func() (string, bool) { return value(r, k, false) }
	item := func(v, constraints string) string {
		if constraints == "" {
			return fmt.Sprintf("- value: %s", v)
		}
		return fmt.Sprintf("- value: %s\n  constraints: {%s}", v, constraints)
	}
	ns := func(name string) scope {
		return scope{dynamicconfig.Constraints{Namespace: name}, []string{"--namespace", name}}
	}
	switch k.Precedence {
	case "global":
		v, ok := global()
		if !ok {
			return nil, nil, false
		}
		return []string{item(v, "")}, []scope{{}}, true
	case "namespace":
		v, ok := scoped()
		if !ok {
			return nil, nil, false
		}
		items = []string{item(v, "namespace: "+quietNS)}
		if g, ok := global(); ok && r.Intn(2) == 0 {
			items = append(items, item(g, ""))
		}
		return items, []scope{ns(quietNS), ns("payments")}, true
	case "namespaceId":
		v, ok := scoped()
		if !ok {
			return nil, nil, false
		}
		id := func(s string) scope {
			return scope{dynamicconfig.Constraints{NamespaceID: s}, []string{"--namespace-id", s}}
		}
		return []string{item(v, "namespaceId: "+quietNSID)}, []scope{id(quietNSID), id("00000000-0000-4000-8000-000000000001")}, true
	case "taskQueue":
		v, ok := scoped()
		w, ok2 := scoped()
		if !ok || !ok2 {
			return nil, nil, false
		}
		tq := func(n, q string, t enumspb.TaskQueueType, name string) scope {
			return scope{dynamicconfig.Constraints{Namespace: n, TaskQueueName: q, TaskQueueType: t},
				[]string{"--namespace", n, "--task-queue", q, "--task-type", name}}
		}
		items = []string{
			item(v, fmt.Sprintf("namespace: %s, taskQueueName: %s, taskType: Workflow", quietNS, quietTQ)),
			item(w, "namespace: "+quietNS),
		}
		return items, []scope{
			tq(quietNS, quietTQ, enumspb.TASK_QUEUE_TYPE_WORKFLOW, "Workflow"),
			tq(quietNS, quietTQ, enumspb.TASK_QUEUE_TYPE_ACTIVITY, "Activity"),
			tq("payments", "orders", enumspb.TASK_QUEUE_TYPE_WORKFLOW, "Workflow"),
		}, true
	case "destination":
		v, ok := scoped()
		if !ok {
			return nil, nil, false
		}
		dest := func(d string) scope {
			return scope{dynamicconfig.Constraints{Namespace: quietNS, Destination: d},
				[]string{"--namespace", quietNS, "--destination", d}}
		}
		return []string{item(v, fmt.Sprintf("namespace: %s, destination: %s", quietNS, quietDest))},
			[]scope{dest(quietDest), dest("elsewhere")}, true
	case "shardId":
		v, ok := scoped()
		if !ok {
			return nil, nil, false
		}
		shard := func(id int32) scope {
			return scope{dynamicconfig.Constraints{ShardID: id}, []string{"--shard-id", fmt.Sprint(id)}}
		}
		return []string{item(v, fmt.Sprintf("shardId: %d", quietShardID))}, []scope{shard(quietShardID), shard(3)}, true
	case "taskType":
		v, ok := scoped()
		if !ok {
			return nil, nil, false
		}
		return []string{item(v, "historyTaskType: TransferActivityTask")}, []scope{
			{dynamicconfig.Constraints{TaskType: historyTaskType}, []string{"--history-task-type", "TransferActivityTask"}},
			{dynamicconfig.Constraints{TaskType: enumsspb.TASK_TYPE_USER_TIMER}, []string{"--history-task-type", "UserTimer"}},
		}, true
	case "chasmTaskType":
		v, ok := scoped()
		if !ok {
			return nil, nil, false
		}
		chasm := func(t string) scope {
			return scope{dynamicconfig.Constraints{ChasmTaskType: t}, []string{"--chasm-task-type", t}}
		}
		return []string{item(v, "chasmTaskType: "+quietChasm)}, []scope{chasm(quietChasm), chasm("other")}, true
	}
	return nil, nil, false
}

// A value of the key's type, as YAML text: anything for a scope nobody
// uses, near the default for a global item.
func value(r *rand.Rand, k keyInfo, scoped bool) (string, bool) {
	switch k.Type {
	case "int":
		d, _ := k.Default.(float64)
		if !scoped {
			return fmt.Sprint(int64(d) * 2), true
		}
		return fmt.Sprint(1 + r.Intn(1000)), true
	case "float":
		d, _ := k.Default.(float64)
		if !scoped {
			return fmt.Sprint(d * 2), true
		}
		return fmt.Sprintf("%d.25", r.Intn(100)), true
	case "bool":
		d, _ := k.Default.(bool)
		return fmt.Sprint(d != scoped), true
	case "duration":
		s, _ := k.Default.(string)
		d, err := time.ParseDuration(s)
		if err != nil {
			return "", false
		}
		if !scoped {
			return fmt.Sprintf("%q", (2 * d).String()), true
		}
		return fmt.Sprintf("%ds", 1+r.Intn(600)), true
	case "string":
		s, _ := k.Default.(string)
		if !scoped {
			b, _ := json.Marshal(s)
			return string(b), true
		}
		return `"e2e-value"`, true
	case "map":
		if !scoped {
			return "", false
		}
		return fmt.Sprintf("{a: %d, b: e2e, c: [1, true]}", r.Intn(100)), true
	}
	// Structured (typed) settings: their Go types print differently in
	// JSON; the judge and the differential compare them.
	return "", false
}

type planned struct {
	key   keyInfo
	scope scope
}

// 5. For a few hundred keys and scopes, the server's own lookups equal what
// `tcfg get` says is effective.
func (e *e2e) compareLookups() {
	const name = "lookups equal tcfg get"
	raw, err := os.ReadFile(*keysFile)
	if err != nil {
		fail(name, err.Error())
		return
	}
	var keys []keyInfo
	if err := json.Unmarshal(raw, &keys); err != nil {
		fail(name, fmt.Sprintf("%s: %v", *keysFile, err))
		return
	}
	r := rand.New(rand.NewSource(*seed))
	r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	// One key of every precedence and type first, then the rest in shuffled order.
	var first, rest []keyInfo
	seen := map[string]bool{}
	for _, k := range keys {
		if kind := k.Precedence + " " + k.Type; !seen[kind] && !reserved[k.Name] {
			seen[kind] = true
			first = append(first, k)
		} else {
			rest = append(rest, k)
		}
	}
	keys = append(first, rest...)
	doc := []string{
		// What the earlier checks left, kept.
		"limit.blobSize.error:\n  - value: 1000\n    constraints: {namespace: payments}",
		// A sentinel: the server has read the document once it sees this.
		"limit.memoSize.warn:\n  - value: 777\n    constraints: {namespace: quiet}",
	}
	var plan []planned
	for _, k := range keys {
		if len(plan) >= *lookups {
			break
		}
		if reserved[k.Name] {
			continue
		}
		items, scopes, ok := generate(r, k)
		if !ok {
			continue
		}
		doc = append(doc, k.Name+":\n  "+strings.ReplaceAll(strings.Join(items, "\n"), "\n", "\n  "))
		for _, s := range scopes {
			plan = append(plan, planned{k, s})
		}
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("tcfg-e2e-%d.yaml", os.Getpid()))
	if err := os.WriteFile(path, []byte(strings.Join(doc, "\n")+"\n"), 0o600); err != nil {
		fail(name, err.Error())
		return
	}
	defer os.Remove(path)
	if _, err := tcfg("apply", "-f", path, "--yes", "--batch", "-m", "e2e: generated keys"); err != nil {
		fail(name, err.Error())
		return
	}
	quiet := dynamicconfig.Constraints{Namespace: quietNS}
	if _, ok := eventually(within, func() bool { v, _ := e.lookup("limit.memoSize.warn", quiet); return v == float64(777) }); !ok {
		fail(name, "the server did not read the applied document within a poll interval and a second")
		return
	}
	var differ []string
	kinds := map[string]int{}
	for _, p := range plan {
		ours, err := effective(p.key.Name, p.scope.flags)
		if err != nil {
			differ = append(differ, err.Error())
			continue
		}
		if p.key.Type == "duration" {
			// tcfg shows a duration as stored ("336s"); the server holds
			// a time.Duration, printed by Go ("5m36s").
			if s, ok := ours.(string); ok {
				if d, err := time.ParseDuration(s); err == nil {
					ours = d.String()
				}
			}
		}
		theirs, err := e.lookup(p.key.Name, p.scope.c)
		if err != nil {
			differ = append(differ, fmt.Sprintf("%s %v: the server's lookup: %v", p.key.Name, p.scope.flags, err))
			continue
		}
		kinds[p.key.Precedence]++
		if !reflect.DeepEqual(ours, theirs) {
			differ = append(differ, fmt.Sprintf("%s %v: tcfg get says %v, the server looks up %v", p.key.Name, p.scope.flags, show(ours), show(theirs)))
		}
	}
	if len(differ) > 0 {
		for i, d := range differ {
			if i == 10 {
				fmt.Printf("      … and %d more\n", len(differ)-10)
				break
			}
			fmt.Printf("      %s\n", d)
		}
		fail(name, fmt.Sprintf("%d of %d lookups differ", len(differ), len(plan)))
		return
	}
	var by []string
	for k, n := range kinds {
		by = append(by, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(by)
	pass(name, fmt.Sprintf("%d lookups (%s) over %d keys", len(plan), strings.Join(by, ", "), len(doc)-2))
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// What `tcfg get KEY [scope] -o json` says is effective.
func effective(key string, flags []string) (any, error) {
	out, err := tcfg(append([]string{"get", key, "-o", "json"}, flags...)...)
	if err != nil {
		return nil, err
	}
	// Notes (such as "a global setting") come before the JSON.
	if i := strings.Index(out, "{"); i > 0 {
		out = out[i:]
	}
	var got struct {
		Value     any `json:"value"`
		Effective *struct {
			Value any `json:"value"`
		} `json:"effective"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&got); err != nil {
		return nil, fmt.Errorf("tcfg get %s %v: %v in %q", key, flags, err, out)
	}
	if got.Effective != nil {
		return got.Effective.Value, nil
	}
	return got.Value, nil
}
