// Callbacks for fit, Keras-style: objects with any of the hooks below, called in order and awaited when they return
// a promise. epoch and batch are 0-based; logs hold `loss`, each metric by name, and at epoch end `val_loss` and
// `val_<metric>` when there is validation data. Setting `model.stopTraining = true` stops fit after the current
// batch (from onBatchEnd) or epoch (from onEpochEnd).
//
// Learning-rate schedules of the optimizers (src/optim/) are callbacks too: they implement the same hooks.
import { SingleBar } from 'cli-progress';
import { checkBoolean, checkChoice, checkFinite, checkInteger, checkOptions, rangeError } from '../validate.js';
import type { Parameter } from '../layers/layer.js';

export type Logs = Record<string, number>;

/** What a callback sees of the model. */
export interface CallbackModel {
  stopTraining: boolean;
  parameters(): Parameter[];
}

/** Information the gradient hook receives (see Callback.onGradients). */
export interface GradientStep {
  /** The optimizer step about to be taken, counted from 0 over the model's life. */
  step: number;
  epoch: number;
  batch: number;
  loss: number;
  /** The model's parameters, with this batch's gradients in `grad`. */
  parameters: Parameter[];
}

export interface Callback {
  /** Called by fit with the model before training starts. */
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /**
   * After the backward pass and before the optimizer step, with every gradient in place (synchronous): where a
   * gradient monitor reads norms. Calling it costs nothing when no callback has it.
   */
  onGradients?(info: GradientStep): void;
}

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/** The callbacks of one fit call, with the hooks each one has looked up once. */
export class CallbackList {
  readonly hasGradientHooks: boolean;
  constructor(readonly callbacks: Callback[]) {
    this.hasGradientHooks = callbacks.some((c) => typeof c.onGradients === 'function');
  }

  async call(hook: Hook, ...args: [Logs] | [number, Logs]): Promise<void> {
    for (const c of this.callbacks) {
      const callback = c as Record<Hook, ((...a: unknown[]) => void | Promise<void>) | undefined>;
      if (typeof callback[hook] === 'function') await callback[hook](...args); // called as a method: `this` is c
    }
  }

  gradients(info: GradientStep): void {
    for (const c of this.callbacks) c.onGradients?.(info);
  }
}

/** What fit returns: the logs of every epoch, as Keras' History. */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
}

export interface EarlyStoppingOptions {
  /** The log to watch; default 'val_loss'. */
  monitor?: string;
  /** The least change that counts as an improvement; default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  /** 'min', 'max', or 'auto' (default: 'max' for accuracies, 'min' otherwise). */
  mode?: 'auto' | 'min' | 'max';
  /** A value the monitored quantity must beat; default none. */
  baseline?: number;
  /**
   * Put back the weights of the best epoch when training ends (stopped early or not); default false. The copy is
   * taken at each improvement, so it costs one copy of the parameters per better epoch.
   */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching; default 0. */
  startFromEpoch?: number;
}

