// Saving and loading models: model.save(dir) and loadModel(dir) (a folder: model.json, model.safetensors,
// optimizer.safetensors, replaced crash-safely by src/io/model-folder.ts), and the weights alone, as PyTorch's
// state_dict: getWeights/setWeights in memory, loadWeights/saveWeights from and to a safetensors file.
//
// model.json (format 'steadygrad-model', version 1) holds, as plain JSON:
//   saveId        this save's id, also in each safetensors file's __metadata__.saveId
//   steadygrad    the version that wrote it; savedAt, when (ISO 8601)
//   config        the architecture: model.getConfig() (the first layer given the built input shape)
//   weights       { file: 'model.safetensors', sha256, tensors: [names in order] }
//   compile       { loss, metrics } or null (not compiled)
//   optimizer     null, or { config: optimizer.getConfig(), paramGroups: [{ params: [parameter names], ...its
//                 hyperparameters }], and unless saved with { optimizer: false }: state: { [parameter name]:
//                 { counters } }, steps, skippedSteps, file: 'optimizer.safetensors', sha256 }
//   schedules     [{ type, options, state, interval }]: the compiled schedules' stateDict() and interval
//   scalers       { input, target }: each scaler's toJSON(), or null
//   training      { fitCount, lastFitSeed, steps, skippedBatches, random: { init, dropout } }: what fit counts and
//                 the model's random streams, so that training resumes exactly
// model.safetensors holds every parameter under its parameters() name, float32, in PyTorch's layout (PyTorch's
// safetensors.torch.load_file reads it); optimizer.safetensors the optimizer's per-parameter arrays, named
// `<parameter name>.<state key>` (dense.weight.expAvg).
//
// Loading trusts nothing: every field is checked, an unknown version, layer, optimizer or schedule type is refused,
// each safetensors file must carry model.json's save id and checksum, every parameter must be there with its shape,
// and every error names the file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { backendInfo } from '../backend/index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { JsonChecks, MAX_JSON_BYTES, ModelFileError, readFileCapped } from '../io/model-file.js';
import { PREVIOUS, queueForFolder, sha256, writeFolder } from '../io/model-folder.js';
import {
  SafetensorsError,
  type SafetensorsFile,
  decodeSafetensors,
  encodeSafetensors,
  toFloat32,
} from '../io/safetensors.js';
import type { Parameter } from '../layers/layer.js';
import { LAYER_TYPES, layerFromConfig } from '../layers/registry.js';
import { Optimizer, type OptimizerStateDict, type Schedule } from '../optim/index.js';
import { type SavedSchedule, optimizerFromConfig, scheduleFromState } from '../optim/restore.js';
import { checkBoolean, checkOptions, describe, rangeError, typeError } from '../validate.js';
import type { Tensor } from './data.js';
import { withoutInitializers } from './initializers.js';
import { type RandomState, isRandomState } from './random.js';
import { ModelScalers, type ScalersJSON } from './scaling.js';
import { Sequential, type SequentialConfig } from './sequential.js';

/** The format and version of model.json this code writes and reads. */
export const MODEL_FORMAT = 'steadygrad-model';
export const MODEL_VERSION = 1;
const MODEL_JSON = 'model.json';
const WEIGHTS_FILE = 'model.safetensors';
const OPTIMIZER_FILE = 'optimizer.safetensors';

export interface SaveOptions {
  /**
   * Save the optimizer's state (and the schedules) so that training resumes exactly; default true. With false, the
   * optimizer's type and options are kept, and loadModel gives a model compiled with a fresh one.
   */
  optimizer?: boolean;
}

/** Renames tensors as they move: an object { from: to }, or a function (null or undefined: leave the tensor out). */
export type NameMap = Readonly<Record<string, string>> | ((name: string) => string | null | undefined);

export interface WeightsFileOptions {
  /** The file's name for each parameter name (parameters it leaves out are not written). Default: the same. */
  nameMap?: NameMap;
}

