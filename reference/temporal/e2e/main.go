// The end-to-end check of tcfg against a real Temporal server (v1.31.2, all
// services in one process, SQLite in memory, as Temporal's own development
// server runs). The server's dynamic config client is Temporal's file client
// on the file `tcfg render --follow` keeps; scripts/e2e-temporal starts etcd
// and the renderer, then this program, which starts the server and checks,
// through the server's public API and its own dynamic config lookups, what a
// tcfg write does to it. Go serves the tests only; tcfg never runs it.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	enumsspb "go.temporal.io/server/api/enums/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	"go.temporal.io/server/common/metrics"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/testing/freeport"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	judge "tcfg.test/temporal-judge"
)

var (
	tcfgBin   = flag.String("tcfg", "", "the tcfg binary (its etcd settings come from TCFG_* in the environment)")
	file      = flag.String("file", "", "the file `tcfg render --follow` keeps")
	keysFile  = flag.String("keys", "", "`tcfg keys -o json` of the release")
	serverLog = flag.String("server-log", "", "where the server logs")
	lookups   = flag.Int("lookups", 300, "how many (key, scope) lookups to compare with `tcfg get`")
	seed      = flag.Int64("seed", 1, "the seed of the generated config")
)

// Temporal's file client polls no faster than this (minPollInterval).
const pollInterval = 5 * time.Second

// A check must see a write within one poll interval plus a second.
const within = pollInterval + time.Second

var (
	passed, failed int
	ctx            = context.Background()
)

func pass(name, detail string) {
	passed++
	fmt.Printf("ok    %s: %s\n", name, detail)
}

func fail(name, detail string) {
	failed++
	fmt.Printf("FAIL  %s: %s\n", name, detail)
}

// tcfg runs the tcfg binary and returns its standard output.
func tcfg(args ...string) (string, error) {
	cmd := exec.Command(*tcfgBin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("tcfg %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String() + errOut.String(), nil
}

// The revision a write reports ("... at revision N").
var revisionRe = regexp.MustCompile(`revision (\d+)`)

// eventually polls cond until it holds or the deadline passes.
func eventually(deadline time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > deadline {
			return time.Since(start), false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The dynamic config client's logger: it keeps every message that says the
// server refused the file (the client then keeps its old values).
type watchingLogger struct {
	log.Logger
	mu      *sync.Mutex
	refused *[]string
}

func (w watchingLogger) note(msg string, tags []tag.Tag) {
	if strings.Contains(msg, "Unable to update dynamic config") || strings.Contains(msg, "dynamic config error") {
		parts := []string{msg}
		for _, t := range tags {
			parts = append(parts, fmt.Sprintf("%s=%v", t.Key(), t.Value()))
		}
		w.mu.Lock()
		*w.refused = append(*w.refused, strings.Join(parts, " "))
		w.mu.Unlock()
	}
}
func (w watchingLogger) Warn(msg string, tags ...tag.Tag) {
	w.note(msg, tags)
	w.Logger.Warn(msg, tags...)
}
func (w watchingLogger) Error(msg string, tags ...tag.Tag) {
	w.note(msg, tags)
	w.Logger.Error(msg, tags...)
}
func (w watchingLogger) With(tags ...tag.Tag) log.Logger {
	return watchingLogger{log.With(w.Logger, tags...), w.mu, w.refused}
}

func (w watchingLogger) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), *w.refused...)
}

// The server's configuration: what temporaltest's LiteServer sets for an
// ephemeral SQLite server (its package is internal to Temporal's module).
func serverConfig(frontendPort int) (*config.Config, *config.SQL) {
	sql := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		ConnectAttributes: map[string]string{"mode": "memory", "cache": "shared"},
		DatabaseName:      fmt.Sprintf("tcfg-e2e-%d", rand.Intn(9999999)),
	}
	service := func(port int) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: port, MembershipPort: freeport.MustGetFreePort(), BindOnLocalHost: true}}
	}
	host := "127.0.0.1"
	cfg := &config.Config{}
	cfg.Global.Membership = config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: host}
	cfg.Global.Metrics = &metrics.Config{Prometheus: &metrics.PrometheusConfig{
		ListenAddress: fmt.Sprintf("%s:%d", host, freeport.MustGetFreePort()), HandlerPath: "/metrics"}}
	cfg.Global.PProf = config.PProf{Port: freeport.MustGetFreePort()}
	cfg.Persistence = config.Persistence{
		DefaultStore: sqliteplugin.PluginName, VisibilityStore: sqliteplugin.PluginName, NumHistoryShards: 1,
		DataStores: map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sql}},
	}
	cfg.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10, MasterClusterName: "active", CurrentClusterName: "active",
		ClusterInformation: map[string]cluster.ClusterInformation{"active": {
			Enabled: true, InitialFailoverVersion: 1, RPCAddress: fmt.Sprintf("%s:%d", host, frontendPort)}},
	}
	cfg.DCRedirectionPolicy = config.DCRedirectionPolicy{Policy: "noop"}
	cfg.Services = map[string]config.Service{
		"frontend": service(frontendPort),
		"history":  service(freeport.MustGetFreePort()),
		"matching": service(freeport.MustGetFreePort()),
		"worker":   service(freeport.MustGetFreePort()),
	}
	cfg.Archival = config.Archival{History: config.HistoryArchival{State: "disabled"}, Visibility: config.VisibilityArchival{State: "disabled"}}
	cfg.NamespaceDefaults = config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
		History: config.HistoryArchivalNamespaceDefaults{State: "disabled"}, Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"}}}
	cfg.PublicClient = config.PublicClient{HostPort: fmt.Sprintf("%s:%d", host, frontendPort)}
	// What a deployment's static config says; the client itself is passed
	// to the server below, so that the lookups here ask the same client.
	cfg.DynamicConfigClient = &dynamicconfig.FileBasedClientConfig{Filepath: *file, PollInterval: pollInterval}
	return cfg, sql
}

