// Command epp-loader runs the real EndpointPickerConfig loader of the Gateway
// API Inference Extension (GAIE) v1.4.0, the module llm-d-inference-scheduler
// v0.7.0 links, on a config read from stdin, and prints what it said as JSON.
// plugins/wide-ep-common/src/conformance/eppLoader.test.ts runs it on the
// rendered config: the EPP image v0.7.0 cannot read it (serving review B1),
// which is why the version set pins llm-d-router v0.9.0.
package main

import (
	"encoding/json"
	"io"
	"os"

	"github.com/go-logr/logr"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/config/loader"
)

type result struct {
	OK         bool   `json:"ok"`
	Error      string `json:"error,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
	Plugins    int    `json:"plugins"`
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var out result
	cfg, _, err := loader.LoadRawConfig(in, logr.Discard())
	if err != nil {
		out.Error = err.Error()
	} else {
		out.OK = true
		out.APIVersion = cfg.APIVersion
		out.Plugins = len(cfg.Plugins)
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}