export interface LoadWeightsOptions {
  /**
   * true (default): every parameter of the model must be in the file with its shape, and nothing else; otherwise
   * nothing is loaded and the error lists every problem. false: loads what matches and returns the rest.
   */
  strict?: boolean;
  /** The model's name for each tensor name of the file (tensors it leaves out are unexpected). Default: the same. */
  nameMap?: NameMap;
}

export interface SetWeightsOptions {
  /** As loadWeights' strict; default true. */
  strict?: boolean;
}

/** What loadWeights and setWeights did not load (PyTorch's missing_keys and unexpected_keys, and shape mismatches). */
export interface LoadWeightsResult {
  /** Parameters of the model the source did not have (after nameMap). */
  missing: string[];
  /** Names in the source the model has no parameter for (the source's own names). */
  unexpected: string[];
  /** Parameters whose shape in the source differs from the model's: "name: [source shape] vs [model shape]". */
  mismatched: string[];
}

/** What a checkpoint holds of a model beyond its config, compile settings and weights. */
export interface CheckpointState {
  fitCount: number;
  lastFitSeed: number | null;
  steps: number;
  skippedBatches: number;
  random: { init: RandomState; dropout: RandomState };
  scalers: ModelScalers | null;
}

interface ModelDocument {
  format: string;
  version: number;
  saveId: string;
  steadygrad: string;
  savedAt: string;
  config: SequentialConfig;
  weights: { file: string; sha256: string; tensors: string[] };
  compile: { loss: unknown; metrics: string[] } | null;
  optimizer: SavedOptimizer | null;
  schedules: SavedSchedule[];
  scalers: ScalersJSON;
  training: Omit<CheckpointState, 'scalers'>;
}

interface SavedOptimizer {
  config: Record<string, unknown>;
  paramGroups: Array<Record<string, unknown> & { params: string[] }>;
  state?: Record<string, Record<string, number>>;
  steps?: number;
  skippedSteps?: number;
  file?: string;
  sha256?: string;
}

// ---- saving ----

/** model.save(dir, options): see the top of this file and src/io/model-folder.ts. */
export async function saveModel(model: Sequential, dir: string, options: SaveOptions = {}): Promise<void> {
  const fn = 'save';
  if (typeof dir !== 'string' || dir === '') throw typeError(fn, 'dir', 'a folder path (a non-empty string)', dir);
  const o = checkOptions<SaveOptions>(fn, options, ['optimizer']);
  const withOptimizer = o.optimizer === undefined ? true : checkBoolean(fn, 'optimizer', o.optimizer);
  // Everything is read now, synchronously, so that the save is of one moment even while fit runs.
  const params = builtParameters(fn, model);
  const saveId = randomBytes(16).toString('hex');
  const metadata = { format: 'pt', saveId };
  const weights = encodeSafetensors(
    params.map((p) => ({ name: p.name, shape: p.shape, data: p.value })),
    metadata,
  );
  const files = [{ name: WEIGHTS_FILE, data: weights }];
  const optimizer = savedOptimizer(fn, model, params, withOptimizer);
  if (optimizer?.tensors) {
    const bytes = encodeSafetensors(optimizer.tensors, metadata);
    files.push({ name: OPTIMIZER_FILE, data: bytes });
    Object.assign(optimizer.saved, { file: OPTIMIZER_FILE, sha256: sha256(bytes) });
  }
  const state = model.checkpointState();
  const config = model.getConfig();
  config.layers[0].config = { ...config.layers[0].config, inputShape: [...model.inputShape] };
  const document: ModelDocument = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    saveId,
    steadygrad: backendInfo().version,
    savedAt: new Date().toISOString(),
    config,
    weights: { file: WEIGHTS_FILE, sha256: sha256(weights), tensors: params.map((p) => p.name) },
    compile: model.getCompileConfig(),
    optimizer: optimizer?.saved ?? null,
    schedules: withOptimizer ? model.getSchedules().map((s) => ({ ...s.stateDict(), interval: s.interval })) : [],
    scalers: state.scalers?.toJSON(fn) ?? { input: null, target: null },
    training: {
      fitCount: state.fitCount,
      lastFitSeed: state.lastFitSeed,
      steps: state.steps,
      skippedBatches: state.skippedBatches,
      random: state.random,
    },
  };
  const json = `${formatJson(fn, document, '')}\n`;
  await queueForFolder(dir, async () =>
    writeFolder(dir, {
      files,
      commit: { name: MODEL_JSON, data: json },
      obsolete: files.length === 1 ? [OPTIMIZER_FILE] : [],
      currentSaveId: await currentSaveId(dir),
    }),
  );
}

