//go:build !temporal_before_1_30

package judge

import "go.temporal.io/server/common/dynamicconfig"

// Since v1.30 the file client's loader is public: LoadYamlFile.
func load(contents []byte) (values map[string][]dynamicconfig.ConstrainedValue, client dynamicconfig.Client, warnings, errs []error) {
	lr := dynamicconfig.LoadYamlFile(contents)
	values = make(map[string][]dynamicconfig.ConstrainedValue, len(lr.Map))
	for k, v := range lr.Map {
		values[k.String()] = v
	}
	return values, mapClient(lr.Map), lr.Warnings, lr.Errors
}

type mapClient dynamicconfig.ConfigValueMap

func (m mapClient) GetValue(k dynamicconfig.Key) []dynamicconfig.ConstrainedValue {
	return m[k]
}

func keyOf(name string) dynamicconfig.Key { return dynamicconfig.MakeKey(name) }
