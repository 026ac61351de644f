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
#   - no secret value appears in any chart file;
#   - rendered as a user installs it (release named after the app, namespace after the model):
#     every <PREFIX>PEER_FQDNS host is a pod of the web StatefulSet under its headless Service,
#     each web pod's wrapper (run here with /bin/sh as each pod) leaves exactly the other units,
#     the profile's unit's pod the .env's list, and <PREFIX>BASE_URL names the chart's ingress
#     host when it has one.
#   - the web pod has a listener (the statsd exporter) on gunicorn's statsd_host port, and one
#     Prometheus scrape target exists (a ServiceMonitor or prometheus.io/* Service annotations);
#   - the NetworkPolicy allows DNS and the profile's database endpoint, and no port no
#     integration uses (or anything with kubernetes.security.egress: open);
#   - every custom resource validates against its CRD's schema (.ci/crd_validate.mjs):
#     ServiceMonitor and HTTPRoute with the npm @kubernetes-models/* packages' validators, the
#     Emissary Host, Mapping and Listener against Emissary's vendored v3alpha1 CRDs; a
#     self-check first proves the validator rejects broken Emissary resources;
#   - checkov (3.3.30, its own venv ${PAASC_CHECKOV_VENV:-.venv-checkov}) on every example's
#     rendered manifests: no failed check (the checks that do not fit the chart are skipped in
#     the templates with their reasons; README, "Hardening").
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
checkov_venv="${PAASC_CHECKOV_VENV:-.venv-checkov}"
if [ ! -x "$checkov_venv/bin/checkov" ]; then
  python3 -m venv "$checkov_venv"
  "$checkov_venv/bin/pip" install -q --disable-pip-version-check checkov==3.3.30
fi
cargo build -q --bin paasc

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/check.py" <<'PY'
"""Renders one chart with real Helm and compares its workloads' env with the .env."""
import ipaddress
import json
import pathlib
import subprocess
import sys

import helm_python
import yaml

out, chart_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
profile = yaml.safe_load(pathlib.Path(sys.argv[3]).read_text()) or {}
failures = []


def fail(msg):
    failures.append(msg)


def read_dotenv(text):
    """paasc's .env format: NAME='literal' or NAME="\\-escaped", a value may span lines
    (README, "The .env format")."""
    env, i = [], 0
    while i < len(text):
        eq = text.index("=", i)
        name, quote, i = text[i:eq], text[eq + 1], eq + 2
        value = ""
        while text[i] != quote:
            c = text[i]
            if quote == '"' and c == "\\":
                i += 1
                c = {"n": "\n", "r": "\r"}.get(text[i], text[i])
            value += c
            i += 1
        env.append((name, value))
        i += 2  # the closing quote and the newline
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

values_text = (chart_dir / "values.yaml").read_text()
values = helm_python.values_from_yaml(values_text)