type e2e struct {
	api      workflowservice.WorkflowServiceClient
	coll     *dynamicconfig.Collection
	watching watchingLogger
	ids      int
}

// start asks the frontend to start a workflow (no worker runs it) and
// returns the server's answer.
func (e *e2e) start(ns string, idLength int, input []byte) error {
	e.ids++
	id := fmt.Sprintf("e2e-%d-", e.ids)
	id += strings.Repeat("x", max(0, idLength-len(id)))
	req := &workflowservice.StartWorkflowExecutionRequest{
		Namespace:    ns,
		WorkflowId:   id,
		WorkflowType: &commonpb.WorkflowType{Name: "wf"},
		TaskQueue:    &taskqueuepb.TaskQueue{Name: "tq", Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		// Short: the limit under test applies to request IDs too.
		RequestId: fmt.Sprintf("r%d", e.ids),
	}
	if input != nil {
		req.Input = &commonpb.Payloads{Payloads: []*commonpb.Payload{{
			Metadata: map[string][]byte{"encoding": []byte("binary/plain")}, Data: input}}}
	}
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := e.api.StartWorkflowExecution(c, req)
	return err
}

func idTooLong(err error) bool {
	return status.Code(err) == codes.InvalidArgument && strings.Contains(status.Convert(err).Message(), "WorkflowId length exceeds limit")
}

func (e *e2e) blobLimit(ns string) (int64, error) {
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	r, err := e.api.DescribeNamespace(c, &workflowservice.DescribeNamespaceRequest{Namespace: ns})
	if err != nil {
		return 0, err
	}
	return r.GetNamespaceInfo().GetLimits().GetBlobSizeLimitError(), nil
}

// The server's own lookup of a key, as JSON-shaped data.
func (e *e2e) lookup(key string, c dynamicconfig.Constraints) (any, error) {
	_, v, err := judge.Lookup(key, e.coll, c)
	if err != nil {
		return nil, err
	}
	return normalize(v), nil
}

// normalize makes a Go value comparable with tcfg's JSON: a duration as Go
// prints it (tcfg prints durations the same way), the rest through JSON.
func normalize(v any) any {
	if d, ok := v.(time.Duration); ok {
		return d.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unprintable %#v", v)
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func main() {
	flag.Parse()
	if *tcfgBin == "" || *file == "" || *keysFile == "" {
		fmt.Fprintln(os.Stderr, "usage: e2e --tcfg BIN --file RENDERED --keys KEYS.json [--server-log FILE]")
		os.Exit(2)
	}
	run()
	fmt.Printf("temporal e2e: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
	// The server's goroutines are not all stopped by Stop in every release.
	os.Exit(0)
}

func run() {
	logCfg := log.Config{Level: "info", OutputFile: *serverLog}
	if *serverLog == "" {
		logCfg = log.Config{Level: "warn"}
	}
	base := log.NewZapLogger(log.BuildZapLogger(logCfg))
	watching := watchingLogger{base, &sync.Mutex{}, &[]string{}}

	// 1. The server starts from the file the init render wrote.
	done := make(chan any)
	defer close(done)
	dc, err := dynamicconfig.NewFileBasedClient(&dynamicconfig.FileBasedClientConfig{Filepath: *file, PollInterval: pollInterval}, watching, done)
	if err != nil {
		fail("start", fmt.Sprintf("Temporal's file client refuses the rendered file: %v", err))
		return
	}
	frontendPort := freeport.MustGetFreePort()
	cfg, sql := serverConfig(frontendPort)
	var namespaces []*sqlite.NamespaceConfig
	for _, ns := range []string{"default", "payments", "quiet"} {
		nc, err := sqlite.NewNamespaceConfig("active", ns, false, nil)
		if err != nil {
			fail("start", err.Error())
			return
		}
		namespaces = append(namespaces, nc)
	}
	if err := sqlite.CreateNamespaces(sql, namespaces...); err != nil {
		fail("start", fmt.Sprintf("creating namespaces: %v", err))
		return
	}
	started := time.Now()
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(base),
		temporal.WithAuthorizer(authorization.NewNoopAuthorizer()),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return authorization.NewNoopClaimMapper() }),
		temporal.WithDynamicConfigClient(dc),
	)
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		fail("start", fmt.Sprintf("the server did not start: %v", err))
		return
	}
	defer func() { _ = srv.Stop() }()
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", frontendPort), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("start", err.Error())
		return
	}
	defer conn.Close()
	e := &e2e{api: workflowservice.NewWorkflowServiceClient(conn), coll: dynamicconfig.NewCollection(dc, base), watching: watching}
	var startErr error
	if _, ok := eventually(60*time.Second, func() bool { startErr = e.start("default", 30, nil); return startErr == nil }); !ok {
		fail("start", fmt.Sprintf("the frontend does not start workflows: %v", startErr))
		return
	}
	limit, _ := e.lookup("limit.maxIDLength", dynamicconfig.Constraints{})
	pass("start", fmt.Sprintf("the server started from the rendered file in %.1f s and starts workflows (limit.maxIDLength %v)",
		time.Since(started).Seconds(), limit))

	e.maxIDLength()
	e.namespaceScoped()
	e.compareLookups()
	e.heldBack()
	e.latency()
	if refused := watching.lines(); len(refused) > 0 {
		fail("never refused", fmt.Sprintf("the server's file client refused the file %d times, first: %s", len(refused), refused[0]))
	} else {
		pass("never refused", "the server's file client never logged \"Unable to update dynamic config\" nor a dynamic config error")
	}
}

