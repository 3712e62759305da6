// GET /api/v1/exports/{id}/files/{name}: streams one file the export lists, with its sha256 in a header.
import fs from "node:fs";
import { Readable } from "node:stream";
import { audit } from "@/lib/audit";
import { db } from "@/lib/db";
import { exportFile, getExport } from "@/lib/exports/store";
import { route } from "@/lib/http/handler";

export const GET = route<{ id: string; name: string }>({ permission: "datasets.export", auth: "token" }, async ({ params, user }) => {
  const exp = await getExport(db, params.id);
  const { path, file } = exportFile(exp, params.name);
  await audit(db, user.id, "export.download", { type: "export", id: exp.id }, { file: file.name, via: "api" });
  const body = Readable.toWeb(fs.createReadStream(path)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": file.name.endsWith(".jsonl") ? "application/x-ndjson; charset=utf-8" : "text/markdown; charset=utf-8",
      "content-length": String(file.bytes),
      "content-disposition": `attachment; filename="${exp.id.slice(0, 8)}-${file.name}"`,
      "x-content-sha256": file.sha256,
      "cache-control": "private, no-store",
    },
  });
});
