// `--key value` pairs into a settings object: numbers, booleans and JSON values are parsed.

export function parseArgs(argv: readonly string[]): { command?: string; config?: string; options: Record<string, unknown> } {
  const options: Record<string, unknown> = {};
  let command: string | undefined;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      if (command) throw new Error(`unexpected argument "${a}" (options are --key value)`);
      command = a;
      continue;
    }
    const key = a.slice(2);
    const next = argv[i + 1];
    const value = next === undefined || next.startsWith('--') ? 'true' : argv[++i];
    if (key === 'config') config = value;
    else options[key] = parseValue(value);
  }
  return { command, config, options };
}

function parseValue(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}
