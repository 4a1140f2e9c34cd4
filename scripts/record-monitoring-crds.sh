#!/usr/bin/env bash
# Records the CRDs of the monitoring objects the generator renders for
# spec.monitoring (PodMonitor, PodMonitoring) into test/crds-monitoring/,
# unmodified, from git snapshots of their upstream repositories at pinned
# tags, and rewrites SOURCE.md with tag, commit and blob id of each file.
# ../shared/crds and ../shared/crds-providers do not carry them, so they are
# kept here; test/cluster/up installs them, the renderer tests and
# test/integration/src/crdCoverage.test.ts validate against them.
#
# Usage: scripts/record-monitoring-crds.sh PROMETHEUS_OPERATOR_GIT_DIR PROMETHEUS_ENGINE_GIT_DIR
#   (git directories, bare or not, of github.com/prometheus-operator/prometheus-operator
#   and github.com/GoogleCloudPlatform/prometheus-engine holding the tags below)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/test/crds-monitoring"
operator_git="${1:?usage: $0 PROMETHEUS_OPERATOR_GIT_DIR PROMETHEUS_ENGINE_GIT_DIR}"
engine_git="${2:?usage: $0 PROMETHEUS_OPERATOR_GIT_DIR PROMETHEUS_ENGINE_GIT_DIR}"
operator_tag=v0.93.0
engine_tag=v0.17.2

# local file | repository | git dir | tag | upstream path | kind, group, version
entries=(
  "monitoring.coreos.com_podmonitors.yaml|prometheus-operator/prometheus-operator|$operator_git|$operator_tag|example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml|PodMonitor, monitoring.coreos.com, v1"
  "monitoring.googleapis.com_podmonitorings.yaml|GoogleCloudPlatform/prometheus-engine|$engine_git|$engine_tag|charts/operator/crds/monitoring.googleapis.com_podmonitorings.yaml|PodMonitoring, monitoring.googleapis.com, v1 (v1alpha1 served too)"
)

mkdir -p "$out"
rows=()
for e in "${entries[@]}"; do
  IFS='|' read -r file upstream git_dir tag path what <<<"$e"
  commit="$(git --git-dir="$git_dir" rev-parse "$tag^{commit}")"
  date="$(git --git-dir="$git_dir" log -1 --format=%cs "$commit")"
  blob="$(git --git-dir="$git_dir" rev-parse "$commit:$path")"
  git --git-dir="$git_dir" show "$blob" >"$out/$file.tmp"
  [[ "$(git hash-object "$out/$file.tmp")" == "$blob" ]] || { echo "blob mismatch for $path" >&2; exit 1; }
  mv -f "$out/$file.tmp" "$out/$file"
  rows+=("| \`$file\` | $what | github.com/$upstream | \`$tag\` ($date) | \`$commit\` | \`$path\` | \`$blob\` |")
done

{
  cat <<'HEAD'
# Monitoring CRDs (spec.monitoring)

The CustomResourceDefinitions of the scrape objects the generator renders when a spec sets
`monitoring`: the Prometheus Operator's `PodMonitor` (`prometheus-operator`) and GKE Managed
Prometheus' `PodMonitoring` (`gke-managed-prometheus`). A cluster has them only with that
monitoring stack installed; `../shared/crds` and `../shared/crds-providers` do not carry them, so
the project keeps them here. `test/cluster/up` installs them beside the shared ones, so a real API
server checks every rendered monitoring object (test/integration/src/crdCoverage.test.ts), and
the renderer tests validate against their schemas.

Every file is an unmodified copy of the upstream file (YAML data only), written by
`scripts/record-monitoring-crds.sh` from git snapshots of the repositories with `git show`. The
"Blob" column is the git blob id (`git hash-object <file>` reproduces it).

| Local file | Kind, group, versions | Repository | Tag (commit date) | Commit | Upstream path | Blob |
|---|---|---|---|---|---|---|
HEAD
  printf '%s\n' "${rows[@]}"
} >"$out/SOURCE.md"
echo "recorded ${#entries[@]} CRDs into ${out#"$repo"/}"
