#!/usr/bin/env bash
# Validates `paasc check --format sarif` of every golden case and example with the official
# SARIF validator (npm @microsoft/sarif-multitool 5.7.0, installed into .ci-node/, which
# .gitignore ignores): any error or warning result in its output fails the step.
#
# Run from the repository root after `cargo build --bin paasc`.
set -euo pipefail
cd "$(dirname "$0")/.."

node_dir="${PAASC_NODE_DIR:-.ci-node}"
mt="$node_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -f "$mt" ]; then
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent @microsoft/sarif-multitool@5.7.0 >/dev/null
fi
# npm may skip the package's postinstall (`chmod u+x Sarif.Multitool`); do it here.
chmod u+x "$mt"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir "$out/in"
n=0
for case in golden/errors/* golden/ok/* examples/*; do
  [ -d "$case" ] || continue
  n=$((n + 1))
  set +e
  ./target/debug/paasc check "$case" --format sarif > "$out/in/$n.sarif" 2>/dev/null
  code=$?
  set -e
  if [ "$code" -ge 2 ] && [ ! -s "$out/in/$n.sarif" ]; then echo "paasc exited $code on $case without SARIF" >&2; exit 1; fi
  echo "$n $case" >> "$out/cases.txt"
done
"$node_dir/node_modules/.bin/sarif-multitool" validate "$out"/in/*.sarif --output "$out/report.sarif" --log ForceOverwrite >"$out/validate.log" 2>&1 \
  || { cat "$out/validate.log" >&2; exit 1; }
[ -s "$out/report.sarif" ] || { echo "sarif-multitool wrote no report" >&2; cat "$out/validate.log" >&2; exit 1; }
# A result without a level is a warning (SARIF's default).
bad=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const run of r.runs || []) for (const x of run.results || []) {
    if (x.level !== undefined && x.level !== "error" && x.level !== "warning") continue;
    const where = ((x.locations || [])[0] || {}).physicalLocation;
    const file = where ? where.artifactLocation.uri : "?";
    console.log(`${file}: ${x.ruleId} ${x.level || "warning"}: ${JSON.stringify(x.message.arguments || x.message.text)}`);
  }
' "$out/report.sarif")
if [ -n "$bad" ]; then
  echo "sarif-multitool found problems (numbers: $out/cases.txt):" >&2
  echo "$bad" >&2
  cat "$out/cases.txt" >&2
  exit 1
fi
echo "sarif-multitool: $n SARIF logs valid (no error or warning)"
