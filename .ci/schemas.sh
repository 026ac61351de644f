#!/usr/bin/env bash
# Validates real project files against the committed JSON Schemas with an external validator
# (check-jsonschema, which reads YAML 1.2 like editors do), and proves that the schemas reject
# the small broken files in golden/schema-invalid/.
#
# Run from the repository root after .ci/run created the virtualenv (PAASC_VENV, default .venv).
# The corpus is conformance/ (or $PAASC_CONFORMANCE_DIR with the same layout).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${PAASC_VENV:-.venv}"
cj="$venv/bin/check-jsonschema"
if [ ! -x "$cj" ]; then
  echo "missing $cj: run .ci/run first (it creates the virtualenv)" >&2
  exit 2
fi
corpus="${PAASC_CONFORMANCE_DIR:-conformance}"

# Files the schemas must accept: examples, golden/ok, the corpus inputs the real tools expand
# successfully, the corpus runtime projects, and the examples' deployment profiles.
valid_files() {
  local kind=$1 d
  if [ "$kind" = profile ]; then
    for d in examples/*/profiles/*.yaml; do [ -f "$d" ] && echo "$d"; done
    return
  fi
  for d in examples/* golden/ok/*; do
    [ -d "$d" ] || continue
    if [ -f "$d/$kind.yaml" ]; then echo "$d/$kind.yaml"; fi
    if [ -f "$d/charm/$kind.yaml" ]; then echo "$d/charm/$kind.yaml"; fi
  done
  if [ -d "$corpus" ]; then
    for d in "$corpus"/*/expand/*; do
      if [ -f "$d/$kind.yaml" ] && [ -f "$d/expected/$kind.expanded.yaml" ]; then echo "$d/$kind.yaml"; fi
    done
    for d in "$corpus"/*/runtime/*/project; do
      if [ -f "$d/$kind.yaml" ]; then echo "$d/$kind.yaml"; fi
      if [ -f "$d/charm/$kind.yaml" ]; then echo "$d/charm/$kind.yaml"; fi
    done
  fi
}

status=0
for kind in charmcraft rockcraft profile; do
  schema="schema/$kind.json"
  mapfile -t files < <(valid_files "$kind")
  if [ "${#files[@]}" -eq 0 ]; then
    echo "no $kind files found to validate" >&2
    exit 1
  fi
  echo "check-jsonschema: ${#files[@]} valid $kind files against $schema"
  if ! "$cj" --schemafile "$schema" "${files[@]}"; then
    echo "FAIL: a valid $kind file does not validate against $schema" >&2
    status=1
  fi

  mapfile -t invalid < <(find "golden/schema-invalid/$kind" -name '*.yaml' | sort)
  if [ "${#invalid[@]}" -eq 0 ]; then
    echo "no invalid samples under golden/schema-invalid/$kind" >&2
    exit 1
  fi
  for f in "${invalid[@]}"; do
    set +e
    "$cj" --schemafile "$schema" "$f" >/dev/null 2>&1
    rc=$?
    set -e
    if [ "$rc" -eq 1 ]; then
      echo "rejected as expected: $f"
    else
      echo "FAIL: check-jsonschema exited $rc on $f (want 1: validation failure)" >&2
      status=1
    fi
  done
done
exit "$status"
