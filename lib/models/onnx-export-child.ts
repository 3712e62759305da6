// Child-process entry: exports one checkpoint folder to ONNX (`exportOnnx` writes a temporary
// file and renames it). Run as `node --import tsx lib/models/onnx-export-child.ts <dir> <file>` so
// the export's seconds of CPU never run on the web server's event loop.
import { exportOnnx, loadCheckpoint } from "../../ml/light";

const [dir, file] = process.argv.slice(2);
if (!dir || !file) {
  console.error("usage: onnx-export-child.ts <checkpoint folder> <output .onnx>");
  process.exit(2);
}
try {
  exportOnnx(loadCheckpoint(dir), file);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
