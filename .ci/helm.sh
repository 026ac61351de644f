#!/usr/bin/env bash
# The Helm back end against the real tools. For every example and each of its profiles
# (examples/*/profiles/*.yaml), `paasc compile --emit helm,env` must give a chart that:
#   - check-jsonschema: values.yaml validates against the chart's values.schema.json;
#   - real Helm (helm-python-sdk, Helm's Go SDK, offline): lints clean with --strict, checks
#     values.yaml against the schema and renders;
#   - kubernetes-validate --strict: every rendered manifest is valid Kubernetes 1.25 and 1.37;
#   - every Deployment and the migration Job have exactly the .env's variables, in order: a
#     plain variable with the same value (after Kubernetes' $(VAR)/$$ expansion), a secret one
#     as a secretKeyRef whose key holds the .env value in the generated secrets env file;
#   - no secret value appears in any chart file.
# Installs its pinned tools into ${PAASC_VENV:-.venv} when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
venv="${PAASC_VENV:-.venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
need=()
"$venv/bin/python" -c "import helm_python" 2>/dev/null || need+=(helm-python-sdk==0.2.2)
[ -x "$venv/bin/kubernetes-validate" ] || need+=(kubernetes-validate==1.37.0)
[ -x "$venv/bin/check-jsonschema" ] || need+=(check-jsonschema==0.39.0)
if [ ${#need[@]} -gt 0 ]; then
  "$venv/bin/pip" install -q --disable-pip-version-check "${need[@]}"
fi
cargo build -q --bin paasc

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/check.py" <<'PY'
"""Renders one chart with real Helm and compares its workloads' env with the .env."""
import json
import pathlib
import sys

import helm_python
import yaml

out, chart_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
failures = []


def fail(msg):
    failures.append(msg)


def read_dotenv(text):
    """paasc's .env format: NAME='literal' or NAME="\\-escaped" (README, "The .env format")."""
    env = []
    for line in text.splitlines():
        name, _, rest = line.partition("=")
        if rest.startswith("'"):
            value = rest[1:-1]
        else:
            body, value, i = rest[1:-1], "", 0
            while i < len(body):
                c = body[i]
                if c == "\\":
                    i += 1
                    value += {"n": "\n", "r": "\r"}.get(body[i], body[i])
                else:
                    value += c
                i += 1
        env.append((name, value))
    return env


def read_secrets_env(path):
    """kubectl's --from-env-file reading: literal NAME=value lines, # comments."""
    secrets = {}
    for line in path.read_text().splitlines():
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        secrets[name] = value
    return secrets


def k8s_expand(value):
    """Kubernetes' expansion of a `value` whose references cannot resolve: $$ -> $."""
    outv, i = "", 0
    while i < len(value):
        if value[i] == "$" and i + 1 < len(value) and value[i + 1] == "$":
            outv += "$"
            i += 2
        else:
            outv += value[i]
            i += 1
    return outv


dotenv = read_dotenv((out / ".env").read_text())
secret_files = list((out / "helm").glob("*.env"))
secret_dirs = [d for d in (out / "helm").iterdir() if d.is_dir() and d != chart_dir]
if secret_files:
    secrets = read_secrets_env(secret_files[0])
elif secret_dirs:
    # kubectl --from-file=DIR/: one key per file, its exact bytes
    secrets = {f.name: f.read_bytes().decode() for f in secret_dirs[0].iterdir()}
else:
    secrets = None

values = helm_python.values_from_yaml((chart_dir / "values.yaml").read_text())
chart = helm_python.Chart.load(str(chart_dir))
chart.validate_schema(chart.merge_values(values))
lint = helm_python.lint(str(chart_dir), None, strict=True)
if lint.get("errors"):
    fail(f"helm lint --strict: {lint}")
for m in lint.get("messages", []):
    # severity 1 is INFO (e.g. "icon is recommended"); anything higher fails strict lint
    if m.get("severity", 0) > 1:
        fail(f"helm lint --strict: {m}")
rendered = chart.render(None, name="release-name", namespace="default", revision=1, is_install=True)
docs = []
for path in sorted(rendered):
    if path.endswith("NOTES.txt"):
        if "release-name" not in rendered[path]:
            fail("NOTES.txt did not render")
        continue
    for doc in yaml.safe_load_all(rendered[path]):
        if doc:
            docs.append(doc)
sys.stdout.write(yaml.safe_dump_all(docs, sort_keys=False))

workloads = [d for d in docs if d["kind"] in ("Deployment", "Job")]
if not any(d["kind"] == "Deployment" and d["metadata"]["labels"].get("app.kubernetes.io/component") == "web" for d in workloads):
    fail("no web Deployment")
secret_values = []
for d in workloads:
    what = f'{d["kind"]} {d["metadata"]["name"]}'
    containers = d["spec"]["template"]["spec"]["containers"]
    got = containers[0].get("env", [])
    if [e["name"] for e in got] != [n for n, _ in dotenv]:
        fail(f"{what}: env names differ from .env:\n  {[e['name'] for e in got]}\n  {[n for n, _ in dotenv]}")
        continue
    for e, (name, want) in zip(got, dotenv):
        if "valueFrom" in e:
            ref = e["valueFrom"].get("secretKeyRef")
            if not ref or ref.get("key") != name:
                fail(f"{what}: {name} is not a secretKeyRef to key {name}: {e}")
                continue
            secret_values.append(want)
            if secrets is not None and secrets.get(name) != want:
                fail(f"{what}: {name}: the secrets env file does not hold the .env value")
        elif k8s_expand(e.get("value", "")) != want:
            fail(f"{what}: {name}={e.get('value')!r}, .env has {want!r}")

plain = {v for n, v in dotenv if v not in secret_values}
chart_text = "".join(p.read_text() for p in chart_dir.rglob("*") if p.is_file())
for v in set(secret_values):
    # a secret value that equals (or is part of) a public one, e.g. a user name equal to the
    # database name, is not a leak
    if len(v) >= 4 and not any(v in p for p in plain) and v in chart_text:
        fail(f"a secret value appears in the chart ({len(v)} characters)")

kinds = sorted({d["kind"] for d in docs})
print(f"{chart_dir.name}: {len(docs)} manifests ({', '.join(kinds)}), {len(workloads)} workloads x {len(dotenv)} env vars, {len(set(secret_values))} from Secrets", file=sys.stderr)
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
PY

charts=0
for ex in examples/*/; do
  ex=${ex%/}
  shopt -s nullglob
  profiles=("$ex"/profiles/*.yaml)
  shopt -u nullglob
  if [ ${#profiles[@]} -lt 2 ]; then
    echo "note: $ex has ${#profiles[@]} profile(s); every example should have at least two"
  fi
  for profile in "${profiles[@]}"; do
    name="$(basename "$ex")/$(basename "$profile" .yaml)"
    out="$work/$name"
    "${CARGO_TARGET_DIR:-target}/debug/paasc" compile "$ex" --profile "$profile" -o "$out" --emit helm,env 2>"$work/err.txt" \
      || { echo "paasc compile failed on $name:"; cat "$work/err.txt"; exit 1; }
    chart=$(find "$out/helm" -mindepth 2 -maxdepth 2 -name Chart.yaml -printf '%h\n')
    "$venv/bin/check-jsonschema" -q --schemafile "$chart/values.schema.json" "$chart/values.yaml" \
      || { echo "values.yaml does not validate against values.schema.json: $name"; exit 1; }
    "$venv/bin/python" "$work/check.py" "$out" "$chart" > "$out/rendered.yaml" \
      || { echo "helm checks failed: $name"; exit 1; }
    # the oldest and the newest Kubernetes kubernetes-validate knows (the chart asks for >=1.23)
    for k in 1.25.0 1.37.0; do
      "$venv/bin/kubernetes-validate" --strict --quiet -k "$k" "$out/rendered.yaml" \
        || { echo "kubernetes-validate --strict -k $k failed: $name"; exit 1; }
    done
    echo "helm ok: $name"
    charts=$((charts + 1))
  done
done
[ "$charts" -gt 0 ] || { echo "no example profiles found" >&2; exit 1; }
echo "helm: $charts charts rendered, linted (strict) and validated in $(( $(date +%s) - start ))s"