def normal(v):
    """Helm's numbers come back as floats: compare 2.0 and 2 as equal."""
    if isinstance(v, dict):
        return {k: normal(x) for k, x in v.items()}
    if isinstance(v, list):
        return [normal(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


if normal(values) != normal(yaml.safe_load(values_text)):
    fail("values.yaml: Helm's reader (go-yaml) and PyYAML read it differently")
chart = helm_python.Chart.load(str(chart_dir))
chart.validate_schema(chart.merge_values(values))
lint = helm_python.lint(str(chart_dir), None, strict=True)
if lint.get("errors"):
    fail(f"helm lint --strict: {lint}")
for m in lint.get("messages", []):
    # severity 1 is INFO (e.g. "icon is recommended"); anything higher fails strict lint
    if m.get("severity", 0) > 1:
        fail(f"helm lint --strict: {m}")
app = values["nameOverride"]
model = profile.get("model") or "default"
rendered = chart.render(None, name=app, namespace=model, revision=1, is_install=True)
docs = []
for path in sorted(rendered):
    if path.endswith("NOTES.txt"):
        if app not in rendered[path]:
            fail("NOTES.txt did not render")
        continue
    for doc in yaml.safe_load_all(rendered[path]):
        if doc:
            docs.append(doc)
CUSTOM = ("monitoring.coreos.com/", "gateway.networking.k8s.io/", "getambassador.io/")
custom = [d for d in docs if d["apiVersion"].startswith(CUSTOM)]
(out / "custom.yaml").write_text(yaml.safe_dump_all(custom, sort_keys=False))
sys.stdout.write(yaml.safe_dump_all([d for d in docs if d not in custom], sort_keys=False))

workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet", "Job")]
peer_wrapped = set()  # PEER_FQDNS variables the web pods' wrapper narrows (checked per pod)
web = [d for d in workloads if d["kind"] == "StatefulSet" and d["metadata"]["labels"].get("app.kubernetes.io/component") == "web"]
if len(web) != 1:
    fail("no web StatefulSet")
else:
    sts = web[0]
    hpa = [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"]
    pods = hpa[0]["spec"]["minReplicas"] if hpa else sts["spec"]["replicas"]
    labels = sts["spec"]["template"]["metadata"]["labels"]
    headless = {
        d["metadata"]["name"] for d in docs
        if d["kind"] == "Service" and d["spec"].get("clusterIP") == "None"
        and all(labels.get(k) == v for k, v in d["spec"]["selector"].items())
    }
    own = {f'{sts["metadata"]["name"]}-{i}.{sts["spec"]["serviceName"]}.{model}.svc.cluster.local' for i in range(pods)}
    if sts["spec"]["serviceName"] not in headless:
        fail(f'the StatefulSet\'s serviceName {sts["spec"]["serviceName"]} is not a headless Service of its pods')
    main = sts["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in main.get("env", [])}
    command = [k8s_expand(a) for a in main.get("command", [])]
    for name, value in env.items():
        if name.endswith("PEER_FQDNS"):
            for host in (value or "").split(","):
                if host not in own:
                    fail(f"{name}: {host} is not a pod the chart always runs ({sorted(own)})")
            if command[:2] != ["/bin/sh", "-c"]:
                continue
            # The web pods' wrapper, run with a real shell as each pod would run it: the pod
            # named by $HOSTNAME drops its own host and execs the command (here printenv).
            want = dict(dotenv).get(name)
            me = int(profile.get("unit") or 0)
            for i in range(pods):
                pod = f'{sts["metadata"]["name"]}-{i}'
                run = subprocess.run(command[:4] + ["printenv", name], capture_output=True, text=True,
                                     env={"PATH": "/usr/bin:/bin", "HOSTNAME": pod, name: value or ""})
                got = run.stdout.rstrip("\n") if run.returncode == 0 else None
                hosts = got.split(",") if got else []
                if any(h.startswith(pod + ".") for h in hosts) or any(h not in own for h in hosts):
                    fail(f"{name} in pod {pod}: {got!r} names the pod itself or a pod the chart does not run")
                others = [h for h in (value or "").split(",") if h and not h.startswith(pod + ".")]
                if hosts != others:
                    fail(f"{name} in pod {pod}: {got!r}, want every other unit {others}")
                if i == me and got != want:
                    fail(f"{name} in pod {pod} (the profile's unit): {got!r}, .env has {want!r}")
            peer_wrapped.add(name)
    # the host each kind of route serves: Ingress, Gateway API HTTPRoute, Emissary Host
    routed = ([d["spec"]["rules"][0].get("host") for d in docs if d["kind"] == "Ingress"]
              + [d["spec"].get("hostnames", [None])[0] for d in docs if d["kind"] == "HTTPRoute"]
              + [d["spec"]["hostname"] for d in docs if d["kind"] == "Host"])
    for m in (d for d in docs if d["kind"] == "Mapping"):
        # Emissary binds a Mapping to a Host by hostname
        if m["spec"].get("hostname") not in routed:
            fail(f'Mapping {m["metadata"]["name"]} hostname {m["spec"].get("hostname")} names no Host')
    base = [v for n, v in env.items() if n.endswith("BASE_URL") and "API_BASE_URL" not in n]
    if routed and base:
        host = routed[0]
        got = base[0].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        if host and got != host:
            fail(f"BASE_URL {base[0]} does not name the ingress host {host}")
# gunicorn's statsd_host must have a listener in the pod: a container of the web pod whose
# statsd_exporter listens on that port (the rock's statsd-exporter Pebble service).
statsd = [l.split("=", 1)[1].strip().strip("'\"") for f in (chart_dir / "values.yaml").read_text().splitlines()
          for l in [f.strip()] if l.startswith("statsd_host")]
if statsd and web:
    port = statsd[0].rsplit(":", 1)[-1]
    pod = web[0]["spec"]["template"]["spec"]["containers"]
    listens = [c["name"] for c in pod if any(a.startswith("--statsd.listen-udp=") and a.rsplit(":", 1)[-1] == port
                                           for a in c.get("command", []))]
    if not listens:
        fail(f"gunicorn sends statsd to {statsd[0]} but no container of the web pod listens there")
    monitors = [d for d in docs if d["kind"] == "ServiceMonitor"]
    annotated = [d for d in docs if d["kind"] == "Service" and "prometheus.io/scrape" in d["metadata"].get("annotations", {})]
    if len(monitors) + len(annotated) != 1:
        fail(f"expected one Prometheus scrape target, got {len(monitors)} ServiceMonitors and {len(annotated)} annotated Services")
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
        elif name.endswith("_BASE_URL") and any(d["kind"] in ("Ingress", "HTTPRoute", "Host") for d in docs):
            continue  # the chart's ingress URL, checked against the Ingress below
        elif name in peer_wrapped and d in web:
            continue  # every unit, narrowed per pod by the wrapper, checked above
        elif k8s_expand(e.get("value", "")) != want:
            fail(f"{what}: {name}={e.get('value')!r}, .env has {want!r}")

plain = {v for n, v in dotenv if v not in secret_values}
chart_text = "".join(p.read_text() for p in chart_dir.rglob("*") if p.is_file())
for v in set(secret_values):
    # a secret value that equals (or is part of) a public one, e.g. a user name equal to the
    # database name, is not a leak
    if len(v) >= 4 and not any(v in p for p in plain) and v in chart_text:
        fail(f"a secret value appears in the chart ({len(v)} characters)")

STRINGS = {"name", "ingressClassName", "secretName", "claimName", "image", "mountPath", "value",
           "key", "storageClassName", "host", "serviceName", "subPath", "workingDir"}


def strings(v, where):
    """Every field Kubernetes types as a string is one in the rendered manifests."""
    if isinstance(v, dict):
        for k, x in v.items():
            if k in STRINGS and not isinstance(x, (str, dict, list)):
                fail(f"{where}.{k} is {x!r} ({type(x).__name__}), not a string")
            strings(x, f"{where}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            strings(x, f"{where}[{i}]")


for d in docs:
    strings(d, f'{d["kind"]} {d["metadata"]["name"]}')
k8s = profile.get("kubernetes") or {}
ingress = k8s.get("ingress") or {}
for d in docs:
    if d["kind"] == "Ingress":
        if "class" in ingress and d["spec"].get("ingressClassName") != ingress["class"]:
            fail(f'ingressClassName {d["spec"].get("ingressClassName")!r}, profile {ingress["class"]!r}')
        if "tls-secret" in ingress and d["spec"]["tls"][0]["secretName"] != ingress["tls-secret"]:
            fail(f'TLS secretName {d["spec"]["tls"][0]["secretName"]!r}, profile {ingress["tls-secret"]!r}')



def egress_allows(policy, ip, port, protocol="TCP"):
    """Whether the NetworkPolicy lets its pods open `ip:port`, as Kubernetes reads `egress`: a
    rule without `ports` is every port, without `to` every peer; a podSelector peer is a pod,
    never an outside address."""
    for rule in policy["spec"].get("egress") or []:
        ports = rule.get("ports")
        if ports is not None and not any(p.get("protocol", "TCP") == protocol and p.get("port") in (None, port) for p in ports):
            continue
        peers = rule.get("to")
        if peers is None or any("ipBlock" in t and ipaddress.ip_address(ip) in ipaddress.ip_network(t["ipBlock"]["cidr"]) for t in peers):
            return True
    return False


policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
security = k8s.get("security") or {}
if security.get("network-policy", True) and len(policies) != 1:
    fail(f"{len(policies)} NetworkPolicies")
for policy in policies:
    OUTSIDE = "203.0.113.9"  # TEST-NET-3: no integration's address
    if security.get("egress") == "open":
        if not egress_allows(policy, OUTSIDE, 1):
            fail("egress: open does not let the pods connect anywhere")
        continue
    if not (egress_allows(policy, OUTSIDE, 53, "UDP") and egress_allows(policy, OUTSIDE, 53, "TCP")):
        fail("the NetworkPolicy does not allow DNS")
    if egress_allows(policy, OUTSIDE, 1) or egress_allows(policy, OUTSIDE, 22):
        fail("the NetworkPolicy allows egress to a port no integration uses")
    # The profile's database endpoints (host:port), read here from the profile itself.
    for db, default in (("postgresql", 5432), ("mysql", 3306)):
        data = ((profile.get("integrations") or {}).get(db) or {}).get("data") or {}
        for endpoint in str(data.get("endpoints", "")).split(",")[:1]:
            if not endpoint:
                continue
            host, _, port = endpoint.rpartition(":")
            try:
                ip = str(ipaddress.ip_address(host.strip("[]")))
            except ValueError:
                ip = OUTSIDE  # a host name: the port is open to any address
            if not egress_allows(policy, ip, int(port or default)):
                fail(f"the NetworkPolicy does not let the pods reach {db} at {endpoint}")

kinds = sorted({d["kind"] for d in docs})
print(f"{chart_dir.name}: {len(docs)} manifests ({', '.join(kinds)}), {len(workloads)} workloads x {len(dotenv)} env vars, {len(set(secret_values))} from Secrets", file=sys.stderr)
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
PY

# The CRD schemas of the custom resources: ServiceMonitor and HTTPRoute as the npm
# @kubernetes-models packages carry them, Emissary's Host, Listener and Mapping from its
# published CRDs (vendored, .ci/vendor/emissary-crds-v3alpha1.yaml) through ajv; pinned, in a
# temp dir.
npm_dir="$work/npm"
mkdir -p "$npm_dir"
echo '{"private": true, "type": "module"}' > "$npm_dir/package.json"
(cd "$npm_dir" && npm install -q --no-audit --no-fund \
  @kubernetes-models/prometheus-operator@6.0.0 @kubernetes-models/gateway-api@2.0.0 js-yaml@4.1.0 \
  ajv@8.20.0 >/dev/null)
cp .ci/crd_validate.mjs .ci/vendor/emissary-crds-v3alpha1.yaml "$npm_dir/"
crd_validate() { (cd "$npm_dir" && node crd_validate.mjs "$1" emissary-crds-v3alpha1.yaml); }
# The validator's self-check: each of these Emissary resources breaks its CRD's schema in one
# way (a missing required field, an unknown field, a wrong type, a value outside an enum, a
# port out of range), and each must be reported; the last one is valid.
cat > "$work/emissary-bad.yaml" <<'YAML'
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: no-service}
spec: {hostname: a.example.com, prefix: /}
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: unknown-field}
spec: {hostname: a.example.com, prefix: /, service: "a:80", prefx: /x}
---
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: hostname-number}
spec: {hostname: 5}
---
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: bad-policy}
spec: {hostname: a.example.com, requestPolicy: {insecure: {action: Allow}}}
---
apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: port-out-of-range}
spec: {port: 70000, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: SELF}}}
---
apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: valid}
spec: {port: 8080, protocol: HTTP, securityModel: XFP, hostBinding: {namespace: {from: SELF}}}
YAML
if crd_validate "$work/emissary-bad.yaml" 2>"$work/emissary-bad.txt"; then
  echo "crd_validate.mjs accepted invalid Emissary resources"; exit 1
