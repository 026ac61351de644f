// Validates each custom resource of a rendered chart against its CRD's schema: ServiceMonitor
// and HTTPRoute with the validators the npm @kubernetes-models/* packages generate from their
// CRDs, Emissary's Host, Listener and Mapping against the v3alpha1 openAPIV3Schema of Emissary's
// published CRDs (vendored in .ci/vendor/emissary-crds-v3alpha1.yaml), with ajv. helm.sh
// installs the packages, pinned, into a temp dir and runs this there.
// Usage: node crd_validate.mjs RENDERED.yaml [VENDORED-CRDS.yaml ...]
// Exits 1 naming each invalid resource; a custom resource of an unknown kind is an error.
import fs from "node:fs";
import yaml from "js-yaml";
import Ajv from "ajv";

const kinds = {
  "monitoring.coreos.com/v1/ServiceMonitor": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor",
  "gateway.networking.k8s.io/v1/HTTPRoute": "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute",
};

// An openAPIV3Schema as the API server applies it with strict field validation (kubectl's
// default since 1.27): an object schema with `properties` takes no other field unless it says
// x-kubernetes-preserve-unknown-fields or gives additionalProperties; `nullable` admits null;
// x-kubernetes-int-or-string admits an integer or a string. `format` is not checked.
function structural(s) {
  if (Array.isArray(s)) return s.map(structural);
  if (!s || typeof s !== "object") return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "format" || k === "description" || k.startsWith("x-kubernetes-")) continue;
    if (k === "nullable") continue;
    out[k] = k === "properties" || k === "patternProperties"
      ? Object.fromEntries(Object.entries(v).map(([p, x]) => [p, structural(x)]))
      : structural(v);
  }
  if (s.properties && s.additionalProperties === undefined && !s["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  if (s["x-kubernetes-int-or-string"]) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (s.nullable && out.type) out.type = [out.type, "null"];
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const crdSchemas = {};
for (const file of process.argv.slice(3)) {
  for (const crd of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    if (!crd || crd.kind !== "CustomResourceDefinition") continue;
    for (const v of crd.spec.versions) {
      const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
      crdSchemas[key] = ajv.compile(structural(v.schema.openAPIV3Schema));
    }
  }
}

let failed = 0;
let checked = 0;
for (const doc of yaml.loadAll(fs.readFileSync(process.argv[2], "utf8"))) {
  if (!doc) continue;
  const key = `${doc.apiVersion}/${doc.kind}`;
  const name = `${key} ${doc.metadata?.name}`;
  if (crdSchemas[key]) {
    const validate = crdSchemas[key];
    if (validate(doc)) {
      checked++;
    } else {
      const why = validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
      console.error(`${name}: ${why.join("; ")}`);
      failed++;
    }
    continue;
  }
  const module = kinds[key];
  if (!module) {
    console.error(`no CRD schema known for ${key}`);
    failed++;
    continue;
  }
  const Model = (await import(module))[doc.kind];
  try {
    new Model(doc).validate();
    checked++;
  } catch (e) {
    console.error(`${name}: ${e.message}`);
    failed++;
  }
}
console.error(`custom resources: ${checked} valid against their CRD schemas, ${failed} invalid`);
process.exit(failed ? 1 : 0);