function builtParameters(fn: string, model: Sequential): Parameter[] {
  if (!(model instanceof Sequential)) throw typeError(fn, 'model', 'a Sequential model', model);
  try {
    void model.inputShape;
  } catch {
    throw new Error(
      `${fn}: the model is not built yet: give its first layer an inputShape, or call fit or predict first`,
    );
  }
  return model.parameters();
}

// The optimizer's part of model.json, and its arrays for optimizer.safetensors.
function savedOptimizer(fn: string, model: Sequential, params: Parameter[], withState: boolean) {
  const optimizer = model.getOptimizer();
  if (optimizer === null) return null;
  if (!(optimizer instanceof Optimizer)) {
    if (!withState) return null;
    throw rangeError(
      fn,
      "the model's optimizer",
      "one of steadygrad's (SGD, Adam, AdamW, RMSprop, Adagrad) to be saved, or pass { optimizer: false }",
      'another object',
    );
  }
  const names = new Map(params.map((p: Parameter) => [p.value, p.name]));
  const sd = optimizer.stateDict();
  const groupParams = (optimizer as Optimizer).paramGroups.map((g) =>
    g.params.map((p: { value: Float32Array }) => names.get(p.value) as string),
  );
  const saved: SavedOptimizer = {
    config: optimizer.getConfig(),
    paramGroups: sd.paramGroups.map((g, i) => ({ ...g, params: groupParams[i] })),
  };
  if (!withState) return { saved, tensors: null };
  const byIndex = groupParams.flat();
  const counters: Record<string, Record<string, number>> = {};
  const tensors: { name: string; shape: number[]; data: Float32Array }[] = [];
  for (const [index, entry] of Object.entries(sd.state)) {
    const name = byIndex[Number(index)];
    const shape = params.find((p) => p.name === name)!.shape;
    counters[name] = {};
    for (const [key, value] of Object.entries(entry)) {
      if (typeof value === 'number') counters[name][key] = value;
      else tensors.push({ name: `${name}.${key}`, shape, data: value });
    }
  }
  Object.assign(saved, { state: counters, steps: sd.steps, skippedSteps: sd.skippedSteps });
  return { saved, tensors };
}

/**
 * JSON for people to read: objects one field per line, arrays of numbers and strings on one line. JSON has no NaN
 * or infinities, so such a number (which JSON.stringify would write as null) is an error naming its place.
 */
