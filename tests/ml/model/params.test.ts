// One declaration of the GPT-2 parameters: the builder, the checkpoint writer/validator and
// paramCount all read gptParamDecls, and it matches GPT-2's published shapes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsHeader, validateModelFolder } from '../../../ml/checkpoint/validate';
import { gptConfig, paramCount } from '../../../ml/model/config';
import { gptParamSpecs } from '../../../ml/model/init';
import { gptParamDecls, gptTensorShapes } from '../../../ml/model/params';
import { FOLDER_CONFIG, writeGpt2Folder } from '../../helpers/gpt2-folder';

const dir = mkdtempSync(path.join(tmpdir(), 'gpt-params-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gptParamDecls (the one parameter declaration)', () => {
  it("has GPT-2 124M's shapes and parameter count (Hugging Face gpt2)", () => {
    const shapes = new Map(gptTensorShapes(gptConfig('gpt2')));
    expect(shapes.get('wte.weight')).toEqual([50257, 768]);
    expect(shapes.get('wpe.weight')).toEqual([1024, 768]);
    expect(shapes.get('h.11.attn.c_attn.weight')).toEqual([768, 2304]);
    expect(shapes.get('h.11.attn.c_proj.weight')).toEqual([768, 768]);
    expect(shapes.get('h.0.mlp.c_fc.weight')).toEqual([768, 3072]);
    expect(shapes.get('h.0.mlp.c_proj.weight')).toEqual([3072, 768]);
    expect(shapes.get('ln_f.bias')).toEqual([768]);
    expect(shapes.size).toBe(2 + 12 * 12 + 2);
    expect(paramCount(gptConfig('gpt2'))).toBe(124_439_808);
  });

  it('is what the graph builder declares (names, shapes, init, in order)', () => {
    const c = gptConfig('tiny');
    const specs = gptParamSpecs(c);
    expect(specs.map((s) => [s.name, s.shape, s.init])).toEqual(gptParamDecls(c).map((d) => [d.name, d.shape, d.init]));
    expect(specs.filter((s) => s.decay).map((s) => s.name)).toEqual(
      gptParamDecls(c)
        .filter((d) => d.shape.length >= 2)
        .map((d) => d.name),
    );
  });

  it('matches a randomly initialised GPT-2-shaped checkpoint tensor for tensor, and the validator counts it', () => {
    const folder = writeGpt2Folder(path.join(dir, 'm'));
    const { header } = readSafetensorsHeader(path.join(folder, 'model.safetensors'));
    for (const d of gptParamDecls(FOLDER_CONFIG)) expect(header[`transformer.${d.name}`]?.shape, d.name).toEqual(d.shape);
    const info = validateModelFolder(folder);
    expect(info.params).toBe(paramCount(FOLDER_CONFIG));
    expect(info.params).toBe(
      Object.entries(header)
        .filter(([k]) => !k.endsWith('.attn.bias') && k !== '__metadata__')
        .reduce((n, [, e]) => n + e.shape.reduce((a, b) => a * b, 1), 0),
    );
  });
});
