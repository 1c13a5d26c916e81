// The one pseudo-random generator of the model code: weight initializers, shuffles and dropout masks all draw from
// it, in TypeScript, so that a seed gives the same numbers on every backend, instruction set and thread count.
//
// Algorithm: xoshiro128** 1.1 (Blackman and Vigna, 2018): 128 bits of state, period 2^128 - 1, 32-bit outputs that
// pass BigCrush. The state is filled from the seed by splitmix32 (a 32-bit variant of Vigna's splitmix64 mixer), so
// nearby seeds give unrelated streams. Floats in [0, 1) take the top 24 bits of one output, exactly representable in
// float32 and in float64. Normals use Box-Muller on two such uniforms (both values used, in order).
//
// Streams: a model derives one stream per purpose from its seed (`Random.derive(seed, 'init')`, 'dropout', ...),
// so drawing more for one purpose never shifts another.

/** splitmix32: one step of the seeding mixer. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit hash of a string (FNV-1a), to name streams. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A generator's position (Random.getState()). */
export interface RandomState {
  /** xoshiro128**'s four 32-bit words, not all zero. */
  words: [number, number, number, number];
  /** The second value of the last Box-Muller pair, not yet returned. */
  spareNormal: number | null;
}

/** Whether `value` is a RandomState a generator can take. */
export function isRandomState(value: unknown): value is RandomState {
  if (typeof value !== 'object' || value === null) return false;
  const { words, spareNormal } = value as Partial<RandomState>;
  const word = (w: unknown) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff;
  return (
    Array.isArray(words) &&
    words.length === 4 &&
    words.every(word) &&
    words.some((w) => w !== 0) &&
    (spareNormal === null || (typeof spareNormal === 'number' && Number.isFinite(spareNormal)))
  );
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /** A generator seeded with a 32-bit integer (other numbers are reduced modulo 2^32). */
  constructor(seed: number) {
    const state = { s: seed >>> 0 };
    this.a = splitmix32(state);
    this.b = splitmix32(state);
    this.c = splitmix32(state);
    this.d = splitmix32(state);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1; // the all-zero state is a fixed point
  }

  /** The stream named `purpose` of a seed: independent of the seed's other streams. */
  static derive(seed: number, purpose: string): Random {
    return new Random((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashString(purpose)) >>> 0);
  }

  /** A seed from the operating system's entropy, for when none is given. */
  static entropySeed(): number {
    return crypto.getRandomValues(new Uint32Array(1))[0];
  }

  /** The generator's position, as plain JSON (a checkpoint stores it): the four state words and a spare normal. */
  getState(): RandomState {
    return { words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spareNormal: this.spareNormal };
  }

  /** Puts the generator back at a position getState() returned (checked by the caller: see isRandomState). */
  setState(state: RandomState): void {
    [this.a, this.b, this.c, this.d] = state.words.map((w) => w | 0);
    this.spareNormal = state.spareNormal;
  }

  /** The next 32-bit output (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1), a multiple of 2^-24. */
  uniform(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** A standard normal deviate (Box-Muller). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A normal deviate with the given stddev, redrawn until it lies within 2 stddev (Keras' TruncatedNormal). */
  truncatedNormal(stddev: number): number {
    for (;;) {
      const v = this.normal();
      if (Math.abs(v) <= 2) return v * stddev;
    }
  }

  /** An integer in [0, n), n <= 2^32, without modulo bias (outputs past the last whole multiple of n are redrawn). */
  int(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Shuffles `indices` in place (Fisher-Yates). */
  shuffle(indices: Int32Array): void {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = indices[i];
      indices[i] = indices[j];
      indices[j] = t;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