function formatJson(fn: string, value: unknown, indent: string, place = 'model.json'): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw rangeError(fn, place, 'a finite number (JSON has no other)', describe(value));
  }
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value.map((v, i) => formatJson(fn, v, inner, `${place}[${i}]`));
    if (value.every((v) => typeof v !== 'object' || v === null)) return `[${items.join(', ')}]`;
    return items.length === 0 ? '[]' : `[\n${inner}${items.join(`,\n${inner}`)}\n${indent}]`;
  }
  const fields = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}: ${formatJson(fn, v, inner, `${place}.${k}`)}`);
  return fields.length === 0 ? '{}' : `{\n${inner}${fields.join(`,\n${inner}`)}\n${indent}}`;
}

/** The save id of the model.json in `dir`, or null when there is none readable. */
async function currentSaveId(dir: string): Promise<string | null> {
  try {
    const json = JSON.parse(await fs.readFile(path.join(dir, MODEL_JSON), 'utf8')) as { saveId?: unknown };
    return typeof json?.saveId === 'string' ? json.saveId : null;
  } catch {
    return null;
  }
}

// ---- loading ----

/**
 * Restores a model saved by model.save(dir): the same architecture and weights (predictions bit for bit), compiled
 * as it was, with its optimizer, schedules, scalers and training counters, so that fit continues exactly. Every
 * problem in the folder's files is an error naming the file.
 */
export async function loadModel(dir: string): Promise<Sequential> {
  const fn = 'loadModel';
  if (typeof dir !== 'string' || dir === '') throw typeError(fn, 'dir', 'a folder path (a non-empty string)', dir);
  const jsonFile = path.join(dir, MODEL_JSON);
  // A save that runs while this reads may replace the files under it: then the read starts over (a few times at
  // most, a little later each time).
  for (let attempt = 1; ; attempt++) {
    const bytes = await readFileCapped(
      jsonFile,
      MAX_JSON_BYTES,
      'missing: the folder holds no saved model (model.save(dir) writes model.json last)',
    );
    const document = readDocument(jsonFile, bytes);
    try {
      const weights = await readVersion(dir, document.weights.file, document.saveId, document.weights.sha256);
      const optimizer =
        document.optimizer?.file === undefined
          ? null
          : await readVersion(dir, document.optimizer.file, document.saveId, document.optimizer.sha256!);
      return restore(jsonFile, document, weights, optimizer);
    } catch (error) {
      if (!(error instanceof OtherSave) || attempt === 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

/** A safetensors file of another save than model.json's: the folder changed while it was read, or mixes saves. */
class OtherSave extends ModelFileError {}

interface Loaded {
  file: string;
  contents: SafetensorsFile;
}

// One of model.json's safetensors files: `<name>` if it carries the save id (and its checksum matches), else
// `<name>.prev` if that one does (see src/io/model-folder.ts).
async function readVersion(dir: string, name: string, saveId: string, checksum: string): Promise<Loaded> {
  const file = path.join(dir, name);
  let problem: Error | null = null;
  for (const candidate of [file, file + PREVIOUS]) {
    let bytes: Uint8Array;
    try {
      bytes = await readFileCapped(candidate, Number.MAX_SAFE_INTEGER, 'missing (model.json names it)');
    } catch (error) {
      problem ??= error as Error;
      continue;
    }
    try {
      const contents = decodeSafetensors(bytes, candidate);
      const id = contents.metadata.saveId;
      if (id !== saveId) {
        throw new OtherSave(
          candidate,
          `its save id ${describe(id)} is not model.json's ('${saveId}'): the folder holds files of different saves`,
        );
      }
      if (sha256(bytes) !== checksum) {
        throw new ModelFileError(
          candidate,
          'its contents do not match the SHA-256 checksum model.json holds for it: one of the two files is corrupt',
        );
      }
      return { file: candidate, contents };
    } catch (error) {
      if (!(error instanceof ModelFileError || error instanceof SafetensorsError)) throw error;
      problem ??= error;
    }
  }
  throw problem!;
}

const TOP_FIELDS = [
  'format',
  'version',
  'saveId',
  'steadygrad',
  'savedAt',
  'config',
  'weights',
  'compile',
  'optimizer',
  'schedules',
  'scalers',
  'training',
];

