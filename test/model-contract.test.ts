// Issue 8's contract block runs exactly as written (test/contracts/model.mjs, in a child process that imports
// 'steadygrad' by name), and what it computes is what the issue says.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';

test('the model contract runs as written: summary, compile, fit, predict, and the custom loop', () => {
  const script = path.join(import.meta.dirname, 'contracts', 'model.mjs');
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env } });
  const lines = out.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]) as {
    epochs: number;
    keys: string[];
    firstLoss: number;
    lastLoss: number;
    yhatShape: number[];
    yhatIsFloat32: boolean;
    names: string[];
    shapes: number[][];
    loss: number;
  };
  const summary = lines.slice(0, -1).join('\n');
  expect(summary).toContain('Model: "sequential"');
  expect(summary).toMatch(/lstm \(lstm\)\s+\(None, 24, 32\)\s+5,376/); // 4*32*(8+32) + 2*4*32, PyTorch's two biases
  expect(summary).toMatch(/gru \(gru\)\s+\(None, 16\)\s+2,400/);
  expect(summary).toMatch(/dense \(dense\)\s+\(None, 1\)\s+17/);
  expect(summary).toContain('Total params: 7,793');
  expect(result.epochs).toBe(20);
  expect(result.keys).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
  expect(result.lastLoss).toBeLessThan(result.firstLoss);
  expect(result.yhatShape).toEqual([5, 1]);
  expect(result.yhatIsFloat32).toBe(true);
  expect(result.names).toEqual([
    'lstm.weight_ih_l0',
    'lstm.weight_hh_l0',
    'lstm.bias_ih_l0',
    'lstm.bias_hh_l0',
    'gru.weight_ih_l0',
    'gru.weight_hh_l0',
    'gru.bias_ih_l0',
    'gru.bias_hh_l0',
    'dense.weight',
    'dense.bias',
  ]);
  expect(result.shapes).toEqual([[128, 8], [128, 32], [128], [128], [48, 32], [48, 16], [48], [48], [1, 16], [1]]);
  expect(Number.isFinite(result.loss)).toBe(true);
}, 120_000);
