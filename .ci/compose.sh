#!/usr/bin/env bash
# The compose back end (and `paasc graph`'s DOT) against the real tools: every example compiled with every profile
# (`--emit compose`) gives a compose.yaml that
#   1. the Compose Specification's JSON Schema accepts (check-jsonschema 0.39.0, the schema
#      vendored in .ci/vendor/compose-spec.json with its source and version), and
#   2. `docker-compose config` (Debian's docker-compose package, which validates offline)
#      accepts, with the build context pointed at the example.
#
# Environment: PAASC_VENV (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PAASC_VENV:-.venv}"
if ! command -v docker-compose >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
cargo build -q --bin paasc
paasc=$PWD/target/debug/paasc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
# Each example with each profile; and flask-postgresql's default profile with
# `--provision postgresql` (generated credentials).
cases=()
for ex in examples/*/; do
  for profile in "${ex%/}"/profiles/*.yaml; do
    [ -f "$profile" ] && cases+=("${ex%/} $profile")
  done
done
cases+=("examples/flask-postgresql examples/flask-postgresql/profiles/default.yaml postgresql")
for case in "${cases[@]}"; do
  read -r ex profile provision <<<"$case"
    out="$work/$(basename "$ex")-$(basename "$profile" .yaml)${provision:+-$provision}"
    "$paasc" compile "$ex" --profile "$profile" -o "$out" --emit compose ${provision:+--provision "$provision"} 2>"$out.err" || {
      cat "$out.err"
      echo "paasc compile --emit compose failed on $ex with $profile" >&2
      exit 1
    }
    "$venv/bin/check-jsonschema" -q --schemafile .ci/vendor/compose-spec.json "$out/compose.yaml"
    docker-compose -f "$out/compose.yaml" --profile dev config > "$out.config.yaml"
    # The environment compose gives each app service is .env's, as python-dotenv reads it.
    "$venv/bin/python" - "$out.config.yaml" "$out/.env" "$out/compose.yaml" <<'PY'
import sys, yaml, dotenv
config, env_file, compose = sys.argv[1:]
want = {k: v or "" for k, v in dotenv.dotenv_values(env_file).items()}
declared = yaml.safe_load(open(compose))["services"]
for name, svc in yaml.safe_load(open(config))["services"].items():
    if ".env" not in declared[name].get("env_file", []):
        continue
    got = {k: "" if v is None else str(v) for k, v in (svc.get("environment") or {}).items()}
    if got != want:
        sys.exit(f"{compose}: service {name}'s environment differs from .env: {sorted(set(got.items()) ^ set(want.items()))[:3]}")
PY
    n=$((n + 1))
done
echo "compose: $n compose files accepted by the Compose schema and docker-compose config"

# `paasc graph --format dot`: Graphviz renders every example's picture (the golden files, which
# tests/graph.rs keeps equal to the output).
if ! command -v dot >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
fi
for f in golden/graph/*/*.dot; do
  dot -Tsvg "$f" >/dev/null || { echo "Graphviz refused $f" >&2; exit 1; }
done
echo "graph: $(ls golden/graph/*/*.dot | wc -l) DOT pictures rendered by Graphviz"
