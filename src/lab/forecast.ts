// Experiment 6, on real data: the monthly Mauna Loa CO2 record (bundled in data/). An LSTM reads the last 24 months
// and predicts the next one; the last 5 years are held out and predicted one month ahead from the true past. Once on
// raw values in ppm (320 to 400: every tanh and sigmoid in the cell saturates, and the output layer must reach 400
// from states within (-1, 1)), once on values z-scored with the training months' mean and standard deviation
// (StandardScaler), mapped back to ppm for the error. Both against the seasonal-naive forecast (the value 12 months
// earlier) and persistence (the previous month).
import { formatNumber } from '../diagnostics/verdicts.js';
import { layers } from '../layers/registry.js';
import { sequential } from '../model/sequential.js';
import { StandardScaler } from '../normalize/index.js';
import { Adam } from '../optim/index.js';
import { type Tensor, loadCo2 } from './data.js';
import { type Experiment, train } from './experiment.js';

const WINDOW = 24;
const TEST_MONTHS = 60;
const UNITS = 32;
const LR = 3e-3;

// Windows of WINDOW values before each target month t in [from, to), and the targets.
function windows(series: ArrayLike<number>, from: number, to: number): { x: Tensor; y: Tensor } {
  const n = to - from;
  const x = new Float32Array(n * WINDOW);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = from + i;
    for (let k = 0; k < WINDOW; k++) x[i * WINDOW + k] = series[t - WINDOW + k];
    y[i] = series[t];
  }
  return { x: { data: x, shape: [n, WINDOW, 1] }, y: { data: y, shape: [n, 1] } };
}

const rmse = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
};

export const forecast: Experiment = {
  name: 'forecast',
  title: 'Forecasting Mauna Loa CO2 with an LSTM, raw and z-scored',
  question: 'On real data, what does z-score normalization do for an LSTM forecaster?',
  async run(ctx) {
    const small = ctx.size === 'small';
    const epochs = small ? 100 : 200;
    const months = loadCo2();
    const ppm = months.map((m) => m.co2);
    const cut = ppm.length - TEST_MONTHS;
    const actual = ppm.slice(cut);
    const label = (i: number) => `${months[i].year}-${String(months[i].month).padStart(2, '0')}`;
    const seasonal = actual.map((_, i) => ppm[cut + i - 12]);
    const persistence = actual.map((_, i) => ppm[cut + i - 1]);

    const scaler = new StandardScaler().fit(ppm.slice(0, cut).map((v) => [v]));
    const zscored = scaler.transform(ppm.map((v) => [v])).map((r) => r[0]);
    const runs = [];
    const predictions: Record<string, number[]> = {};
    for (const [name, series] of [
      ['raw ppm', ppm],
      ['z-score', zscored],
    ] as const) {
      ctx.progress(name);
      const trainSet = windows(series, WINDOW, cut);
      const testSet = windows(series, cut, ppm.length);
      const model = sequential([layers.lstm({ units: UNITS, inputShape: [WINDOW, 1] }), layers.dense({ units: 1 })], {
        seed: ctx.seed,
      });
      model.compile({ optimizer: new Adam({ lr: LR }), loss: 'mse' });
      const result = await train(model, trainSet.x, trainSet.y, { epochs, batchSize: 32, seed: ctx.seed });
      const out = Array.from(model.predict(testSet.x).data);
      const inPpm = name === 'z-score' ? scaler.inverseTransform(out.map((v) => [v])).map((r) => r[0]) : out;
      predictions[name] = inPpm;
      runs.push({
        name,
        trainLoss: result.epochLosses.at(-1) ?? NaN,
        divergedAt: result.divergedAt,
        rmse: result.divergedAt === null ? rmse(inPpm, actual) : NaN,
      });
    }
    const seasonalRmse = rmse(seasonal, actual);
    const persistenceRmse = rmse(persistence, actual);

    const fmt = formatNumber;
    const table = {
      columns: ['forecast', `test RMSE (ppm), ${label(cut)} to ${label(ppm.length - 1)}`, 'RMSE / seasonal naive'],
      rows: [
        ...runs.map((r) => [
          `LSTM, ${r.name}`,
          r.divergedAt === null ? fmt(r.rmse) : `diverged at step ${r.divergedAt}`,
          fmt(r.rmse / seasonalRmse),
        ]),
        ['seasonal naive (12 months earlier)', fmt(seasonalRmse), '1'],
        ['persistence (previous month)', fmt(persistenceRmse), fmt(persistenceRmse / seasonalRmse)],
      ],
      caption: `One month ahead from the true past 24 months; trained on ${label(WINDOW)} to ${label(cut - 1)} (${cut - WINDOW} windows), LSTM(${UNITS}) and a dense output, MSE, Adam lr ${LR}, batch 32, ${epochs} epochs. z-score: mean ${fmt(scaler.mean?.[0] ?? NaN)} ppm, standard deviation ${fmt(scaler.scale?.[0] ?? NaN)} ppm of the training months.`,
    };
    const [raw, z] = runs;
    const shown = z.rmse < seasonalRmse && (!(raw.rmse < seasonalRmse) || raw.divergedAt !== null);
    const text = shown
      ? `Shown: z-scored, the LSTM forecasts the held-out ${TEST_MONTHS} months with an RMSE of ${fmt(z.rmse)} ppm, ${fmt(z.rmse / seasonalRmse)} of the seasonal-naive ${fmt(seasonalRmse)} ppm (persistence, the previous month, gives ${fmt(persistenceRmse)}); on raw ppm the same model and budget is off by ${fmt(raw.rmse)} ppm.`
      : `Not shown: test RMSE ${fmt(z.rmse)} ppm z-scored and ${fmt(raw.rmse)} ppm raw, against ${fmt(seasonalRmse)} ppm for the seasonal-naive forecast.`;
    const chart = actual.flatMap((v, i) => [
      { month: label(cut + i), index: i, ppm: v, series: 'measured' },
      { month: label(cut + i), index: i, ppm: predictions['z-score'][i], series: 'LSTM, z-score' },
      { month: label(cut + i), index: i, ppm: seasonal[i], series: 'seasonal naive' },
    ]);
    return {
      setup: `Monthly CO2 at Mauna Loa (Scripps CO2 Program, via vega-datasets), ${label(0)} to ${label(ppm.length - 1)}; the last ${TEST_MONTHS} months held out. Each example: the previous ${WINDOW} months as a sequence of one feature; target: the next month.`,
      tables: [table],
      charts: [
        {
          title: `Held-out months: measured, LSTM (z-score) and seasonal naive, ppm`,
          x: { field: 'index', title: `months from ${label(cut)}` },
          y: { field: 'ppm', title: 'CO2 (ppm)' },
          series: { field: 'series', title: 'series' },
          values: chart,
          caption: `The raw-ppm LSTM is left out of the chart: its RMSE is ${fmt(raw.rmse)} ppm.`,
        },
      ],
      verdicts: [],
      conclusion: { shown, text },
      numbers: { seasonalRmse, persistenceRmse, runs, months: ppm.length, testMonths: TEST_MONTHS },
    };
  },
};