fi
for bad in no-service unknown-field hostname-number bad-policy port-out-of-range; do
  grep -q " $bad: " "$work/emissary-bad.txt" \
    || { echo "crd_validate.mjs did not report the invalid Emissary resource $bad:"; cat "$work/emissary-bad.txt"; exit 1; }
done
grep -q "^custom resources: 1 valid against their CRD schemas, 5 invalid$" "$work/emissary-bad.txt" \
  || { echo "crd_validate.mjs self-check:"; cat "$work/emissary-bad.txt"; exit 1; }

charts=0
# check_chart PROJECT PROFILE NAME: compiles one chart and runs every check on it.
check_chart() {
  local ex=$1 profile=$2 name=$3
  local out="$work/$name"
  "${CARGO_TARGET_DIR:-target}/debug/paasc" compile "$ex" --profile "$profile" -o "$out" --emit helm,env 2>"$work/err.txt" \
    || { echo "paasc compile failed on $name:"; cat "$work/err.txt"; exit 1; }
  local chart
  chart=$(find "$out/helm" -mindepth 2 -maxdepth 2 -name Chart.yaml -printf '%h\n')
  "$venv/bin/check-jsonschema" -q --schemafile "$chart/values.schema.json" "$chart/values.yaml" \
    || { echo "values.yaml does not validate against values.schema.json: $name"; exit 1; }
  "$venv/bin/python" "$work/check.py" "$out" "$chart" "$profile" > "$out/rendered.yaml" \
    || { echo "helm checks failed: $name"; exit 1; }
  # the oldest and the newest Kubernetes kubernetes-validate knows (the chart asks for >=1.23)
  for k in 1.25.0 1.37.0; do
    "$venv/bin/kubernetes-validate" --strict --quiet -k "$k" "$out/rendered.yaml" \
      || { echo "kubernetes-validate --strict -k $k failed: $name"; exit 1; }
  done
  if [ -s "$out/custom.yaml" ] && [ "$(cat "$out/custom.yaml")" != "[]" ]; then
    crd_validate "$out/custom.yaml" \
      || { echo "a custom resource does not validate against its CRD schema: $name"; exit 1; }
  fi
  echo "helm ok: $name"
  charts=$((charts + 1))
}

