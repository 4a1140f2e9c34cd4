#!/usr/bin/env bash
# Runs every test suite: type check, lint, unit + integration (Jest, against
# a real kube-apiserver built from Go modules by test/cluster), and prints
# one closing line "N passed, N failed" for CI.
#
# Usage: npm test   (after npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

started=$SECONDS
step() { printf '\n==> %s (t+%ds)\n' "$*" "$((SECONDS - started))"; }

step "node $(node -v)"
node -e 'const [maj]=process.versions.node.split("."); if (+maj < 22) { console.error("Node >= 22 required; run npm ci first"); process.exit(1) }'

cluster_started=""
cleanup() {
  if [[ -n "$cluster_started" ]]; then
    step "stopping the test cluster"
    test/cluster/down >&2 || true
  fi
}
trap cleanup EXIT

step "real kube-apiserver + etcd with the shared CRDs (test/cluster/up)"
WIDE_EP_TEST_KUBECONFIG="$(test/cluster/up)"
cluster_started=1
export WIDE_EP_TEST_KUBECONFIG
echo "kubeconfig: $WIDE_EP_TEST_KUBECONFIG"

step "type check (tsc)"
tsc --noEmit -p .

step "lint (backstage-cli repo lint)"
backstage-cli repo lint

step "unit and integration tests (jest)"
rm -f .jest-results.json
set +e
backstage-cli repo test --watchAll=false --json --outputFile=.jest-results.json
jest_rc=$?
set -e

passed=0
failed=0
if [[ -f .jest-results.json ]]; then
  read -r passed failed < <(node -e 'const r=require("./.jest-results.json"); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)')
fi
if [[ $jest_rc -ne 0 && $failed -eq 0 ]]; then failed=1; fi

step "done in $((SECONDS - started)) s"
echo "${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
