#!/usr/bin/env bash
# Records the real CLI interface of `vllm serve` (every option, whether it
# takes a value, its choices) and the environment variables vLLM reads, for
# one vLLM release, into plugins/wide-ep-common/interfaces/vllm/vllm-VERSION.json.
# The conformance test (plugins/wide-ep-common/src/conformance/vllmCli.test.ts)
# checks every rendered vLLM command line against the record of the version
# VERSION_SET.vllm.version names.
# The record also lists the Prometheus metrics vLLM exports (read from
# vllm/v1/metrics/loggers.py); the rank card's PromQL is checked against them.
# To refresh only those from a copy of that file (e.g. out of the PyPI sdist),
# without installing vLLM:
#   python3 scripts/record_vllm_interface.py --metrics-from LOGGERS_PY RECORD.json "where it came from"
#
# Usage: scripts/record-vllm-interface.sh VERSION
# Env:   VLLM_VENV  reuse this virtualenv (it must hold vllm==VERSION);
#                   default: a throw-away one, removed afterwards. vLLM and its
#                   dependencies take about 10 GB and several minutes to install.
#        PYTHON     interpreter for the virtualenv (default python3; vLLM
#                   supports 3.10 to 3.13)
set -euo pipefail
version="${1:?usage: scripts/record-vllm-interface.sh VERSION (e.g. 0.23.0)}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/plugins/wide-ep-common/interfaces/vllm/vllm-$version.json"
venv="${VLLM_VENV:-}"
if [[ -z "$venv" ]]; then
  venv="$(mktemp -d)/venv"
  trap 'rm -rf "$(dirname "$venv")"' EXIT
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet "vllm==$version"
fi
installed="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("vllm"))')"
[[ "$installed" == "$version" ]] || { echo "$venv holds vllm $installed, not $version" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
# vLLM logs to stdout while it imports; the record goes to the file.
"$venv/bin/python" "$repo/scripts/record_vllm_interface.py" "$out.tmp" >/dev/null
mv -f "$out.tmp" "$out"
echo "recorded vllm $version -> ${out#"$repo"/}"
