// A seeded PRNG (mulberry32) and random tierings, for property tests that replay exactly.
/** mulberry32, the same seeded generator the ML engine initializes parameters with. */
export { prng as mulberry32 } from "../../ml/runtime/init";

/** A random tiering of positions 0..k-1: a shuffled order cut into tiers at random. */
export function randomTiers(k: number, rand: () => number): number[][] {
  const order = Array.from({ length: k }, (_, i) => i);
  for (let i = k - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const tiers: number[][] = [[order[0]]];
  for (let i = 1; i < k; i++) {
    if (rand() < 0.35) tiers[tiers.length - 1].push(order[i]);
    else tiers.push([order[i]]);
  }
  return tiers;
}
