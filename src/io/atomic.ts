// Crash-safe file writes: a file is either its old contents or its new ones, never a torn mix.
//
// writeFileAtomic writes to a temporary file in the same folder, flushes it to disk (fsync), renames it over the
// target (rename is atomic within a file system), then flushes the folder so that the rename itself survives a
// power loss. A process killed at any point leaves the target untouched or complete, plus at worst a stray
// temporary file, which removeStaleTemporaries() clears.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const TEMPORARY = /\.tmp-[0-9a-f]{12}$/;

/** A temporary name next to `file`, unique to this call. */
export function temporaryName(file: string): string {
  return `${file}.tmp-${randomBytes(6).toString('hex')}`;
}

/** Flushes a folder's entries (its renames and new files) to disk. A no-op where folders cannot be opened (Windows). */
export async function fsyncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to a temporary file beside `file` and flushes it; returns the temporary's name. */
export async function writeTemporary(file: string, data: Uint8Array | string): Promise<string> {
  const temporary = temporaryName(file);
  const handle = await fs.open(temporary, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  return temporary;
}

/** Replaces `file` with `data` atomically (see the top of this file). */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temporary = await writeTemporary(file, data);
  try {
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await fsyncFolder(path.dirname(file));
}

/** Removes temporary files a killed writer left in `folder`. */
export async function removeStaleTemporaries(folder: string): Promise<void> {
  for (const name of await fs.readdir(folder)) {
    if (TEMPORARY.test(name)) await fs.rm(path.join(folder, name), { force: true });
  }
}