/** Stops training when the monitored log stops improving, as Keras' EarlyStopping. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** The epoch training stopped at (0 when it did not stop early). */
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = -1;
  private wait = 0;
  private bestWeights: Float32Array[] | null = null;
  private model: CallbackModel | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const fn = 'earlyStopping';
    const o = checkOptions<EarlyStoppingOptions>(fn, options, [
      'monitor',
      'minDelta',
      'patience',
      'mode',
      'baseline',
      'restoreBestWeights',
      'startFromEpoch',
    ]);
    this.monitor = o.monitor === undefined ? 'val_loss' : String(o.monitor);
    this.minDelta = Math.abs(o.minDelta === undefined ? 0 : checkFinite(fn, 'minDelta', o.minDelta));
    this.patience = o.patience === undefined ? 0 : checkInteger(fn, 'patience', o.patience, 0, 1e9);
    const mode = o.mode === undefined ? 'auto' : checkChoice(fn, 'mode', o.mode, ['auto', 'min', 'max'] as const);
    this.mode = mode !== 'auto' ? mode : /acc/.test(this.monitor) ? 'max' : 'min';
    this.baseline = o.baseline === undefined ? null : checkFinite(fn, 'baseline', o.baseline);
    this.restoreBestWeights =
      o.restoreBestWeights === undefined ? false : checkBoolean(fn, 'restoreBestWeights', o.restoreBestWeights);
    this.startFromEpoch =
      o.startFromEpoch === undefined ? 0 : checkInteger(fn, 'startFromEpoch', o.startFromEpoch, 0, 1e9);
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = -1;
    this.bestWeights = null;
  }

  private improved(value: number, reference: number): boolean {
    return this.mode === 'min' ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw rangeError(
        'earlyStopping',
        'monitor',
        `one of the logs (${Object.keys(logs).join(', ')}); val_ logs need validationData or validationSplit`,
        `'${this.monitor}'`,
      );
    }
    if (epoch < this.startFromEpoch) return;
    // Keras 3's order of operations, so that patience counts the same epochs.
    this.wait += 1;
    if (this.improved(value, this.best)) {
      this.best = value;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.saveWeights();
      if (this.baseline === null || this.improved(value, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0 && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (!this.restoreBestWeights || !this.bestWeights || !this.model) return;
    const params = this.model.parameters();
    for (let i = 0; i < params.length; i++) params[i].value.set(this.bestWeights[i]);
  }

  private saveWeights(): void {
    if (!this.model) return;
    this.bestWeights = this.model.parameters().map((p) => p.value.slice());
  }
}

/** earlyStopping(options): an EarlyStopping callback. */
export function earlyStopping(options?: EarlyStoppingOptions): EarlyStopping {
  return new EarlyStopping(options);
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
const formatLogs = (logs: Logs) =>
  Object.entries(logs)
    .map(([k, v]) => `${k}: ${fmt(v)}`)
    .join(' - ');

/** Where progress goes: process.stdout, or any stream with write() (and isTTY when it is a terminal). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * fit's progress output. verbose 1: a progress bar (cli-progress) with the running loss, metrics, rate and ETA when
 * the stream is a terminal, one line per epoch otherwise; verbose 2: one line per epoch; verbose 0: nothing.
 */
export class ProgressLogger implements Callback {
  private bar: SingleBar | null = null;
  private started = 0;
  constructor(
    private readonly verbose: 0 | 1 | 2,
    private readonly epochs: number,
    private readonly batches: number | null,
    private readonly stream: ProgressStream = process.stdout,
  ) {}

  private get tty(): boolean {
    return this.verbose === 1 && this.stream.isTTY === true && this.batches !== null;
  }

  onEpochBegin(epoch: number): void {
    this.started = performance.now();
    if (!this.tty) return;
    this.stream.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
    this.bar = new SingleBar({
      stream: this.stream as NodeJS.WritableStream,
      format: ' {bar} {value}/{total} | {rate} batch/s | ETA {eta_formatted} | {logs}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    });
    this.bar.start(this.batches as number, 0, { logs: '', rate: '-' });
  }

  onBatchEnd(batch: number, logs: Logs): void {
    if (!this.bar) return;
    const seconds = (performance.now() - this.started) / 1000;
    this.bar.update(batch + 1, {
      logs: formatLogs(logs),
      rate: seconds > 0 ? ((batch + 1) / seconds).toFixed(1) : '-',
    });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const ms = performance.now() - this.started;
    if (this.bar) {
      this.bar.update({ logs: formatLogs(logs) });
      this.bar.stop();
      this.bar = null;
      return;
    }
    if (this.verbose === 0) return;
    this.stream.write(`Epoch ${epoch + 1}/${this.epochs} - ${Math.round(ms)} ms - ${formatLogs(logs)}\n`);
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
