// Reading the files of a saved model without trusting them: ModelFileError (a problem in a file's contents, naming
// the file), a size-capped file read, and checks of values read from JSON, in the style of src/validate.ts but
// naming the file and the place in it: "<file>: <place> must be <expectation>, received <value>".
import fs from 'node:fs/promises';
import { describe } from '../validate.js';

/** A problem in the contents of a saved model's file (model.json; SafetensorsError for safetensors files). */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  /** The file, as the message names it. */
  readonly file: string;
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.file = file;
  }
}

/** The largest model.json read (its weights are elsewhere: this is far above any real one). */
export const MAX_JSON_BYTES = 256 << 20;

/**
 * The bytes of `file`, refusing one above `cap` bytes; a missing file is a ModelFileError saying `missing`, other
 * I/O errors keep their code and gain the file's name.
 */
export async function readFileCapped(file: string, cap: number, missing: string): Promise<Uint8Array> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    if (size > cap) throw new ModelFileError(file, `is ${size} bytes, above the ${cap}-byte limit`);
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break; // the file shrank meanwhile: the checks that follow see a short file
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new ModelFileError(file, missing);
    if (e.code === 'EISDIR') throw new ModelFileError(file, 'is a folder, not a file');
    e.message = `${file}: ${e.message}`;
    throw e;
  } finally {
    await handle?.close();
  }
}

/** The checks of one JSON file: each failure is a ModelFileError naming the file and the place. */
export class JsonChecks {
  constructor(readonly file: string) {}

  fail(place: string, expected: string, value: unknown): never {
    throw new ModelFileError(this.file, `${place} must be ${expected}, received ${describe(value)}`);
  }

  object(place: string, value: unknown): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(place, 'an object', value);
    return value as Record<string, unknown>;
  }

  array(place: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) this.fail(place, 'an array', value);
    return value;
  }

  string(place: string, value: unknown): string {
    if (typeof value !== 'string') this.fail(place, 'a string', value);
    return value;
  }

  integer(place: string, value: unknown, lo: number, hi: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
      this.fail(place, `an integer in [${lo}, ${hi}]`, value);
    }
    return value;
  }

  /** An array of positive integers (a tensor's shape). */
  shape(place: string, value: unknown): number[] {
    const a = this.array(place, value);
    a.forEach((d, i) => this.integer(`${place}[${i}]`, d, 1, 2147483647));
    return a as number[];
  }

  /** The keys of `value` must be among `allowed` (a newer writer's extra field is not silently dropped). */
  keys(place: string, value: Record<string, unknown>, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        throw new ModelFileError(this.file, `${place} has an unknown field '${key}' (known: ${allowed.join(', ')})`);
      }
    }
  }

  /** Runs `read`, turning any error it throws (a constructor's check, ...) into a ModelFileError about `place`. */
  wrap<T>(place: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      throw new ModelFileError(this.file, `${place}: ${(error as Error).message}`, { cause: error });
    }
  }
}
