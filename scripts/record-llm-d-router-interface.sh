#!/usr/bin/env bash
# Records the interface of the llm-d-router endpoint picker and P/D sidecar at
# one tag (config apiVersions, plugin types and their field names, EPP and
# sidecar flags, the RBAC the upstream charts grant) from its source into
# plugins/wide-ep-common/interfaces/llm-d-router/llm-d-router-TAG.json.
# src/conformance/epp.test.ts checks the rendered EPP config, flags, Role and
# sidecar flags against the record of VERSION_SET.epp.source.tag.
#
# Usage: scripts/record-llm-d-router-interface.sh GIT_DIR TAG
#   GIT_DIR: a clone (or bare mirror) of github.com/llm-d/llm-d-router.
# Env:   GAIE_GIT_DIR  a gateway-api-inference-extension clone, needed for
#        tags <= v0.8 (llm-d-inference-scheduler), which use GAIE's loader.
set -euo pipefail
git_dir="${1:?usage: $0 GIT_DIR TAG}"
tag="${2:?usage: $0 GIT_DIR TAG}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/plugins/wide-ep-common/interfaces/llm-d-router/llm-d-router-$tag.json"
mkdir -p "$(dirname "$out")"
python3 "$repo/scripts/record_llm_d_router_interface.py" "$git_dir" "$tag" "$out.tmp"
mv -f "$out.tmp" "$out"
echo "recorded llm-d-router $tag -> ${out#"$repo"/}"
