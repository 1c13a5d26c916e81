// Normalization throughput: fit + transform of 10 million float32 values (1e6 rows x 10 columns) per scaler, and
// the transform stream's rows per second.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MaxAbsScaler, MinMaxScaler, RobustScaler, StandardScaler, normalize } from '../dist/index.js';
import { timeMs } from './recurrent.js';

const ROWS = 1_000_000;
const COLS = 10;

function dataset() {
  const data = new Float32Array(ROWS * COLS);
  let s = 1;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s / 4294967296) * 100 * ((i % COLS) + 1) - 20;
  }
  for (let i = 0; i < data.length; i += 9973) data[i] = NaN;
  return data;
}

/** ms per pass: fit + transform of 1e6 x 10 float32 values, for each scaler and two normalize() methods. */
export function benchScalers({ quick = false, log = () => {} } = {}) {
  const data = dataset();
  const shape = [ROWS, COLS];
  const runs = quick ? 2 : 5;
  /** @type {[string, () => unknown][]} */
  const cases = [
    ['StandardScaler', () => new StandardScaler().fitTransform(data, { shape })],
    ['MinMaxScaler', () => new MinMaxScaler().fitTransform(data, { shape })],
    ['MaxAbsScaler', () => new MaxAbsScaler().fitTransform(data, { shape })],
    ['RobustScaler (sorts every column)', () => new RobustScaler().fitTransform(data, { shape })],
    ["normalize 'zscore'", () => normalize(data, 'zscore', { shape })],
    ["normalize 'range'", () => normalize(data, 'range', { shape })],
  ];
  const rows = [];
  for (const [name, run] of cases) {
    const ms = timeMs(run, runs);
    log(`  ${name}: ${ms.toFixed(1)} ms`);
    rows.push({ name, ms, valuesPerSecond: (ROWS * COLS) / (ms / 1000) });
  }
  return rows;
}

/** Rows per second through StandardScaler.transformStream() for rows of 10 numbers (object mode). */
export async function benchStream({ quick = false } = {}) {
  const n = quick ? 200_000 : 1_000_000;
  const scaler = new StandardScaler().fit([
    Array.from({ length: COLS }, (_, j) => j),
    Array.from({ length: COLS }, (_, j) => 2 * j + 1),
  ]);
  const row = Array.from({ length: COLS }, (_, j) => j * 0.5);
  const times = [];
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    let seen = 0;
    const t = performance.now();
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < n; i++) yield row;
        })(),
      ),
      scaler.transformStream(),
      new Writable({
        objectMode: true,
        highWaterMark: 1024,
        write(_chunk, _enc, cb) {
          seen++;
          cb();
        },
      }),
    );
    times.push(performance.now() - t);
    if (seen !== n) throw new Error(`stream lost rows: ${seen} of ${n}`);
  }
  times.sort((a, b) => a - b);
  const ms = times[times.length >> 1];
  return { rows: n, ms, rowsPerSecond: n / (ms / 1000) };
}