for ex in ${PAASC_HELM_EXAMPLES:-examples/*/}; do
  ex=${ex%/}
  shopt -s nullglob
  profiles=("$ex"/profiles/*.yaml)
  shopt -u nullglob
  if [ ${#profiles[@]} -lt 2 ]; then
    echo "note: $ex has ${#profiles[@]} profile(s); every example should have at least two"
  fi
  for profile in "${profiles[@]}"; do
    check_chart "$ex" "$profile" "$(basename "$ex")/$(basename "$profile" .yaml)"
  done
done

# checkov, once over every example's manifests (it takes about 10 s to start).
mkdir -p "$work/checkov"
for f in "$work"/*/*/rendered.yaml; do
  name=${f#"$work"/}
  name=${name%/rendered.yaml}
  cp "$f" "$work/checkov/${name//\//-}.yaml"
done
"$checkov_venv/bin/checkov" -d "$work/checkov" --framework kubernetes -o json --quiet > "$work/checkov.json" 2>"$work/checkov.err" || true
"$venv/bin/python" - "$work/checkov.json" <<'PY' || exit 1
import json, sys
reports = json.load(open(sys.argv[1]))
reports = reports if isinstance(reports, list) else [reports]
failed = [f for r in reports for f in r.get("results", {}).get("failed_checks", [])]
summary = [r.get("summary", {}) for r in reports]
passed = sum(s.get("passed", 0) for s in summary)
skipped = sum(s.get("skipped", 0) for s in summary)
for f in failed:
    print(f'checkov: {f["check_id"]} {f["resource"]} ({f["file_path"]}): {f["check_name"]}')
print(f"checkov: {passed} passed, {len(failed)} failed, {skipped} skipped with reasons in the templates")
sys.exit(1 if failed or not passed else 0)
PY

# The round-trip property test: random values that trip YAML readers, through paasc's writer,
# Helm's own parser, the templates and PyYAML (.ci/helm_roundtrip.py says what is checked).
seed=${PAASC_ROUNDTRIP_SEED:-$(date +%s)}
echo "round-trip seed: $seed (PAASC_ROUNDTRIP_SEED reproduces it)"
"$venv/bin/python" .ci/helm_roundtrip.py examples/flask-minimal "$work/roundtrip" "$seed" "${PAASC_ROUNDTRIP_CASES:-8}"
for case in "$work"/roundtrip/case-*/; do
  case=${case%/}
  check_chart "$case" "$case/profiles/p.yaml" "roundtrip-$(basename "$case")"
done

[ "$charts" -gt 0 ] || { echo "no example profiles found" >&2; exit 1; }
echo "helm: $charts charts rendered, linted (strict) and validated in $(( $(date +%s) - start ))s"