// model.json's fields, checked for their types (the contents of the parts other code reads are checked there).
function readDocument(file: string, bytes: Uint8Array): ModelDocument {
  const c = new JsonChecks(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelFileError(file, 'is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(file, `is not valid JSON (${(error as Error).message})`);
  }
  const doc = c.object('the file', json);
  if (doc.format !== MODEL_FORMAT)
    c.fail('format', `'${MODEL_FORMAT}' (a model.json written by model.save)`, doc.format);
  if (typeof doc.version === 'number' && Number.isInteger(doc.version) && doc.version > MODEL_VERSION) {
    throw new ModelFileError(
      file,
      `is of format version ${doc.version}, newer than this steadygrad reads (${MODEL_VERSION}): update steadygrad`,
    );
  }
  if (doc.version !== MODEL_VERSION) c.fail('version', String(MODEL_VERSION), doc.version);
  c.keys('the file', doc, TOP_FIELDS);
  c.string('saveId', doc.saveId);
  const config = c.object('config', doc.config);
  const layers = c.array('config.layers', config.layers);
  if (layers.length === 0) c.fail('config.layers', 'a non-empty array', layers);
  layers.forEach((l, i) => {
    const layer = c.object(`config.layers[${i}]`, l);
    const type = c.string(`config.layers[${i}].type`, layer.type);
    if (!(type in LAYER_TYPES)) {
      c.fail(
        `config.layers[${i}].type`,
        `a layer type this steadygrad knows (${Object.keys(LAYER_TYPES).join(', ')})`,
        type,
      );
    }
    c.object(`config.layers[${i}].config`, layer.config);
  });
  const first = (layers[0] as { config: Record<string, unknown> }).config;
  if (first.inputShape === undefined)
    c.fail('config.layers[0].config.inputShape', "the model's input shape", undefined);
  const weights = c.object('weights', doc.weights);
  c.string('weights.file', weights.file);
  c.string('weights.sha256', weights.sha256);
  c.array('weights.tensors', weights.tensors).forEach((t, i) => c.string(`weights.tensors[${i}]`, t));
  if (weights.file !== WEIGHTS_FILE) c.fail('weights.file', `'${WEIGHTS_FILE}'`, weights.file);
  if (doc.compile !== null) {
    const compile = c.object('compile', doc.compile);
    c.array('compile.metrics', compile.metrics).forEach((m, i) => c.string(`compile.metrics[${i}]`, m));
  }
  if (doc.optimizer !== null) {
    const o = c.object('optimizer', doc.optimizer);
    c.keys('optimizer', o, ['config', 'paramGroups', 'state', 'steps', 'skippedSteps', 'file', 'sha256']);
    c.object('optimizer.config', o.config);
    c.array('optimizer.paramGroups', o.paramGroups).forEach((g, i) => {
      const group = c.object(`optimizer.paramGroups[${i}]`, g);
      c.array(`optimizer.paramGroups[${i}].params`, group.params).forEach((p, j) =>
        c.string(`optimizer.paramGroups[${i}].params[${j}]`, p),
      );
    });
    if (o.file !== undefined) {
      if (o.file !== OPTIMIZER_FILE) c.fail('optimizer.file', `'${OPTIMIZER_FILE}'`, o.file);
      c.string('optimizer.sha256', o.sha256);
      const state = c.object('optimizer.state', o.state);
      for (const [name, counters] of Object.entries(state)) c.object(`optimizer.state['${name}']`, counters);
    }
  }
  c.array('schedules', doc.schedules).forEach((s, i) => c.object(`schedules[${i}]`, s));
  const scalers = c.object('scalers', doc.scalers);
  c.keys('scalers', scalers, ['input', 'target']);
  for (const key of ['input', 'target']) if (scalers[key] !== null) c.object(`scalers.${key}`, scalers[key]);
  const training = c.object('training', doc.training);
  c.integer('training.fitCount', training.fitCount, 0, Number.MAX_SAFE_INTEGER);
  if (training.lastFitSeed !== null) c.integer('training.lastFitSeed', training.lastFitSeed, 0, 4294967295);
  c.integer('training.steps', training.steps, 0, Number.MAX_SAFE_INTEGER);
  c.integer('training.skippedBatches', training.skippedBatches, 0, Number.MAX_SAFE_INTEGER);
  const random = c.object('training.random', training.random);
  for (const key of ['init', 'dropout']) {
    if (!isRandomState(random[key])) {
      c.fail(
        `training.random.${key}`,
        '{ words: four 32-bit integers not all 0, spareNormal: a number or null }',
        random[key],
      );
    }
  }
  return doc as unknown as ModelDocument;
}

// The model of a checked document and its files.
function restore(file: string, doc: ModelDocument, weights: Loaded, optimizerFile: Loaded | null): Sequential {
  const c = new JsonChecks(file);
  const layers = doc.config.layers.map((l, i) =>
    c.wrap(`config.layers[${i}] (${l.type})`, () => layerFromConfig('loadModel: layer', l)),
  );
  const options = { name: doc.config.name, seed: doc.config.seed, initializers: doc.config.initializers };
  const model = c.wrap('config', () => withoutInitializers(() => new Sequential(layers, options)));
  const params = model.parameters();
  const listed = doc.weights.tensors;
  if (listed.length !== params.length || params.some((p, i) => p.name !== listed[i])) {
    c.fail(
      'weights.tensors',
      `the parameters of the model config describes (${params.map((p) => p.name).join(', ')})`,
      `[${listed.join(', ')}]`,
    );
  }
  assign('loadModel', weights.file, params, tensorsOf(weights), true);

  const scalers = c.wrap('scalers', () => ModelScalers.fromJSON(doc.scalers));
  if (doc.compile !== null && doc.optimizer !== null) {
    compileSaved(c, model, doc, doc.optimizer, optimizerFile, params, scalers);
  }
  model.restoreCheckpointState(doc.training, scalers);
  return model;
}

// Compiles a loaded model as it was: its optimizer rebuilt (and its state loaded), its schedules, its scalers.
function compileSaved(
  c: JsonChecks,
  model: Sequential,
  doc: ModelDocument,
  saved: SavedOptimizer,
  file: Loaded | null,
  params: Parameter[],
  scalers: ModelScalers | null,
): void {
  const byName = new Map(params.map((p) => [p.name, p]));
  // each group with its own hyperparameters (the state dict, when there is one, sets them again)
  const groups = saved.paramGroups.map((g, i) => ({
    ...g,
    params: g.params.map((name, j) => {
      const p = byName.get(name);
      if (!p) c.fail(`optimizer.paramGroups[${i}].params[${j}]`, "the name of one of the model's parameters", name);
      return p;
    }),
  }));
  const optimizer = c.wrap('optimizer.config', () => optimizerFromConfig('loadModel', saved.config, groups));
  const schedules = (file ? doc.schedules : []).map((s, i) =>
    c.wrap(`schedules[${i}]`, () => scheduleFromState('loadModel', `schedules[${i}]`, optimizer, s)),
  );
  c.wrap('compile', () =>
    model.compile({
      optimizer,
      loss: doc.compile!.loss as never,
      metrics: doc.compile!.metrics,
      inputScaler: scalers?.input,
      targetScaler: scalers?.target,
      schedules,
    }),
  );
  if (file) {
    const stateDict = optimizerState(c, saved, file, byName);
    c.wrap('optimizer', () => optimizer.loadStateDict(stateDict));
  }
  schedules.forEach((s: Schedule, i) => c.wrap(`schedules[${i}]`, () => s.loadStateDict(doc.schedules[i])));
}

// The optimizer's state dict from model.json's counters and optimizer.safetensors' arrays.
function optimizerState(
  c: JsonChecks,
  saved: SavedOptimizer,
  file: Loaded,
  byName: Map<string, Parameter>,
): OptimizerStateDict {
  const order = saved.paramGroups.flatMap((g) => g.params);
  const index = new Map(order.map((name, i) => [name, i]));
  const state: OptimizerStateDict['state'] = {};
  for (const [name, counters] of Object.entries(saved.state ?? {})) {
    const k = index.get(name);
    if (k === undefined) c.fail(`optimizer.state`, 'keyed by the parameters of optimizer.paramGroups', `'${name}'`);
    state[k] = { ...counters };
  }
  const fileChecks = new JsonChecks(file.file);
  for (const [tensorName, raw] of file.contents.tensors) {
    const dot = [...index.keys()].filter((n) => tensorName.startsWith(`${n}.`)).sort((a, b) => b.length - a.length)[0];
    if (dot === undefined)
      fileChecks.fail(`tensor '${tensorName}'`, "named '<parameter name>.<state key>'", tensorName);
    const key = tensorName.slice(dot.length + 1);
    const p = byName.get(dot)!;
    if (raw.dtype !== 'F32' || raw.shape.join() !== p.shape.join()) {
      fileChecks.fail(
        `tensor '${tensorName}'`,
        `F32 of shape [${p.shape.join(', ')}]`,
        `${raw.dtype} [${raw.shape.join(', ')}]`,
      );
    }
    (state[index.get(dot)!] ??= {})[key] = toFloat32(file.file, tensorName, raw);
  }
  return {
    type: saved.config.type as string,
    state,
    paramGroups: saved.paramGroups.map((g) => ({ ...g, params: g.params.map((n) => index.get(n)!) })),
    steps: saved.steps ?? 0,
    skippedSteps: saved.skippedSteps ?? 0,
  };
}

// ---- weights ----

function tensorsOf(loaded: Loaded): Map<string, { shape: number[]; values: () => Float32Array }> {
  const out = new Map<string, { shape: number[]; values: () => Float32Array }>();
  for (const [name, raw] of loaded.contents.tensors) {
    out.set(name, { shape: raw.shape, values: () => toFloat32(loaded.file, name, raw) });
  }
  return out;
}

/**
 * Copies `source` (name -> shape and values) into `params`: every check first (names, shapes, finiteness), then
 * the copies, so that an error changes nothing. Strict: anything missing, unexpected (`leftOut` too: tensors a
 * nameMap dropped) or misshapen is one error listing all of them; otherwise those are returned.
 */
function assign(
  fn: string,
  from: string,
  params: Parameter[],
  source: Map<string, { shape: readonly number[]; values: () => Float32Array }>,
  strict: boolean,
  leftOut: string[] = [],
): LoadWeightsResult {
  const result: LoadWeightsResult = { missing: [], unexpected: [...leftOut], mismatched: [] };
  const names = new Set(params.map((p) => p.name));
  for (const name of source.keys()) if (!names.has(name)) result.unexpected.push(name);
  const copies: [Parameter, Float32Array][] = [];
  for (const p of params) {
    const t = source.get(p.name);
    if (!t) {
      result.missing.push(p.name);
    } else if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      result.mismatched.push(`${p.name}: [${t.shape.join(', ')}] vs [${p.shape.join(', ')}]`);
    } else {
      copies.push([p, t.values()]);
    }
  }
  const loading = fn === 'loadModel'; // from a model.safetensors, against the model its model.json describes
  const model = loading ? 'model.json' : 'model';
  if (strict && (result.missing.length || result.unexpected.length || result.mismatched.length)) {
    const parts = [
      result.missing.length ? `missing ${result.missing.map((n) => `'${n}'`).join(', ')}` : '',
      result.unexpected.length ? `unexpected ${result.unexpected.map((n) => `'${n}'`).join(', ')}` : '',
      result.mismatched.length
        ? `shapes differ (${from === 'weights' ? 'weights' : 'file'} vs ${model}) for ${result.mismatched.join('; ')}`
        : '',
    ].filter(Boolean);
    if (loading) {
      throw new ModelFileError(
        from,
        `does not match the parameters of the model model.json describes: ${parts.join('; ')}`,
      );
    }
    throw new RangeError(`${fn}: ${from} does not match the model's parameters: ${parts.join('; ')}`);
  }
  for (const [p, values] of copies) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        const problem = `${p.name} holds ${describe(values[i])} at index ${i}; weights must be finite`;
        throw loading ? new ModelFileError(from, problem) : new RangeError(`${fn}: ${from}: ${problem}`);
      }
    }
  }
  for (const [p, values] of copies) p.value.set(values);
  return result;
}

