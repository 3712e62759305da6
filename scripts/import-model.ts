// npm run import-model -- --dir PATH --name NAME: import a Hugging Face GPT-2 model folder
// (config.json, model.safetensors, tokenizer.json or vocab.json + merges.txt) into the model
// registry of the database named by DATABASE_URL, copying it into STORAGE_DIR. Whoever runs this
// already reads the server's files, so any folder may be named (the web routes only read under
// MODEL_IMPORT_DIR). Validated first: a folder that does not fit prints one sentence, exits 1 and
// registers nothing.
import { parseArgs } from "node:util";
import path from "node:path";
import { AppError } from "../lib/errors";
import { envVar } from "../lib/env";

const { values } = parseArgs({ options: { dir: { type: "string" }, name: { type: "string" } }, strict: true });
if (!values.dir || !values.name) {
  console.error("usage: npm run import-model -- --dir PATH --name NAME");
  process.exit(2);
}
if (!envVar("DATABASE_URL")) {
  console.error(
    "DATABASE_URL is not set: point it at the app's database (with npm start's embedded one: postgresql://postgres:postgres@127.0.0.1:<its port>/postgres?sslmode=disable).",
  );
  process.exit(2);
}
const { db } = await import("../lib/db");
const { importModelFolder } = await import("../lib/models/import");
let code = 0;
try {
  const dir = path.resolve(values.dir);
  const m = await importModelFolder(db, null, { dir, name: values.name, from: values.dir });
  console.log(
    JSON.stringify({ id: m.id, name: m.name, path: m.path, params: m.info.params, bytes: m.info.bytes, dtype: m.info.dtype, tokenizer: m.info.tokenizer }),
  );
} catch (e) {
  console.error(e instanceof AppError ? e.message : `error: ${(e as Error).message}`);
  code = 1;
} finally {
  await db.$disconnect().catch(() => {});
}
process.exit(code);
