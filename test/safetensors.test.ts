// The safetensors reader and writer: exact round trips, the layout the format specifies, every malformed header
// refused with a message naming the file and the problem, and a fuzz run (truncations, bit flips, random headers)
// in which every case either parses or throws a SafetensorsError, and nothing hangs or reads outside the buffer.
import { describe, expect, test } from 'vitest';
import {
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
  toFloat32,
  type TensorToWrite,
} from '../src/io/safetensors.js';
import { makeRandom, randomArray } from './helpers/random.js';

const FILE = 'model.safetensors';
const tensors = (): TensorToWrite[] => [
  { name: 'dense.weight', shape: [3, 2], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 6]) },
  { name: 'dense.bias', shape: [3], data: Float32Array.from([0.1, NaN, Infinity]) },
  { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
  { name: 'scalar', shape: [], data: Float32Array.from([7]) },
];

// A file with a header of our choosing and `dataBytes` bytes of data.
function fileWithHeader(header: string, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function expectProblem(bytes: Uint8Array, problem: string | RegExp) {
  let thrown: unknown;
  try {
    decodeSafetensors(bytes, FILE);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SafetensorsError);
  const message = (thrown as Error).message;
  expect(message.startsWith(`${FILE}: `)).toBe(true);
  if (typeof problem === 'string') expect(message).toBe(`${FILE}: ${problem}`);
  else expect(message.slice(FILE.length + 2)).toMatch(problem);
}

describe('round trip and layout', () => {
  test('every value comes back bit for bit, with shapes, order and metadata', () => {
    const bytes = encodeSafetensors(tensors(), { format: 'pt', steadygrad: '0.1.0' });
    const file = decodeSafetensors(bytes, FILE);
    expect([...file.tensors.keys()]).toEqual(['dense.weight', 'dense.bias', 'empty', 'scalar']);
    expect(file.metadata).toEqual({ format: 'pt', steadygrad: '0.1.0' });
    for (const t of tensors()) {
      const got = file.tensors.get(t.name)!;
      expect(got.dtype).toBe('F32');
      expect(got.shape).toEqual(t.shape);
      const values = toFloat32(FILE, t.name, got);
      expect(new Uint32Array(values.buffer)).toEqual(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
    }
  });

  test('the header is padded with spaces to a multiple of 8 bytes and the data is little-endian float32', () => {
    const bytes = encodeSafetensors([{ name: 'w', shape: [2], data: Float32Array.from([1, -2]) }]);
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(JSON.parse(header)).toEqual({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect(header.trimEnd().length).toBeLessThanOrEqual(n);
    expect(view.getFloat32(8 + n, true)).toBe(1);
    expect(view.getFloat32(8 + n + 4, true)).toBe(-2);
  });

  test('reads F64, F16 and BF16 as float32, from unaligned bytes too', () => {
    const header = JSON.stringify({
      a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      b: { dtype: 'F16', shape: [3], data_offsets: [16, 22] },
      c: { dtype: 'BF16', shape: [1], data_offsets: [22, 24] },
    }); // an odd length on purpose: the data starts unaligned
    const bytes = fileWithHeader(header, 24);
    const data = new DataView(bytes.buffer, 8 + header.length);
    data.setFloat64(0, 0.1, true);
    data.setFloat64(8, -3, true);
    [0x3c00, 0xc000, 0x7c00].forEach((h, i) => data.setUint16(16 + 2 * i, h, true)); // 1, -2, Infinity
    data.setUint16(22, 0x3fc0, true); // bfloat16 1.5
    const file = decodeSafetensors(bytes, FILE);
    expect(Array.from(toFloat32(FILE, 'a', file.tensors.get('a')!))).toEqual([Math.fround(0.1), -3]);
    expect(Array.from(toFloat32(FILE, 'b', file.tensors.get('b')!))).toEqual([1, -2, Infinity]);
    expect(Array.from(toFloat32(FILE, 'c', file.tensors.get('c')!))).toEqual([1.5]);
  });

  test('an integer tensor is refused as weights, naming it', () => {
    const file = decodeSafetensors(
      fileWithHeader('{"step":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', 8),
      FILE,
    );
    expect(() => toFloat32(FILE, 'step', file.tensors.get('step')!)).toThrow(
      new SafetensorsError(`${FILE}: tensor 'step' has dtype I64, which cannot be loaded as float32 weights`),
    );
  });

  test('the writer refuses a shape that does not match the data, and a name given twice', () => {
    expect(() => encodeSafetensors([{ name: 'w', shape: [2, 2], data: new Float32Array(3) }])).toThrow(
      "cannot write tensor 'w': shape [2, 2] holds 4 elements, its data 3",
    );
    const w = { name: 'w', shape: [1], data: new Float32Array(1) };
    expect(() => encodeSafetensors([w, w])).toThrow("cannot write tensor 'w': the name is reserved or given twice");
  });
});

describe('hostile files', () => {
  const tensor = (extra = '') => `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}${extra}}`;
  const CASES: [string, Uint8Array, string | RegExp][] = [
    [
      'shorter than the header length',
      new Uint8Array(5),
      'too short for a safetensors file (5 bytes, the header length alone takes 8)',
    ],
    [
      'a header length beyond the file',
      (() => {
        const b = fileWithHeader(tensor(), 8);
        new DataView(b.buffer).setBigUint64(0, 1000n, true);
        return b;
      })(),
      /^header length 1000 reaches beyond the end of the file \(\d+ bytes\)$/,
    ],
    [
      'a header length above the cap',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true);
        return b;
      })(),
      'header length 9223372036854775808 is above the 100000000-byte limit',
    ],
    [
      'invalid UTF-8',
      (() => {
        const b = fileWithHeader('{"?":{}}');
        b[10] = 0xff; // the '?': a byte that is never valid UTF-8
        return b;
      })(),
      'the header is not valid UTF-8',
    ],
    ['not JSON', fileWithHeader('{"w": '), /^the header is not valid JSON \(/],
    ['not an object', fileWithHeader('[1, 2]'), "the header must be a JSON object starting with '{'"],
    [
      'a tensor given twice',
      fileWithHeader(
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        8,
      ),
      "tensor 'w' is listed twice in the header",
    ],
    [
      'an unknown dtype',
      fileWithHeader('{"w":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}}', 8),
      'tensor \'w\' has an unknown dtype "F31"',
    ],
    [
      'an unknown field',
      fileWithHeader('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"strides":[1]}}', 8),
      "tensor 'w' has an unknown field 'strides'",
    ],
    [
      'a negative dimension',
      fileWithHeader('{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', 8),
      "tensor 'w' has a shape that is not a list of non-negative integers: [-2]",
    ],
    [
      'a fractional dimension',
      fileWithHeader('{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}', 8),
      "tensor 'w' has a shape that is not a list of non-negative integers: [2.5]",
    ],
    [
      'an element count that overflows',
      fileWithHeader('{"w":{"dtype":"F32","shape":[9007199254740991,9007199254740991],"data_offsets":[0,8]}}', 8),
      `tensor 'w' of dtype F32 and shape [9007199254740991, 9007199254740991] needs ${9007199254740991n ** 2n * 4n} bytes, but its data_offsets [0, 8] hold 8`,
    ],
    [
      'a byte range that does not match the shape',
      fileWithHeader('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8),
      "tensor 'w' of dtype F32 and shape [3] needs 12 bytes, but its data_offsets [0, 8] hold 8",
    ],
    [
      'offsets reversed',
      fileWithHeader('{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}', 8),
      "tensor 'w' has data_offsets that are not [begin, end] with 0 <= begin <= end: [8,0]",
    ],
    [
      'offsets outside the file',
      fileWithHeader(tensor(), 4),
      "tensor 'w' has data_offsets [0, 8] beyond the 4 bytes of data",
    ],
    [
      'overlapping tensors',
      fileWithHeader(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        8,
      ),
      "tensor 'b' has data_offsets [4, 8] that overlap another tensor's",
    ],
    [
      'a hole in the data',
      fileWithHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8),
      'the data has a hole at bytes [0, 4) that no tensor covers',
    ],
    [
      'bytes after the last tensor',
      fileWithHeader(tensor(), 12),
      'the data has 4 bytes after the last tensor that no tensor covers',
    ],
    [
      'metadata that is not strings',
      fileWithHeader('{"__metadata__":{"epoch":3}}'),
      '__metadata__.epoch must be a string',
    ],
    [
      'a tensor described by a number',
      fileWithHeader('{"w":3}'),
      "tensor 'w' must be described by an object { dtype, shape, data_offsets }",
    ],
  ];
  test.each(CASES)('%s', (_, bytes, problem) => expectProblem(bytes, problem));

  test('fuzz: truncations, bit flips and random headers parse or throw a SafetensorsError, quickly', () => {
    const random = makeRandom(2026);
    const valid = encodeSafetensors([
      { name: 'lstm.weight_ih_l0', shape: [8, 3], data: randomArray(random, 24) },
      { name: 'lstm.bias_ih_l0', shape: [8], data: randomArray(random, 8) },
      { name: 'dense.weight', shape: [1, 2], data: randomArray(random, 2) },
    ]);
    const headerEnd = 8 + Number(new DataView(valid.buffer).getBigUint64(0, true));
    const pieces = [
      '{',
      '}',
      '"w"',
      ':',
      ',',
      '"dtype"',
      '"F32"',
      '"shape"',
      '[',
      ']',
      '"data_offsets"',
      '0',
      '8',
      '-1',
      '1e309',
      '"\\u0000"',
      '"__metadata__"',
      'null',
      ' ',
    ];
    const cases: Uint8Array[] = [];
    for (let cut = 0; cut < valid.length; cut += 3) cases.push(valid.slice(0, cut));
    for (let i = 0; i < 3000; i++) {
      const b = valid.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        // Mostly in the length and the header, where the checks are, sometimes in the data.
        const at = Math.floor(random() * (random() < 0.8 ? headerEnd : b.length));
        b[at] ^= 1 << Math.floor(random() * 8);
      }
      cases.push(b);
    }
    for (let i = 0; i < 2000; i++) {
      let header = '';
      const n = 1 + Math.floor(random() * 30);
      for (let k = 0; k < n; k++) header += pieces[Math.floor(random() * pieces.length)];
      cases.push(fileWithHeader(header, Math.floor(random() * 24)));
    }
    const started = performance.now();
    let parsed = 0;
    for (const bytes of cases) {
      try {
        const file = decodeSafetensors(bytes, FILE);
        for (const [name, t] of file.tensors) {
          if (t.dtype === 'F32' || t.dtype === 'F64' || t.dtype === 'F16' || t.dtype === 'BF16')
            toFloat32(FILE, name, t);
        }
        parsed++;
      } catch (error) {
        if (!(error instanceof SafetensorsError)) throw error;
      }
    }
    expect(cases.length).toBeGreaterThan(5000);
    expect(parsed).toBeGreaterThan(0); // bit flips in the data leave valid files
    expect(parsed).toBeLessThan(cases.length);
    expect(performance.now() - started).toBeLessThan(20_000); // no hang: a few ms in practice
  });
});
