// A folder of files that change together (a saved model: model.json, model.safetensors, optimizer.safetensors),
// replaced crash-safely: a process killed at any moment of a save leaves the old version loadable or the new one,
// never a mix, and a power loss after the save returned loses nothing.
//
// The files keep fixed names, and one of them, the commit file (model.json), is written last: it decides which
// version the folder holds. Every save has a fresh save id, written in the commit file and in the __metadata__ of
// each safetensors file. A save:
//   0. recovers from an earlier save killed between steps 3 and 4 (see recover());
//   1. clears stale temporaries, writes every new file as a temporary beside its target and fsyncs each;
//   2. for each safetensors file the current commit uses, keeps that version as `<name>.prev` (a hard link made under
//      a temporary name, renamed over any older .prev);
//   3. renames the new safetensors files into place;
//   4. renames the new commit file into place: the commit;
//   5. removes the .prev files and the files the new version no longer has.
// The folder is fsynced after steps 1 to 4, so that on disk too each step lands after the one before it.
//
// A reader takes the commit file's save id and, for each file, uses `<name>` when its save id (and its checksum)
// match and `<name>.prev` when that one matches; a kill between steps 3 and 4 leaves the old commit with the new
// `<name>` and the old `.prev`, which it finds that way. When neither matches, a save may have run meanwhile (or
// recovered the folder under it): it starts over, a few times, before it reports the mismatch.
//
// Step 0 exists because of that very state: were a second save to link the stray new `<name>` to `.prev` (step 2),
// the only copy of the version the commit file names would be gone, and a kill before the second commit would
// leave nothing loadable. recover() first renames such a `.prev` back over `<name>`.
//
// One writer per folder: saves within a process are queued per folder; two processes saving into one folder at
// once are not supported (the second clears the first's temporaries).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncFolder, removeStaleTemporaries, temporaryName, writeTemporary } from './atomic.js';
import { MAX_HEADER_BYTES } from './safetensors.js';

/** The suffix of a file's previous version, kept while a save is under way. */
export const PREVIOUS = '.prev';

/** A file of a version: its name in the folder and its bytes. */
export interface FolderFile {
  name: string;
  data: Uint8Array | string;
}

export interface FolderVersion {
  /** The safetensors files (each with the save id in its __metadata__.saveId). */
  files: FolderFile[];
  /** The commit file (model.json), which names the save id. */
  commit: FolderFile;
  /** Files of earlier versions this one does not have: removed after the commit. */
  obsolete: string[];
  /** The save id of the version the folder holds now (read from its commit file), or null for none. */
  currentSaveId: string | null;
}

/** Where a save is, for the kill tests (test/save-kill.test.ts): called after each step. */
export type SavePhase = 'recovered' | 'written' | 'kept' | 'renamed' | 'committed' | 'cleaned';
let phaseHook: ((phase: SavePhase) => void) | null = null;

/** @internal For the kill tests: a function called after each step of every save (null to remove it). */
export function setSavePhaseHook(hook: ((phase: SavePhase) => void) | null): void {
  phaseHook = hook;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task of the same folder (in this process) has finished. */
export function queueForFolder<T>(folder: string, task: () => Promise<T>): Promise<T> {
  const key = path.resolve(folder);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

/** Writes `version` into `folder` (created if needed) by the steps at the top of this file. */
export async function writeFolder(folder: string, version: FolderVersion): Promise<void> {
  const created = await fs.mkdir(folder, { recursive: true });
  if (created !== undefined) await fsyncFolder(path.dirname(path.resolve(folder))); // the new folder's own entry
  const at = (name: string) => path.join(folder, name);
  const step = (phase: SavePhase) => phaseHook?.(phase);

  await recover(folder, version.currentSaveId, [...version.files.map((f) => f.name), ...version.obsolete]);
  step('recovered');

  await removeStaleTemporaries(folder);
  const temporaries = new Map<string, string>();
  try {
    for (const file of [...version.files, version.commit]) {
      temporaries.set(file.name, await writeTemporary(at(file.name), file.data));
    }
    await fsyncFolder(folder);
    step('written');

    if (version.currentSaveId !== null) {
      for (const file of version.files) await keepPrevious(at(file.name));
      await fsyncFolder(folder);
    }
    step('kept');

    for (const file of version.files) await fs.rename(temporaries.get(file.name)!, at(file.name));
    await fsyncFolder(folder);
    step('renamed');

    await fs.rename(temporaries.get(version.commit.name)!, at(version.commit.name));
    temporaries.clear();
    await fsyncFolder(folder);
    step('committed');
  } finally {
    for (const temporary of temporaries.values()) await fs.rm(temporary, { force: true });
  }

  const leftovers = [
    ...version.files.map((f) => f.name + PREVIOUS),
    ...version.obsolete.flatMap((name) => [name, name + PREVIOUS]),
  ];
  for (const name of leftovers) await fs.rm(at(name), { force: true });
  step('cleaned');
}

// Step 2 for one file: its current version, if it has one, hard-linked as `<file>.prev` (copied where the file
// system has no hard links).
async function keepPrevious(file: string): Promise<void> {
  const temporary = temporaryName(file);
  try {
    await fs.link(file, temporary);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // nothing to keep
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EOPNOTSUPP') throw error;
    await fs.copyFile(file, temporary);
    const handle = await fs.open(temporary, 'r+');
    await handle.sync().finally(() => handle.close());
  }
  await fs.rename(temporary, file + PREVIOUS);
}

/**
 * Step 0: for each of `names` whose current file does not carry `saveId` while its `.prev` does (a save was killed
 * after renaming its new files and before its commit), renames the `.prev` back over the file.
 */
async function recover(folder: string, saveId: string | null, names: string[]): Promise<void> {
  if (saveId === null) return;
  let moved = false;
  for (const name of names) {
    const file = path.join(folder, name);
    if ((await readSaveId(file)) === saveId) continue;
    if ((await readSaveId(file + PREVIOUS)) !== saveId) continue;
    await fs.rename(file + PREVIOUS, file);
    moved = true;
  }
  if (moved) await fsyncFolder(folder);
}

/** The save id in a safetensors file's __metadata__, reading its header only; null if there is none. */
export async function readSaveId(file: string): Promise<string | null> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(8);
    if ((await handle.read(head, 0, 8, 0)).bytesRead !== 8) return null;
    const n = head.readBigUInt64LE(0);
    if (n > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) return null;
    const header = Buffer.alloc(Number(n));
    if ((await handle.read(header, 0, header.length, 8)).bytesRead !== header.length) return null;
    const json = JSON.parse(header.toString('utf8')) as { __metadata__?: { saveId?: unknown } };
    const id = json?.__metadata__?.saveId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** A file's SHA-256, as the commit file records it: lowercase hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