// 2. `tcfg put limit.maxIDLength 20` makes the server reject a 30-character
// workflow ID within a poll interval and a second; `tcfg revert` undoes it.
func (e *e2e) maxIDLength() {
	const name = "put and revert limit.maxIDLength"
	out, err := tcfg("put", "limit.maxIDLength", "20", "--yes", "-m", "e2e: IDs of at most 20 characters")
	if err != nil {
		fail(name, err.Error())
		return
	}
	m := revisionRe.FindStringSubmatch(out)
	if m == nil {
		fail(name, fmt.Sprintf("put did not say its revision: %q", out))
		return
	}
	var last error
	took, ok := eventually(within, func() bool { last = e.start("default", 30, nil); return idTooLong(last) })
	if !ok {
		fail(name, fmt.Sprintf("a 30-character workflow ID still gets %v %.1f s after the put", last, took.Seconds()))
		return
	}
	short := e.start("default", 12, nil)
	if _, err := tcfg("revert", m[1], "--yes", "-m", "e2e: undo"); err != nil {
		fail(name, err.Error())
		return
	}
	back, ok := eventually(within, func() bool { last = e.start("default", 30, nil); return last == nil })
	if !ok {
		fail(name, fmt.Sprintf("30-character workflow IDs are still refused %.1f s after the revert: %v", back.Seconds(), last))
		return
	}
	if short != nil {
		fail(name, fmt.Sprintf("a 12-character ID was refused under the limit of 20: %v", short))
		return
	}
	pass(name, fmt.Sprintf("30-character IDs refused %.1f s after the put, 12-character ones accepted, accepted again %.1f s after the revert",
		took.Seconds(), back.Seconds()))
}

// 3. A namespace-scoped item takes effect for that namespace only.
func (e *e2e) namespaceScoped() {
	const name = "namespace-scoped item"
	before, err := e.blobLimit("default")
	if err != nil {
		fail(name, err.Error())
		return
	}
	if _, err := tcfg("put", "limit.blobSize.error", "1000", "--namespace", "payments", "--yes", "-m", "e2e: small blobs for payments"); err != nil {
		fail(name, err.Error())
		return
	}
	var got int64
	took, ok := eventually(within, func() bool { got, _ = e.blobLimit("payments"); return got == 1000 })
	if !ok {
		fail(name, fmt.Sprintf("DescribeNamespace(payments) says a blob limit of %d %.1f s after the put, not 1000", got, took.Seconds()))
		return
	}
	other, _ := e.blobLimit("default")
	// Over the warning limit (512 KiB by default): only then is the error
	// limit compared (common.CheckEventBlobSizeLimit).
	big := bytes.Repeat([]byte("x"), 600_000)
	inPayments, inDefault := e.start("payments", 10, big), e.start("default", 10, big)
	switch {
	case other != before:
		fail(name, fmt.Sprintf("the default namespace's blob limit moved from %d to %d", before, other))
	case inPayments == nil:
		fail(name, "payments accepted a 600,000-byte input over its limit of 1,000")
	case inDefault != nil:
		fail(name, fmt.Sprintf("the default namespace refused a 600,000-byte input: %v", inDefault))
	default:
		pass(name, fmt.Sprintf("payments' blob limit 1000 after %.1f s (a 600,000-byte input refused: %s); default keeps %d and accepts it",
			took.Seconds(), status.Convert(inPayments).Message(), other))
	}
}

