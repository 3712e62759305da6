// Host-side batching: pad token sequences to one length, with the attention mask and the
// position ids that make padding invisible (left padding shifts positions to start at 0).

export interface PaddedBatch {
  batch: number;
  seq: number;
  inputIds: BigInt64Array; // (B, T)
  attentionMask: Float32Array; // (B, T): 1 = real token
  positionIds: BigInt64Array; // (B, T): 0, 1, ... over real tokens, 0 on padding
  /** Real tokens per row. */
  lengths: number[];
}

/**
 * Pads `seqs` to `seq` tokens (default: the longest) with `padId`, on the left (generation:
 * every row ends at the same column) or on the right (training).
 */
export function padBatch(seqs: readonly (readonly number[])[], o: { padId: number; side: 'left' | 'right'; seq?: number }): PaddedBatch {
  const B = seqs.length;
  const T = o.seq ?? Math.max(1, ...seqs.map((s) => s.length));
  const inputIds = new BigInt64Array(B * T).fill(BigInt(o.padId));
  const attentionMask = new Float32Array(B * T);
  const positionIds = new BigInt64Array(B * T);
  seqs.forEach((s, b) => {
    if (s.length > T) throw new Error(`padBatch: row ${b} has ${s.length} tokens, more than the ${T} allowed`);
    const start = o.side === 'left' ? T - s.length : 0;
    s.forEach((id, i) => {
      inputIds[b * T + start + i] = BigInt(id);
      attentionMask[b * T + start + i] = 1;
      positionIds[b * T + start + i] = BigInt(i);
    });
  });
  return { batch: B, seq: T, inputIds, attentionMask, positionIds, lengths: seqs.map((s) => s.length) };
}

/** Position ids 0..T-1 for every row (unpadded or right-padded batches). */
export function arangePositions(B: number, T: number): BigInt64Array {
  const out = new BigInt64Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[b * T + t] = BigInt(t);
  return out;
}
