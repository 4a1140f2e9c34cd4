#!/usr/bin/env bash
# API reports (api-extractor via @backstage/repo-tools, as Backstage's own
# repo runs it) of the packages other code builds on: wide-ep-common and
# wide-ep-node, each entry point (report.api.md, report-testUtils.api.md).
# Every export needs a release tag (--validate-release-tags).
#
#   scripts/api-reports.sh        regenerate the reports
#   scripts/api-reports.sh --ci   fail when an export changed without its report
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# repo-tools' own --tsc runs yarn; this workspace uses npm, so emit the
# declarations here (no incremental state: a stale .d.ts would hide a change).
rm -rf dist-types
tsc -p . --noEmit false --declaration --emitDeclarationOnly --outDir dist-types --incremental false
backstage-repo-tools api-reports ${1:+"$1"} \
  -o ae-wrong-input-file-type,ae-undocumented --validate-release-tags \
  plugins/wide-ep-common plugins/wide-ep-node
