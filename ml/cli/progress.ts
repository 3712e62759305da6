// A one-line progress bar for the terminal (plain lines when stderr is not a TTY).

import type { TrainProgress } from '../train/trainer';

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (p: TrainProgress) => void {
  const tty = stream.isTTY;
  let lastLine = 0;
  return (p) => {
    if (p.event === 'data') {
      stream.write(`${p.data?.line}\n`);
      return;
    }
    if (p.event === 'eval') {
      stream.write(`${tty ? '\n' : ''}step ${p.step}: validation loss ${p.valLoss?.toFixed(4)}\n`);
      return;
    }
    if (p.event === 'samples') {
      for (const x of p.samples ?? []) stream.write(`${tty ? '\n' : ''}step ${p.step} sample: ${JSON.stringify(x.prompt)} -> ${JSON.stringify(x.output)}\n`);
      return;
    }
    if (p.event === 'save') {
      stream.write(`${tty ? '\n' : ''}checkpoint written to ${p.checkpoint} (step ${p.step})\n`);
      return;
    }
    if (p.event === 'done') {
      stream.write(
        `${tty ? '\n' : ''}done: step ${p.step}, loss ${p.loss.toFixed(4)}${p.valLoss !== undefined ? `, validation loss ${p.valLoss.toFixed(4)}` : ''}\n`,
      );
      return;
    }
    const width = 30;
    const filled = Math.round((width * p.step) / p.steps);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} ${(p.tokensPerSec / 1000).toFixed(1)}k tok/s ETA ${duration(p.etaSec)}`;
    if (tty) stream.write(`\r${line}`);
    else if (performance.now() - lastLine > 5000 || p.step === p.steps) {
      stream.write(`${line}\n`);
      lastLine = performance.now();
    }
  };
}
