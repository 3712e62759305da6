// The public graph builder: every op, composed from the op families.
//
//   const g = new Graph({ dtype: 'float32' });
//   const x = g.input('x', 'float32', [B, T, C]);
//   const w = g.param('w', [C, C]);
//   const y = g.gelu(g.matmul(x, w));

import { NnOps } from './ops-nn';

export class Graph extends NnOps {}
