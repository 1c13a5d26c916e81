// The safetensors format (https://huggingface.co/docs/safetensors), read and written without trusting the file.
//
// Layout: an 8-byte little-endian unsigned integer N, then N bytes of UTF-8 JSON (the header), then the data. The
// header maps each tensor name to { dtype, shape, data_offsets: [begin, end] } (byte offsets into the data, which
// follows the header), and may hold "__metadata__", a map of strings to strings. Tensors are little-endian and
// row-major. The writer pads the header with spaces to a multiple of 8 bytes, as the reference implementation does,
// so the data is aligned.
//
// The reader checks everything before it touches the data, and every problem is a SafetensorsError naming the file
// and the problem: a header length beyond the file or above 100 MB (the reference implementation's cap), invalid
// UTF-8 or JSON, a header that is not an object, an unknown dtype or field, a shape that is not a list of
// non-negative integers or whose element count overflows, a byte range that does not match the shape, ranges out of
// order, overlapping, leaving holes or reaching outside the file, and a name given twice. Nothing is read outside the
// buffer it is given.

/** An error in the contents of a safetensors file (or in what a caller asked to write). */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The reference implementation's cap on the header length. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** A tensor as the header describes it, with its bytes. */
export interface RawTensor {
  dtype: string;
  shape: number[];
  /** The tensor's bytes, a view into the file's buffer. */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  /** Tensors in the order of their data in the file. */
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

/** A tensor to write: float32 data in row-major order. */
export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

/** Whether this machine stores numbers little-endian (the format's order): then F32 data is copied as bytes. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const fail = (file: string, problem: string): never => {
  throw new SafetensorsError(`${file}: ${problem}`);
};

/**
 * Parses a safetensors file held in `buffer`. `file` names it in error messages. The tensors' bytes are views into
 * `buffer`; convert them with toFloat32().
 */
export function decodeSafetensors(buffer: Uint8Array, file: string): SafetensorsFile {
  if (buffer.length < 8)
    fail(file, `too short for a safetensors file (${buffer.length} bytes, the header length alone takes 8)`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(file, `header length ${headerLength} is above the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const n = Number(headerLength);
  if (8 + n > buffer.length)
    fail(file, `header length ${n} reaches beyond the end of the file (${buffer.length} bytes)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer.subarray(8, 8 + n));
  } catch {
    return fail(file, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(file, "the header must be a JSON object starting with '{'");
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(file, `the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(file, 'the header must be a JSON object');
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) fail(file, `tensor '${duplicate}' is listed twice in the header`);

  const dataLength = buffer.length - 8 - n;
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(file, info);
      continue;
    }
    entries.push({ name, ...checkTensorInfo(file, name, info) });
  }

  // The data must be covered exactly: ranges in order, each starting where the previous ended, the last ending at
  // the end of the file. That rules out overlaps, holes and ranges outside the file.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.end > dataLength) {
      fail(file, `tensor '${e.name}' has data_offsets [${e.begin}, ${e.end}] beyond the ${dataLength} bytes of data`);
    }
    if (e.begin < at)
      fail(file, `tensor '${e.name}' has data_offsets [${e.begin}, ${e.end}] that overlap another tensor's`);
    if (e.begin > at) fail(file, `the data has a hole at bytes [${at}, ${e.begin}) that no tensor covers`);
    at = e.end;
  }
  if (at !== dataLength)
    fail(file, `the data has ${dataLength - at} bytes after the last tensor that no tensor covers`);

  const tensors = new Map<string, RawTensor>();
  const start = 8 + n;
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, bytes: buffer.subarray(start + e.begin, start + e.end) });
  }
  return { tensors, metadata };
}

function checkMetadata(file: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(file, '__metadata__ must be an object of strings');
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(file, `__metadata__.${key} must be a string`);
  }
  return value as Record<string, string>;
}

const TENSOR_FIELDS = ['dtype', 'shape', 'data_offsets'];

function checkTensorInfo(file: string, name: string, value: unknown) {
  const where = `tensor '${name}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(file, `${where} must be described by an object { dtype, shape, data_offsets }`);
  }
  const info = value as Record<string, unknown>;
  for (const key of Object.keys(info)) {
    if (!TENSOR_FIELDS.includes(key)) fail(file, `${where} has an unknown field '${key}'`);
  }
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    fail(file, `${where} has an unknown dtype ${JSON.stringify(dtype)}`);
  }
  const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(file, `${where} has a shape that is not a list of non-negative integers: ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(
      file,
      `${where} has data_offsets that are not [begin, end] with 0 <= begin <= end: ${JSON.stringify(offsets)}`,
    );
  }
  const dims = shape as number[];
  const [begin, end] = offsets as [number, number];
  const bytes = dims.reduce((p, d) => p * BigInt(d), 1n) * BigInt(DTYPE_BYTES[dtype as string]);
  if (bytes !== BigInt(end - begin)) {
    fail(
      file,
      `${where} of dtype ${dtype as string} and shape [${dims.join(', ')}] needs ${bytes} bytes, ` +
        `but its data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { dtype: dtype as string, shape: dims, begin, end };
}

// The first key that appears twice at the top level of a JSON object, if any: JSON.parse keeps the last silently.
// `text` is valid JSON (it parsed), so a small scanner is enough.
function firstDuplicateKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      depth++;
      expectKey = depth === 1;
    } else if (ch === '}' || ch === ']') {
      depth--;
    } else if (ch === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

/**
 * A tensor's elements as float32: F32 as is, F64, F16 and BF16 converted (F64 rounded to nearest). Other dtypes are
 * an error naming the tensor. Always a fresh, aligned array, whatever the alignment of the bytes in the file.
 */
export function toFloat32(file: string, name: string, t: RawTensor): Float32Array {
  const count = t.bytes.length / DTYPE_BYTES[t.dtype];
  const out = new Float32Array(count);
  const v = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  switch (t.dtype) {
    case 'F32':
      if (LITTLE_ENDIAN)
        new Uint8Array(out.buffer).set(t.bytes); // every bit kept, NaN payloads included
      else for (let i = 0; i < count; i++) out[i] = v.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = v.getFloat64(8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(v.getUint16(2 * i, true));
      break;
    case 'BF16': {
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, v.getUint16(2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      break;
    }
    default:
      fail(file, `tensor '${name}' has dtype ${t.dtype}, which cannot be loaded as float32 weights`);
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Serializes float32 tensors (in the given order) and string metadata to the bytes of a safetensors file. */
export function encodeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name)) {
      throw new SafetensorsError(`cannot write tensor '${t.name}': the name is reserved or given twice`);
    }
    const count = t.shape.reduce((p, d) => p * d, 1);
    if (count !== t.data.length) {
      throw new SafetensorsError(
        `cannot write tensor '${t.name}': shape [${t.shape.join(', ')}] holds ${count} elements, its data ${t.data.length}`,
      );
    }
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
      at += t.data.byteLength;
    } else {
      for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
    }
  }
  return out;
}
