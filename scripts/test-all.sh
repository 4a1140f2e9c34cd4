#!/usr/bin/env bash
# Runs every test suite: type check, lint, unit + integration (Jest, against
# a real kube-apiserver built from Go modules by test/cluster), the packaging
# suite (npm pack of every plugin, the packed backend installed and started),
# then the browser end-to-end suite (test/e2e: npm start + the local demo +
# headless Debian Chromium), and prints one closing line "N passed, N failed"
# for CI that counts every Jest run. WIDE_EP_SKIP_E2E=1 leaves the e2e suite out.
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
e2e_started=""
cleanup() {
  if [[ -n "$e2e_started" && -f test/artifacts/e2e/start.pid ]]; then
    # The suite stops its npm start itself; this catches a killed or crashed run.
    step "stopping what the e2e suite started (npm start -- --stop)"
    node scripts/start.mjs --stop --pid "$(cat test/artifacts/e2e/start.pid)" >&2 || true
  fi
  if [[ -n "$cluster_started" ]]; then
    step "stopping the test cluster"
    test/cluster/down >&2 || true
  fi
}
trap cleanup EXIT

if [[ -n "${WIDE_EP_SHARED_DIR:-}" || -d ../shared/crds ]]; then
  # Tests read shared/ when it is there; the committed copy is what a lone
  # clone uses, so say when the two part ways (a warning: shared/ may move first).
  step "test/shared against the shared folder (scripts/sync-shared.sh --check)"
  scripts/sync-shared.sh --check || echo "WARNING: test/shared differs from the shared folder; run scripts/sync-shared.sh"
fi

step "real kube-apiserver + etcd with the shared CRDs (test/cluster/up)"
WIDE_EP_TEST_KUBECONFIG="$(test/cluster/up)"
cluster_started=1
export WIDE_EP_TEST_KUBECONFIG
echo "kubeconfig: $WIDE_EP_TEST_KUBECONFIG"

step "GAIE v1.4.0's real EPP config loader for the conformance tests (test/conformance/epp-loader/build)"
test/conformance/epp-loader/build

step "type check (tsc)"
tsc --noEmit -p .

step "API reports of wide-ep-common and wide-ep-node are current (scripts/api-reports.sh --ci)"
scripts/api-reports.sh --ci

step "lint (backstage-cli repo lint, prettier --check)"
backstage-cli repo lint
prettier --check .

step "config schemas (backstage-cli config:check: local+demo, local+production)"
backstage-cli config:check --lax --config app-config.yaml --config app-config.demo.yaml
backstage-cli config:check --lax --config app-config.yaml --config app-config.production.yaml

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

# Its own Jest run (*.pack.ts): it builds and packs every plugin, installs the
# packed backend ones into a fresh copy of packages/backend (npm registry, warm
# cache) and starts it; ~2.5 min. Reuses the declarations api-reports.sh wrote.
step "packaging (npm pack of every plugin; the packed backend plugin and modules in a fresh packages/backend, started)"
pack_results="$PWD/test/artifacts/packaging-results.json"
mkdir -p test/artifacts
rm -f "$pack_results"
set +e
(cd test/integration && backstage-cli package test --watchAll=false --testMatch '**/src/**/*.pack.ts' --json --outputFile="$pack_results")
pack_rc=$?
set -e
pack_passed=0
pack_failed=0
if [[ -f "$pack_results" ]]; then
  read -r pack_passed pack_failed < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$pack_results")
fi
if [[ $pack_rc -ne 0 && $pack_failed -eq 0 ]]; then pack_failed=1; fi
echo "packaging: ${pack_passed} passed, ${pack_failed} failed (the packed backend's log: test/artifacts/packaging/)"
passed=$((passed + pack_passed))
failed=$((failed + pack_failed))

if [[ "${WIDE_EP_SKIP_E2E:-0}" == 1 ]]; then
  step "browser end-to-end: skipped (WIDE_EP_SKIP_E2E=1)"
else
  step "browser end-to-end (test/e2e: npm start + local demo + headless Chromium)"
  e2e_rc=0
  if ! command -v chromium >/dev/null 2>&1; then
    echo "installing Debian's chromium (no browser download)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) >&2 ||
      { echo "ERROR: could not install chromium; the e2e suite cannot run" >&2; e2e_rc=1; }
  fi
  e2e_results="$PWD/test/artifacts/e2e-results.json"
  mkdir -p test/artifacts
  rm -f "$e2e_results"
  if [[ $e2e_rc -eq 0 ]]; then
    e2e_started=1
    set +e
    (cd test/e2e && backstage-cli package test --watchAll=false --runInBand --testMatch '**/src/**/*.e2e.ts' --json --outputFile="$e2e_results")
    e2e_rc=$?
    set -e
  fi
  e2e_passed=0
  e2e_failed=0
  if [[ -f "$e2e_results" ]]; then
    read -r e2e_passed e2e_failed < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$e2e_results")
  fi
  if [[ $e2e_rc -ne 0 && $e2e_failed -eq 0 ]]; then e2e_failed=1; fi
  echo "e2e: ${e2e_passed} passed, ${e2e_failed} failed (screenshots and logs in test/artifacts/e2e/)"
  passed=$((passed + e2e_passed))
  failed=$((failed + e2e_failed))
fi

step "done in $((SECONDS - started)) s"
echo "${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