// 4. A stored value Temporal would reject is held back by the renderer: the
// server keeps the key's values, and takes the next good write.
func (e *e2e) heldBack() {
	const name = "invalid stored value held back"
	payments := dynamicconfig.Constraints{Namespace: "payments"}
	quiet := dynamicconfig.Constraints{Namespace: "quiet"}
	kept, err := e.lookup("limit.blobSize.error", payments)
	if err != nil {
		fail(name, err.Error())
		return
	}
	// Another tool writes what Temporal refuses (an unknown constraint).
	bad := "- value: 5\n  constraints: {namespace: payments, bogus: 1}\n"
	if err := etcdPut(os.Getenv("TCFG_PREFIX")+"limit.blobSize.error", bad); err != nil {
		fail(name, err.Error())
		return
	}
	if _, err := tcfg("put", "limit.memoSize.error", "4242", "--namespace", "quiet", "--yes", "-m", "e2e: a good write after a bad one"); err != nil {
		fail(name, err.Error())
		return
	}
	var memo any
	took, ok := eventually(within, func() bool { memo, _ = e.lookup("limit.memoSize.error", quiet); return memo == float64(4242) })
	now, _ := e.lookup("limit.blobSize.error", payments)
	limit, _ := e.blobLimit("payments")
	switch {
	case !ok:
		fail(name, fmt.Sprintf("the good write after the bad one did not reach the server in %.1f s (limit.memoSize.error %v)", took.Seconds(), memo))
	case now != kept || limit != 1000:
		fail(name, fmt.Sprintf("limit.blobSize.error for payments moved from %v to %v (DescribeNamespace: %d)", kept, now, limit))
	default:
		pass(name, fmt.Sprintf("limit.blobSize.error for payments kept %v; the next good write arrived after %.1f s", now, took.Seconds()))
	}
}

// etcdPut writes a key as any other etcd client could (the v3 JSON gateway).
func etcdPut(key, value string) error {
	ep := strings.Split(os.Getenv("TCFG_ENDPOINTS"), ",")[0]
	if !strings.Contains(ep, "://") {
		ep = "http://" + ep
	}
	body, _ := json.Marshal(map[string]string{
		"key": base64.StdEncoding.EncodeToString([]byte(key)), "value": base64.StdEncoding.EncodeToString([]byte(value))})
	r, err := http.Post(ep+"/v3/kv/put", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("writing %s to etcd: %v", key, err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		return fmt.Errorf("writing %s to etcd: %s", key, r.Status)
	}
	return nil
}

// 6. Put-to-server latency over ten changes.
func (e *e2e) latency() {
	const name = "put-to-server latency"
	var took []time.Duration
	quiet := dynamicconfig.Constraints{Namespace: "quiet"}
	r := rand.New(rand.NewSource(*seed))
	for i := 1; i <= 10; i++ {
		v := 5000 + i
		// Each put at another moment of the client's poll cycle: right
		// after a change is seen, the next poll is a whole interval away.
		time.Sleep(time.Duration(r.Int63n(int64(pollInterval))))
		start := time.Now()
		if _, err := tcfg("put", "limit.memoSize.warn", fmt.Sprint(v), "--namespace", "quiet", "--yes", "-m", "e2e: latency"); err != nil {
			fail(name, err.Error())
			return
		}
		if _, ok := eventually(within, func() bool { got, _ := e.lookup("limit.memoSize.warn", quiet); return got == float64(v) }); !ok {
			fail(name, fmt.Sprintf("change %d did not reach the server within %v", i, within))
			return
		}
		took = append(took, time.Since(start))
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	fmt.Printf("latency: put to the server's lookup, 10 changes: p50 %.2f s, max %.2f s (the file client polls every %v)\n",
		took[len(took)/2].Seconds(), took[len(took)-1].Seconds(), pollInterval)
	pass(name, fmt.Sprintf("p50 %.2f s, max %.2f s", took[len(took)/2].Seconds(), took[len(took)-1].Seconds()))
}

// historyTaskType is the server's number of the history task type the
// generated items name.
var historyTaskType = enumsspb.TASK_TYPE_TRANSFER_ACTIVITY_TASK
