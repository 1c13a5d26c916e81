// Streaming: transformStream() as a Node Transform for row arrays, typed rows and objects, and fitStream() over
// sync and async iterables, each equal to the batch API.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, test } from 'vitest';
import {
  DecimalScaler,
  MapMinMaxScaler,
  MapStdScaler,
  MaxAbsScaler,
  MinMaxScaler,
  StandardScaler,
} from '../src/index.js';
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

// Issue 9, point 2: a failed fitStream, partialFit or fit leaves the scaler exactly as it was, and a bad row's error
// gives its index in the whole stream and names the method the user called.
describe('a failed fit changes nothing', () => {
  const streaming = [
    () => new StandardScaler(),
    () => new MinMaxScaler(),
    () => new MaxAbsScaler(),
    () => new DecimalScaler(),
    () => new MapMinMaxScaler(),
    () => new MapStdScaler(),
  ];
  const good = Array.from({ length: 10_000 }, (_, i) => [i % 13, (i * 7) % 11, 1 + (i % 3)]);
  const withBad = (at: number, bad: unknown[]) => good.map((r, i) => (i === at ? bad : r));
  // each scaler twice: never fitted, and fitted before on other data
  const states = (make: () => StandardScaler) => {
    const fitted = make().fit([
      [100, -5, 2],
      [300, 5, 4],
    ]);
    return [make(), fitted];
  };
  const unchanged = async (scaler: StandardScaler, fail: (s: StandardScaler) => Promise<unknown>) => {
    const before = JSON.stringify(scaler);
    const error = await fail(scaler).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(JSON.stringify(scaler)).toBe(before);
    if (scaler.nFeatures === null) expect(() => scaler.transform(good)).toThrow('not fitted yet');
    return error as Error;
  };

  test.each(streaming.map((make) => [make().constructor.name, make] as const))(
    '%s.fitStream: a bad value at row 5000 of 10000',
    async (name, make) => {
      for (const scaler of states(make as () => StandardScaler)) {
        const error = await unchanged(scaler, (s) => s.fitStream(withBad(5000, [1, 'x', 2])));
        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toBe(`${name}.fitStream: source[5000][1] must be a number, received 'x'`);
      }
    },
  );

  test('fitStream: Infinity, a row of another width, an object field, in the first chunk and later ones', async () => {
    for (const scaler of states(() => new StandardScaler())) {
      let e = await unchanged(scaler, (s) => s.fitStream(withBad(7000, [Infinity, 1, 2])));
      expect(e.message).toBe(
        'StandardScaler.fitStream: source[7000][0] must be a finite number or NaN (missing), received Infinity',
      );
      e = await unchanged(scaler, (s) => s.fitStream(withBad(4097, [1, 2])));
      expect(e.message).toBe(
        'StandardScaler.fitStream: source[4097] must be a row of 3 values, as row 0 of source, received Array(2)',
      );
      e = await unchanged(scaler, (s) => s.fitStream(withBad(10, [1, 2])));
      expect(e.message).toBe(
        'StandardScaler.fitStream: source[10] must be a row of 3 values, as row 0, received Array(2)',
      );
    }
    const objects = good.map(([a, b], i) => ({ a, b: i === 9000 ? 'nine' : b }));
    const fitted = new MinMaxScaler({ columns: ['a', 'b'] }).fit([{ a: 1, b: 2 }]);
    for (const scaler of [new MinMaxScaler({ columns: ['a', 'b'] }), fitted] as unknown as StandardScaler[]) {
      const e = await unchanged(scaler, (s) => s.fitStream(objects, { chunkRows: 1000 }));
      expect(e.message).toBe("MinMaxScaler.fitStream: source[9000].b must be a number, received 'nine'");
    }
  });

  test('fitStream: a source that throws, rejects or errors rejects with its own error', async () => {
    const failure = new Error('the disk went away');
    function* throwing() {
      for (let i = 0; i < 6000; i++) yield good[i];
      throw failure;
    }
    async function* rejecting() {
      for (let i = 0; i < 6000; i++) yield good[i];
      await Promise.resolve();
      throw failure;
    }
    const erroring = () => {
      const r = new Readable({ objectMode: true, read() {} });
      for (let i = 0; i < 5000; i++) r.push(good[i]);
      setTimeout(() => r.destroy(failure), 5);
      return r;
    };
    for (const source of [throwing, rejecting, erroring]) {
      for (const scaler of states(() => new StandardScaler())) {
        expect(await unchanged(scaler, (s) => s.fitStream(source()))).toBe(failure);
      }
    }
  });

  test('fitStream: an abort through signal rejects with its reason', async () => {
    for (const scaler of states(() => new MapStdScaler() as unknown as StandardScaler)) {
      const controller = new AbortController();
      async function* source() {
        for (let i = 0; i < good.length; i++) {
          if (i === 5000) controller.abort();
          yield good[i];
        }
      }
      const e = await unchanged(scaler, (s) => s.fitStream(source(), { signal: controller.signal }));
      expect(e.name).toBe('AbortError');
    }
    const aborted = AbortSignal.abort(new Error('stop'));
    await expect(new StandardScaler().fitStream(good, { signal: aborted })).rejects.toThrow('stop');
  });

  test('partialFit and fit: a bad value anywhere leaves the state as it was', async () => {
    for (const scaler of states(() => new StandardScaler())) {
      let e = await unchanged(scaler, async (s) => s.partialFit(withBad(900, [1, NaN, 'x']).slice(0, 1000)));
      expect(e.message).toBe("StandardScaler.partialFit: X[900][2] must be a number, received 'x'");
      e = await unchanged(scaler, async (s) => s.fit(withBad(9999, [1, 2, -Infinity])));
      expect(e.message).toBe(
        'StandardScaler.fit: X[9999][2] must be a finite number or NaN (missing), received -Infinity',
      );
      e = await unchanged(scaler, async (s) => s.fitTransform(withBad(3, [1, 2])));
      expect(e.message).toBe(
        'StandardScaler.fitTransform: X[3] must be a row of 3 values, as row 0, received Array(2)',
      );
    }
  });

  test('a successful fitStream replaces the state only at its end, equal to fit()', async () => {
    const s = new StandardScaler().fit([[1, 2, 3]]);
    const before = JSON.stringify(s);
    let seen = 0;
    async function* source() {
      for (const r of good) {
        if (seen++ === 5000) expect(JSON.stringify(s)).toBe(before); // halfway: still the old fit
        yield r;
      }
    }
    await s.fitStream(source(), { chunkRows: 333 });
    const whole = new StandardScaler().fit(good);
    for (let j = 0; j < 3; j++) expect(s.mean[j]).toBeCloseTo(whole.mean[j], 12);
  });
});