function renamer(fn: string, nameMap: unknown): (name: string) => string | null {
  if (nameMap === undefined) return (name) => name;
  if (typeof nameMap === 'function') {
    return (name) => {
      const to: unknown = (nameMap as (n: string) => unknown)(name);
      if (to === null || to === undefined) return null;
      if (typeof to !== 'string') throw typeError(fn, `nameMap('${name}')`, 'a string, null or undefined', to);
      return to;
    };
  }
  if (typeof nameMap !== 'object' || nameMap === null || Array.isArray(nameMap)) {
    throw typeError(fn, 'nameMap', 'an object { from: to } or a function', nameMap);
  }
  const map = nameMap as Record<string, unknown>;
  for (const [from, to] of Object.entries(map)) {
    if (typeof to !== 'string') throw typeError(fn, `nameMap['${from}']`, 'a string', to);
  }
  return (name) => (Object.hasOwn(map, name) ? (map[name] as string) : name);
}

/** model.getWeights(). */
export function getWeights(model: Sequential): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const p of builtParameters('getWeights', model)) out[p.name] = { data: p.value.slice(), shape: [...p.shape] };
  return out;
}

/** model.setWeights(weights, options). */
export function setWeights(
  model: Sequential,
  weights: Record<string, Tensor>,
  options: SetWeightsOptions = {},
): LoadWeightsResult {
  const fn = 'setWeights';
  const o = checkOptions<SetWeightsOptions>(fn, options, ['strict']);
  const strict = o.strict === undefined ? true : checkBoolean(fn, 'strict', o.strict);
  const params = builtParameters(fn, model);
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
    throw typeError(fn, 'weights', 'an object { [name]: { data, shape } }, as getWeights() returns', weights);
  }
  const source = new Map<string, { shape: number[]; values: () => Float32Array }>();
  for (const [name, t] of Object.entries(weights)) {
    const where = `weights['${name}']`;
    if (typeof t !== 'object' || t === null) throw typeError(fn, where, '{ data, shape }', t);
    const { data, shape } = t as { data?: unknown; shape?: unknown };
    if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
      throw typeError(fn, `${where}.data`, 'a Float32Array or Float64Array', data);
    }
    const ok = Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
    if (!ok || (shape as number[]).reduce((a, b) => a * b, 1) !== data.length) {
      throw rangeError(
        fn,
        `${where}.shape`,
        `an array of integers whose product is data's length ${data.length}`,
        describe(shape),
      );
    }
    source.set(name, { shape: shape as number[], values: () => Float32Array.from(data) });
  }
  return assign(fn, 'weights', params, source, strict);
}

