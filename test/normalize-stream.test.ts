// Streaming: transformStream() as a Node Transform for row arrays, typed rows and objects, and fitStream() over
// sync and async iterables, each equal to the batch API.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, test } from 'vitest';
import { MaxAbsScaler, MinMaxScaler, StandardScaler } from '../src/index.js';
import { makeRandom } from './helpers/random.js';

const random = makeRandom(11);
const rows = Array.from({ length: 3000 }, (_, i) => [random() * 100, i % 7 === 0 ? NaN : random() - 0.5, 3]);

async function collect(stream: NodeJS.ReadableStream): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe('transformStream', () => {
  test('row arrays: the same numbers as transform()', async () => {
    const s = new StandardScaler().fit(rows);
    const streamed = await collect(Readable.from(rows).pipe(s.transformStream()));
    expect(streamed).toEqual(s.transform(rows));
  });

  test('typed rows keep their type; objects keep their other fields', async () => {
    const s = new MinMaxScaler({ columns: ['x', 'y'], clip: true }).fit(rows.map(([x, y]) => ({ x, y })));
    const out = await collect(
      Readable.from([
        { x: 50, y: 0, label: 'keep' },
        { x: 1e6, y: null },
      ]).pipe(s.transformStream()),
    );
    expect(out[0]).toMatchObject({ label: 'keep' });
    expect((out[1] as { x: number }).x).toBe(1); // clipped
    expect(Number.isNaN((out[1] as { y: number }).y)).toBe(true);
    const t = new MaxAbsScaler().fit(rows);
    const typed = await collect(Readable.from([Float32Array.from([10, 0.25, 3])]).pipe(t.transformStream()));
    expect(typed[0]).toBeInstanceOf(Float32Array);
  });

  test('a bad row ends the stream with the error naming the row', async () => {
    const s = new StandardScaler().fit(rows);
    await expect(
      pipeline(
        Readable.from([
          [1, 2, 3],
          [1, 'two', 3],
        ]),
        s.transformStream(),
        async function* (source) {
          for await (const _ of source) yield _;
        },
      ),
    ).rejects.toThrow(new TypeError("StandardScaler.transformStream: row 1[1] must be a number, received 'two'"));
    await expect(collect(Readable.from([[1, 2]]).pipe(s.transformStream()))).rejects.toThrow(RangeError);
  });
});

describe('fitStream', () => {
  test('over an async generator, in chunks, equals fit()', async () => {
    async function* source() {
      for (const r of rows) yield r;
    }
    for (const chunkRows of [1, 7, 4096]) {
      const streamed = await new StandardScaler().fitStream(source(), { chunkRows });
      const whole = new StandardScaler().fit(rows);
      for (let j = 0; j < 3; j++) {
        expect(streamed.mean[j]).toBeCloseTo(whole.mean[j], 12);
        expect(streamed.variance[j]).toBeCloseTo(whole.variance[j], 10);
      }
    }
  });

  test('over a sync iterable of objects', async () => {
    const objects = rows.map(([a, b]) => ({ a, b, other: 'x' }));
    const s = await new MinMaxScaler({ columns: ['a', 'b'] }).fitStream(objects.values());
    expect(s.dataMin).toEqual(new MinMaxScaler({ columns: ['a', 'b'] }).fit(objects).dataMin);
  });

  test('refitting forgets the previous fit', async () => {
    const s = new MaxAbsScaler();
    await s.fitStream([[100], [-200]]);
    await s.fitStream([[1], [2]]);
    expect(Array.from(s.maxAbsValue)).toEqual([2]);
  });
});
