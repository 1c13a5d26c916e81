// Calls that must compile in a user's fresh TypeScript 7 project (strict, no @types/node), each result with the
// type it must have: data in, the same kind of data out. Checked by scripts/check-types.js (see there).
import {
  MapMinMaxScaler,
  MapStdScaler,
  MinMaxScaler,
  Normalizer,
  RobustScaler,
  StandardScaler,
  applyNormalization,
  backendInfo,
  mapminmax,
  mapstd,
  normalize,
  scalerFromJSON,
  sgemm,
  type MapMinMaxSettings,
  type MapStdSettings,
  type RowTransformStream,
  type Scaler,
  type ScalerJSON,
} from 'steadygrad';
import { lstmForward, sigmoid } from 'steadygrad/kernels';

/** true exactly when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

interface Person {
  name: string;
  age: number;
  income: number | null;
}
const records: Person[] = [
  { name: 'ada', age: 36, income: 5200 },
  { name: 'bob', age: 52, income: null },
];
const rows = [
  [1, 2],
  [3, 4],
];
const f32 = new Float32Array([1, 2, 3, 4]);
const f64 = new Float64Array([1, 2, 3, 4]);

// scalers: rows in, rows out; objects in, the same objects out; typed arrays keep their type
const byRows = new StandardScaler().fit(rows);
const scaledRows = byRows.transform(rows);
assertType<Equal<typeof scaledRows, number[][]>>();
const people = new StandardScaler({ columns: ['age', 'income'] });
const scaledPeople = people.fitTransform(records);
assertType<Equal<typeof scaledPeople, Person[]>>();
const age: number = scaledPeople[0]!.age; // the issue's `scaler.transform(records)[0].age`
const typed = new MinMaxScaler({ featureRange: [-1, 1] }).fit(f32, { shape: [2, 2] });
assertType<Equal<ReturnType<typeof typed.transform<Float32Array>>, Float32Array>>();
const back: Float64Array = typed.inverseTransform(f64);
const shaped = new RobustScaler().fitTransform({ data: f32, shape: [2, 2] });
assertType<Equal<typeof shaped, { data: Float32Array; shape: number[] }>>();
const rowsOfTyped: number[][] = new Normalizer().fitTransform([f32, f32]);

// streaming: fitStream resolves to the scaler; transformStream needs no Node types to be typed
const fitted: Promise<StandardScaler> = new StandardScaler().fitStream(rows, {
  chunkRows: 1,
  signal: new AbortController().signal,
});
const stream: RowTransformStream = byRows.transformStream();
byRows.partialFit(f64); // the fitted column count reads a flat array

// normalize: per-method options, the data's own type back
const z = normalize(rows);
assertType<Equal<typeof z.data, number[][]>>();
const ranged = normalize(records, 'range', { columns: ['age'], range: [-1, 1] });
assertType<Equal<typeof ranged.data, Person[]>>();
const normed = normalize(f32, 'norm', { shape: [2, 2], p: Infinity, dim: 2 });
assertType<Equal<typeof normed.data, Float32Array>>();
const both = normalize(rows, { center: 'median', scale: 'mad' });
const again = normalize(rows, { center: both.center, scale: both.scale });
const applied: Float64Array = applyNormalization(f64, again, { shape: [2, 2] });
const centered: number[][] = normalize(rows, 'center', { center: [1, 2] }).data;
const noOptions: number[][] = normalize(rows, 'medianiqr').data;

// MATLAB's mapminmax and mapstd, row-wise
const { y, ps } = mapminmax(rows);
assertType<Equal<typeof y, number[][]>>();
const settings: MapMinMaxSettings = ps;
const y01: number[][] = mapminmax(rows, { yMin: 0, yMax: 1 }).y;
const positional: number[][] = mapminmax(rows, 0, 1).y;
const y2: number[][] = mapminmax.apply(rows, ps);
const xBack: Float32Array = mapminmax.reverse(f32, ps, { shape: [2, 2] });
const std: MapStdSettings = mapstd(rows, { yMean: 0, yStd: 1 }).ps;
const zs: number[][] = mapstd.apply(rows, std);

// one protocol for every scaler, restored from its JSON
const scalers: Scaler[] = [
  new StandardScaler(),
  new MinMaxScaler(),
  new RobustScaler(),
  new Normalizer(),
  new MapMinMaxScaler({ yMin: -1, yMax: 1 }),
  new MapStdScaler(),
  MapMinMaxScaler.fromPs(ps),
];
const json: ScalerJSON = scalers[0]!.toJSON();
const restored: Scaler = scalerFromJSON(json);
const restoredRows: number[][] = restored.fit(rows).transform(rows);

// the rest of the package resolves too
const C = new Float32Array(4);
sgemm(false, false, 2, 2, 2, 1, f32, 2, f32, 2, 0, C, 2);
const isa: string | null = backendInfo().isa;
sigmoid(f32);
const kernels: typeof lstmForward = lstmForward;

export {
  age,
  back,
  fitted,
  stream,
  again,
  applied,
  centered,
  noOptions,
  settings,
  y01,
  positional,
  y2,
  xBack,
  zs,
  restoredRows,
  isa,
  kernels,
  rowsOfTyped,
};
