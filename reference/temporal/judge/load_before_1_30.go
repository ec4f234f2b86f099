//go:build temporal_before_1_30

package judge

import (
	"strings"
	_ "unsafe" // go:linkname

	"go.temporal.io/server/common/dynamicconfig"
)

// Before v1.30 the file client's loader is private; it is what the file
// client runs on each poll.
//
//go:linkname loadFile go.temporal.io/server/common/dynamicconfig.loadFile
func loadFile(contents []byte) (map[string][]dynamicconfig.ConstrainedValue, *dynamicconfig.LoadResult)

func load(contents []byte) (values map[string][]dynamicconfig.ConstrainedValue, client dynamicconfig.Client, warnings, errs []error) {
	values, lr := loadFile(contents)
	return values, lowerClient(values), lr.Warnings, lr.Errors
}

// The file client looks keys up lower-cased.
type lowerClient map[string][]dynamicconfig.ConstrainedValue

func (m lowerClient) GetValue(k dynamicconfig.Key) []dynamicconfig.ConstrainedValue {
	return m[strings.ToLower(k.String())]
}

func keyOf(name string) dynamicconfig.Key { return dynamicconfig.Key(name) }