/** model.loadWeights(file, options). */
export async function loadWeights(
  model: Sequential,
  file: string | Uint8Array,
  options: LoadWeightsOptions = {},
): Promise<LoadWeightsResult> {
  const fn = 'loadWeights';
  const o = checkOptions<LoadWeightsOptions>(fn, options, ['strict', 'nameMap']);
  const strict = o.strict === undefined ? true : checkBoolean(fn, 'strict', o.strict);
  const rename = renamer(fn, o.nameMap);
  const params = builtParameters(fn, model);
  let bytes: Uint8Array;
  let label: string;
  if (file instanceof Uint8Array) {
    bytes = file;
    label = 'the safetensors data';
  } else if (typeof file === 'string' && file !== '') {
    bytes = await readFileCapped(file, Number.MAX_SAFE_INTEGER, 'missing (no such file)');
    label = file;
  } else {
    throw typeError(fn, 'file', 'a safetensors file path or its bytes (a Uint8Array)', file);
  }
  const contents = decodeSafetensors(bytes, label);
  const source = new Map<string, { shape: number[]; values: () => Float32Array }>();
  const unexpected: string[] = [];
  for (const [name, raw] of contents.tensors) {
    const to = rename(name);
    if (to === null) {
      unexpected.push(name);
    } else if (source.has(to)) {
      throw rangeError(
        fn,
        'nameMap',
        'a map that gives each tensor a name of its own',
        `two tensors mapped to '${to}'`,
      );
    } else {
      source.set(to, { shape: raw.shape, values: () => toFloat32(label, name, raw) });
    }
  }
  return assign(fn, label, params, source, strict, unexpected);
}

/** model.saveWeights(file, options). */
export async function saveWeights(model: Sequential, file: string, options: WeightsFileOptions = {}): Promise<void> {
  const fn = 'saveWeights';
  if (typeof file !== 'string' || file === '') throw typeError(fn, 'file', 'a file path (a non-empty string)', file);
  const o = checkOptions<WeightsFileOptions>(fn, options, ['nameMap']);
  const rename = renamer(fn, o.nameMap);
  const tensors = [];
  for (const p of builtParameters(fn, model)) {
    const name = rename(p.name);
    if (name !== null) tensors.push({ name, shape: p.shape, data: p.value });
  }
  let bytes: Uint8Array;
  try {
    bytes = encodeSafetensors(tensors, { format: 'pt' });
  } catch (error) {
    throw rangeError(fn, 'nameMap', 'a map that gives each parameter a name of its own', (error as Error).message);
  }
  await writeFileAtomic(file, bytes);
}
