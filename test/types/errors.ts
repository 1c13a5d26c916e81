// Calls that must NOT compile: each line after a `// @ts-expect-error` must be an error, or tsc fails with
// "Unused '@ts-expect-error' directive". Checked by scripts/check-types.js with correct.ts.
import { MinMaxScaler, StandardScaler, mapminmax, mapstd, normalize, type Scaler } from 'steadygrad';

interface Person {
  name: string;
  age: number;
}
const records: Person[] = [{ name: 'ada', age: 36 }];
const rows = [
  [1, 2],
  [3, 4],
];
const scaler = new StandardScaler().fit(rows);

// @ts-expect-error zscore has no range option (per-method option types)
normalize(rows, 'zscore', { range: [0, 1] });
// @ts-expect-error medianiqr takes no p
normalize(rows, 'medianiqr', { p: 2 });
// @ts-expect-error an unknown method
normalize(rows, 'zscroe');
// @ts-expect-error shape applies to a flat typed array only
normalize(rows, 'zscore', { shape: [2, 2] });
// @ts-expect-error columns name fields of the rows' type
normalize(records, 'range', { columns: ['agee'] });
// @ts-expect-error the combined form needs center, scale or both
normalize(rows, {});
// @ts-expect-error columns belong to the constructor, not to fit
new StandardScaler().fit(records, { columns: ['age'] });
// @ts-expect-error rows in, rows out: not objects
const wrongKind: Person[] = scaler.transform(rows);
// @ts-expect-error Float32Array in, Float32Array out
const wrongArray: Float64Array = scaler.transform(new Float32Array(2));
// @ts-expect-error a featureRange is a pair
new MinMaxScaler({ featureRange: [0, 1, 2] });
// @ts-expect-error mapminmax takes matrices (rows are features), not objects
mapminmax(records);
// @ts-expect-error MATLAB's names are camel-cased here: yMin
mapminmax(rows, { ymin: 0 });
// @ts-expect-error the ps of mapstd is not mapminmax's
mapminmax.apply(rows, mapstd(rows).ps);
// @ts-expect-error not a Scaler
const notAScaler: Scaler = { fit: () => undefined };

export { wrongKind, wrongArray, notAScaler };
