#!/usr/bin/env bash
# Keeps test/shared/ a verbatim copy of the parts of the steering repo's
# shared/ folder that the project reads: every CRD under crds/ and
# crds-providers/ (the test and demo clusters install them, the renderer tests validate against them) and the
# upstream llm-d manifests the seed tests compare with. CI may clone the repo
# without shared/ beside it, so the copy is committed; when shared/ is there,
# test/cluster/up and the tests read it first and this script reports drift.
#
# Usage: scripts/sync-shared.sh           copy from $WIDE_EP_SHARED_DIR (default ../shared)
#        scripts/sync-shared.sh --check   exit 1 and list what differs; copy nothing
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
src="${WIDE_EP_SHARED_DIR:-$repo/../shared}"
dst="$repo/test/shared"
[[ -d "$src/crds" ]] || { echo "sync-shared: no shared folder with crds/ at $src (set WIDE_EP_SHARED_DIR)" >&2; exit 2; }

# The upstream files the seed tests read (plugins/wide-ep-common/src/render/seeds.test.ts).
reference=(
  reference/llm-d/SOURCE.md
  reference/llm-d/guides/wide-ep-lws/modelserver/gpu/vllm/base/prefill.yaml
  reference/llm-d/guides/wide-ep-lws/modelserver/gpu/vllm/base/decode.yaml
  reference/llm-d/guides/wide-ep-lws/router/wide-ep-lws.values.yaml
  reference/llm-d/guides/wide-ep-lws/experimental-dp-aware/manifests/inferencepool.values.yaml
  reference/llm-d/guides/wide-ep-lws/modelserver/gpu/vllm-deepseek-v4/providers/oci/compute-domain.yaml
  reference/llm-d/guides/recipes/gateway/istio/gateway.yaml
  reference/llm-d/guides/recipes/gateway/istio/configmap.yaml
  reference/llm-d/guides/recipes/gateway/base/httproute.yaml
  reference/llm-d/guides/wide-ep/modelserver/gpu/grove/podCliqueSet.yaml
  reference/llm-d/guides/wide-ep/router/wide-ep.values.yaml
  reference/llm-d/guides/wide-ep/manifests/inferencepool.values.yaml
)
files=()
while IFS= read -r f; do files+=("$f"); done < <(cd "$src" && find crds crds-providers -type f | sort)
files+=("${reference[@]}")

status=0
for f in "${files[@]}"; do
  [[ -f "$src/$f" ]] || { echo "sync-shared: $src/$f is missing" >&2; status=1; continue; }
  if [[ "${1:-}" == --check ]]; then
    cmp -s "$src/$f" "$dst/$f" || { echo "differs: test/shared/$f"; status=1; }
  else
    mkdir -p "$(dirname "$dst/$f")"
    cp "$src/$f" "$dst/$f"
  fi
done
if [[ "${1:-}" == --check ]]; then
  # A CRD dropped from shared/ must not linger in the copy.
  while IFS= read -r f; do
    [[ -f "$src/$f" ]] || { echo "only in the copy: test/shared/$f"; status=1; }
  done < <(cd "$dst" && find crds crds-providers -type f | sort)
  [[ $status -eq 0 ]] && echo "test/shared matches $src (${#files[@]} files)"
else
  echo "copied ${#files[@]} files from $src into test/shared/"
fi
exit $status
