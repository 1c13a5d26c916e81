// The Optimizer base class: parameter groups, lazily created per-parameter state, the step (gradient checks and
// clipping, then one fused backend update per parameter), and state dicts. SGD, Adam, AdamW, RMSprop and Adagrad
// (one file each) define only their hyperparameters and their update call, as PyTorch's optimizers do.
import { backend } from '../backend/index.js';
import { checkChoice, checkOptions, describe, rangeError, typeError } from '../validate.js';
import { atLeastZero, integerAtLeast, isPlainObject, positive } from './check.js';
import { checkGrad, checkParameterList, parameterLabel, type Parameter } from './parameter.js';

/** What step() does when a gradient holds NaN or an infinity: throw (default), or skip the whole update. */
export type NonFinitePolicy = 'error' | 'skip';

/** Options of the optimizer as a whole (not per group); at most one of the three clipping options. */
export interface OptimizerOptions {
  /** Keras's clipnorm: each parameter's gradient is scaled to an L2 norm of at most clipNorm. */
  clipNorm?: number;
  /** Keras's global_clipnorm: all gradients are scaled together to a global L2 norm of at most globalClipNorm. */
  globalClipNorm?: number;
  /** Keras's clipvalue: each gradient element is clamped to [-clipValue, clipValue]. */
  clipValue?: number;
  /** 'error' (default): a non-finite gradient makes step() throw, having changed nothing; 'skip': step() skips. */
  nonFinite?: NonFinitePolicy;
}

const OPTIMIZER_OPTIONS = ['clipNorm', 'globalClipNorm', 'clipValue', 'nonFinite'] as const;

/** Every algorithm has a learning rate; the rest depends on the algorithm. */
export interface Hyperparameters {
  lr: number;
}

/** A parameter group: its parameters and its own hyperparameters (which schedules change, lr first of all). */
export type ParamGroup<H extends Hyperparameters = Hyperparameters> = H & {
  params: Parameter[];
  /** The lr schedules start from (PyTorch's initial_lr), set by the first schedule attached to the optimizer. */
  initialLr?: number;
};

/** A group as given to the constructor or to addParamGroup: hyperparameters it leaves out take the defaults. */
export type ParamGroupInput<H extends Hyperparameters = Hyperparameters> = Partial<H> & {
  params: Iterable<Parameter>;
  initialLr?: number;
};

/** The constructor's first argument: parameters (one group), or groups. */
export type ParamsInput<H extends Hyperparameters> = Iterable<Parameter> | Iterable<ParamGroupInput<H>>;

/** One parameter's state: counters and Float32Arrays of the parameter's length. */
export type ParameterState = Record<string, number | Float32Array | undefined>;

/**
 * An optimizer's state as plain data (JSON plus Float32Arrays, all copies), like PyTorch's state_dict(): `state` is
 * keyed by the parameter's position over all groups in order, `paramGroups` holds each group's hyperparameters and
 * its parameters' positions.
 */
export interface OptimizerStateDict {
  type: string;
  state: Record<string, Record<string, number | Float32Array>>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
  steps: number;
  skippedSteps: number;
}

/** An algorithm's definition: its name, its hyperparameters' defaults and their check, and its state's fields. */
export interface Algorithm<H extends Hyperparameters> {
  name: string;
  defaults: H;
  /**
   * Checks a complete set of hyperparameters (`at` prefixes their names in messages: '' or 'params[1].'); it runs
   * at every step too, since schedules and users change them, so it must not allocate.
   */
  check(fn: string, at: string, h: H): void;
  /** A copy of checked hyperparameters (arrays such as betas copied). */
  copy(h: H): H;
  /** The state's counters (integers >= 0) and arrays; `required` must be present in a loaded state. */
  stateCounters: readonly string[];
  stateArrays: readonly string[];
  requiredState: readonly string[];
}

export abstract class Optimizer<
  H extends Hyperparameters = Hyperparameters,
  S extends ParameterState = ParameterState,
> {
  /** The hyperparameters groups take when they do not set their own. */
  readonly defaults: Readonly<H>;
  /** The parameter groups, with their current hyperparameters (schedules change lr, momentum, betas). */
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly clipNorm: number | null;
  readonly globalClipNorm: number | null;
  readonly clipValue: number | null;
  readonly nonFinite: NonFinitePolicy;

  private readonly algorithm: Algorithm<H>;
  private readonly state = new Map<Float32Array, S>();
  private stepsTaken = 0;
  private skipped = 0;
  private skippedLast = false;
  private norms = new Float64Array(16);
  private bindListeners: Array<() => void> = [];

  protected constructor(algorithm: Algorithm<H>, params?: unknown, options?: unknown) {
    const fn = algorithm.name;
    this.algorithm = algorithm;
    // new Adam(options) and new Adam(): no parameters yet (model.compile binds them with addParamGroup)
    if (options === undefined && (params === undefined || isPlainObject(params)) && !hasParams(params)) {
      if (isPlainObject(params) && 'value' in params) {
        throw typeError(fn, 'params', 'an array of parameters or of parameter groups', params);
      }
      options = params;
      params = undefined;
    }
    const hyperKeys = Object.keys(algorithm.defaults);
    const opts = checkOptions<Record<string, unknown>>(fn, options, [...hyperKeys, ...OPTIMIZER_OPTIONS]);
    const merged = { ...algorithm.defaults } as Record<string, unknown>;
    for (const key of hyperKeys) if (opts[key] !== undefined) merged[key] = opts[key];
    algorithm.check(fn, '', merged as unknown as H);
    this.defaults = Object.freeze(algorithm.copy(merged as unknown as H));

    const clipping = OPTIMIZER_OPTIONS.slice(0, 3).filter((key) => opts[key] !== undefined);
    if (clipping.length > 1) {
      throw rangeError(fn, 'options', 'at most one of clipNorm, globalClipNorm, clipValue', clipping.join(' and '));
    }
    this.clipNorm = opts.clipNorm === undefined ? null : positive(fn, 'clipNorm', opts.clipNorm);
    this.globalClipNorm =
      opts.globalClipNorm === undefined ? null : positive(fn, 'globalClipNorm', opts.globalClipNorm);
    this.clipValue = opts.clipValue === undefined ? null : positive(fn, 'clipValue', opts.clipValue);
    this.nonFinite =
      opts.nonFinite === undefined ? 'error' : checkChoice(fn, 'nonFinite', opts.nonFinite, ['error', 'skip']);

    if (params !== undefined) this.addInitialGroups(fn, params);
  }

  /** The algorithm's name: 'SGD', 'Adam', 'AdamW', 'RMSprop' or 'Adagrad' (stateDict's type). */
  get typeName(): string {
    return this.algorithm.name;
  }

  /** Steps that updated the parameters. */
  get steps(): number {
    return this.stepsTaken;
  }

  /** Steps skipped because a gradient was not finite (nonFinite: 'skip'). */
  get skippedSteps(): number {
    return this.skipped;
  }

  /** Whether the last call of step() skipped the update. */
  get lastStepSkipped(): boolean {
    return this.skippedLast;
  }

  /**
   * Adds a parameter group, as PyTorch's add_param_group: hyperparameters it leaves out take the optimizer's
   * defaults; a parameter may belong to one group only. This is how model.compile binds an optimizer constructed
   * without parameters.
   */
  addParamGroup(group: ParamGroupInput<H>): void {
    this.addGroup(`${this.algorithm.name}.addParamGroup`, 'group', group);
  }

  /** Sets every gradient to zero (the gradients are always arrays: PyTorch's set_to_none has no equivalent). */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.grad.fill(0);
  }

  /**
   * One optimization step. First every gradient is checked (and measured, for norm clipping); a NaN or an infinity
   * anywhere throws a RangeError naming the parameter and the step (nonFinite: 'error'), or skips the whole step
   * (nonFinite: 'skip'), before any weight or state is touched. Then each parameter gets one fused update.
   * `closure`, if given, is called first and its result returned (PyTorch's closure, for re-evaluating the loss).
   */
  step(closure?: () => number): number | undefined {
    const loss = closure === undefined ? undefined : closure();
    const fn = `${this.algorithm.name}.step`;
    const groups = this.paramGroups;
    let count = 0;
    for (let g = 0; g < groups.length; g++) {
      this.algorithm.check(fn, `paramGroups[${g}].`, groups[g]);
      count += groups[g].params.length;
    }
    if (this.norms.length < count) this.norms = new Float64Array(count);
    const norms = this.norms;
    const byNorm = this.clipNorm !== null || this.globalClipNorm !== null;

    // 1. every gradient checked (and its squared norm taken) before anything changes
    let k = 0;
    let total = 0;
    for (const group of groups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (!(grad instanceof Float32Array) || grad.length !== p.value.length) {
          checkGrad(fn, `grad of ${parameterLabel(p, k)}`, grad, p.value.length);
        }
        let finite: boolean;
        if (byNorm) {
          const squares = backend.normPartial(grad, 2);
          norms[k] = squares;
          total += squares;
          finite = Number.isFinite(squares);
        } else {
          finite = backend.allFinite(grad);
        }
        if (!finite) {
          if (this.nonFinite === 'skip') {
            this.skipped++;
            this.skippedLast = true;
            return loss;
          }
          const at = grad.findIndex((v) => !Number.isFinite(v));
          throw rangeError(
            fn,
            `grad of ${parameterLabel(p, k)}`,
            'finite numbers only',
            `${grad[at]} at index ${at} in step ${this.stepsTaken + this.skipped + 1}; no weight was changed`,
          );
        }
        k++;
      }
    }

    // 2. one fused update per parameter
    const globalScale = this.globalClipNorm === null ? 1 : Math.min(1, this.globalClipNorm / Math.sqrt(total));
    const clipValue = this.clipValue ?? Infinity;
    k = 0;
    for (const group of groups) {
      for (const p of group.params) {
        let s = this.state.get(p.value);
        if (s === undefined) {
          s = this.createState(group, p);
          this.state.set(p.value, s);
        }
        const scale =
          this.clipNorm === null ? globalScale : this.clipNorm / Math.max(Math.sqrt(norms[k]), this.clipNorm);
        this.update(group, p, s, scale, clipValue);
        k++;
      }
    }
    this.stepsTaken++;
    this.skippedLast = false;
    return loss;
  }

  /**
   * The constructor's options as plain JSON, with the type: `new SGD(params, config)` (type left out) builds the same
   * optimizer again (a checkpoint stores this with stateDict()).
   */
  getConfig(): { type: string } & Record<string, unknown> {
    const config: { type: string } & Record<string, unknown> = {
      type: this.algorithm.name,
      ...(this.algorithm.copy(this.defaults) as object),
      nonFinite: this.nonFinite,
    };
    if (this.clipNorm !== null) config.clipNorm = this.clipNorm;
    if (this.globalClipNorm !== null) config.globalClipNorm = this.globalClipNorm;
    if (this.clipValue !== null) config.clipValue = this.clipValue;
    return config;
  }

  /** A copy of the state and hyperparameters as plain data, for a checkpoint (see OptimizerStateDict). */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    const paramGroups: OptimizerStateDict['paramGroups'] = [];
    let k = 0;
    for (const group of this.paramGroups) {
      const { params, ...hyper } = group;
      const indices: number[] = [];
      for (const p of params) {
        const s = this.state.get(p.value);
        if (s !== undefined) {
          const copy: Record<string, number | Float32Array> = {};
          for (const [key, value] of Object.entries(s)) {
            if (value !== undefined) copy[key] = typeof value === 'number' ? value : value.slice();
          }
          state[k] = copy;
        }
        indices.push(k++);
      }
      paramGroups.push({
        ...(this.algorithm.copy(hyper as unknown as H) as object),
        ...initialLrOf(hyper),
        params: indices,
      });
    }
    return { type: this.algorithm.name, state, paramGroups, steps: this.stepsTaken, skippedSteps: this.skipped };
  }

  /**
   * Restores a state from stateDict(): the same algorithm, the same number of groups and of parameters per group.
   * Everything is checked before anything changes; arrays are copied.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const fn = `${this.algorithm.name}.loadStateDict`;
    if (!isPlainObject(stateDict)) throw typeError(fn, 'stateDict', 'an object from stateDict()', stateDict);
    const { type, state, paramGroups, steps, skippedSteps } = stateDict as Partial<OptimizerStateDict>;
    if (type !== this.algorithm.name) {
      throw rangeError(fn, 'stateDict.type', `'${this.algorithm.name}'`, describe(type));
    }
    if (!Array.isArray(paramGroups) || paramGroups.length !== this.paramGroups.length) {
      throw rangeError(
        fn,
        'stateDict.paramGroups',
        `an array of ${this.paramGroups.length} groups (this optimizer's)`,
        describe(paramGroups),
      );
    }
    if (!isPlainObject(state)) throw typeError(fn, 'stateDict.state', 'an object', state);
    const newSteps = integerAtLeast(fn, 'stateDict.steps', steps, 0);
    const newSkipped = integerAtLeast(fn, 'stateDict.skippedSteps', skippedSteps, 0);

    const hyperKeys = Object.keys(this.algorithm.defaults);
    const groups: H[] = [];
    const initialLrs: Array<number | undefined> = [];
    const params: Parameter[] = [];
    paramGroups.forEach((saved, g) => {
      const where = `stateDict.paramGroups[${g}]`;
      if (!isPlainObject(saved)) throw typeError(fn, where, 'an object', saved);
      const own = this.paramGroups[g].params;
      if (!Array.isArray(saved.params) || saved.params.length !== own.length) {
        throw rangeError(
          fn,
          `${where}.params`,
          `an array of ${own.length} indices (the group's size)`,
          describe(saved.params),
        );
      }
      const hyper = {} as Record<string, unknown>;
      for (const key of hyperKeys) hyper[key] = saved[key];
      this.algorithm.check(fn, `${where}.`, hyper as unknown as H);
      groups.push(this.algorithm.copy(hyper as unknown as H));
      initialLrs.push(
        saved.initialLr === undefined ? undefined : atLeastZero(fn, `${where}.initialLr`, saved.initialLr),
      );
      params.push(...own);
    });
    const loaded = new Map<Float32Array, S>();
    for (const [key, saved] of Object.entries(state)) {
      const k = Number(key);
      const where = `stateDict.state[${key}]`;
      if (!Number.isInteger(k) || k < 0 || k >= params.length) {
        throw rangeError(
          fn,
          'stateDict.state',
          `keys that are parameter indices in [0, ${params.length - 1}]`,
          `'${key}'`,
        );
      }
      loaded.set(params[k].value, this.checkState(fn, where, saved, params[k].value.length));
    }

    this.paramGroups.forEach((group, g) => {
      Object.assign(group, groups[g]);
      if (initialLrs[g] === undefined) delete group.initialLr;
      else group.initialLr = initialLrs[g];
    });
    this.state.clear();
    for (const [value, s] of loaded) this.state.set(value, s);
    this.stepsTaken = newSteps;
    this.skipped = newSkipped;
  }

  /** The state of parameter `p` (PyTorch's optimizer.state[p]), or undefined before its first step. */
  stateOf(p: Parameter): Readonly<S> | undefined {
    return this.state.get(p.value);
  }

  /** The new state of a parameter at its first step (arrays of its length). */
  protected abstract createState(group: ParamGroup<H>, p: Parameter): S;

  /** One fused update of p (see src/backend/types.ts); gradScale and clipValue come from the clipping options. */
  protected abstract update(group: ParamGroup<H>, p: Parameter, state: S, gradScale: number, clipValue: number): void;

  /** @internal Calls `listener` once, when the optimizer gets its first group (schedules made before compile). */
  whenBound(listener: () => void): void {
    if (this.paramGroups.length > 0) listener();
    else this.bindListeners.push(listener);
  }

  private addInitialGroups(fn: string, params: unknown): void {
    const expected = 'an array of parameters or of parameter groups';
    if (
      typeof params !== 'object' ||
      params === null ||
      typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function'
    ) {
      throw typeError(fn, 'params', expected, params);
    }
    const items = Array.from(params as Iterable<unknown>);
    if (items.length === 0) throw rangeError(fn, 'params', `a non-empty ${expected.slice(3)}`, 'Array(0)');
    const groups = items.filter(hasParams).length;
    if (groups === 0) {
      this.addGroup(fn, 'params', { params: items as Parameter[] }, '');
    } else if (groups === items.length) {
      items.forEach((group, i) => this.addGroup(fn, `params[${i}]`, group));
    } else {
      throw typeError(fn, 'params', `${expected} (not both)`, params);
    }
  }

  // Checks a group (its parameters, its keys, its hyperparameters merged with the defaults) and adds it. `at`
  // prefixes hyperparameter names in messages ('' when the group is the constructor's parameter list).
  private addGroup(fn: string, where: string, input: unknown, at = `${where}.`): void {
    if (!isPlainObject(input)) throw typeError(fn, where, 'a parameter group { params, ...options }', input);
    const hyperKeys = Object.keys(this.algorithm.defaults);
    checkOptions(fn, input, ['params', ...hyperKeys, 'initialLr']);
    const params = checkParameterList(fn, at === '' ? where : `${where}.params`, input.params);

    const seen = new Map<Float32Array, string>();
    this.paramGroups.forEach((group, g) =>
      group.params.forEach((p, i) => seen.set(p.value, `group ${g}'s parameter ${i}`)),
    );
    params.forEach((p, i) => {
      const name = at === '' ? `${where}[${i}]` : `${where}.params[${i}]`;
      const before = seen.get(p.value);
      if (before !== undefined) {
        throw rangeError(
          fn,
          name,
          'a parameter in no other group (nor twice in one)',
          `the same value array as ${before}`,
        );
      }
      seen.set(p.value, `${where === 'group' ? 'the new group' : `group ${this.paramGroups.length}`}'s parameter ${i}`);
    });

    const merged = { ...this.defaults } as Record<string, unknown>;
    for (const key of hyperKeys) if (input[key] !== undefined) merged[key] = input[key];
    this.algorithm.check(fn, at, merged as unknown as H);
    const group = { ...this.algorithm.copy(merged as unknown as H), params } as ParamGroup<H>;
    if (input.initialLr !== undefined) group.initialLr = atLeastZero(fn, `${at}initialLr`, input.initialLr);
    this.paramGroups.push(group);
    if (this.paramGroups.length === 1) {
      const listeners = this.bindListeners;
      this.bindListeners = [];
      for (const listener of listeners) listener();
    }
  }

  // A loaded parameter state: known fields only, counters integers >= 0, arrays Float32Arrays of the length.
  private checkState(fn: string, where: string, saved: unknown, length: number): S {
    if (!isPlainObject(saved)) throw typeError(fn, where, 'an object', saved);
    const { stateCounters, stateArrays, requiredState } = this.algorithm;
    const out: Record<string, number | Float32Array> = {};
    for (const [key, value] of Object.entries(saved)) {
      if (stateCounters.includes(key)) {
        out[key] = integerAtLeast(fn, `${where}.${key}`, value, 0);
      } else if (stateArrays.includes(key)) {
        out[key] = checkGrad(fn, `${where}.${key}`, value, length).slice();
      } else {
        throw rangeError(fn, `${where}'s keys`, `among ${[...stateCounters, ...stateArrays].join(', ')}`, `'${key}'`);
      }
    }
    for (const key of requiredState) {
      if (!(key in out)) throw rangeError(fn, `${where}.${key}`, 'present', 'undefined');
    }
    return out as S;
  }
}

function hasParams(value: unknown): boolean {
  return isPlainObject(value) && 'params' in value;
}

function initialLrOf(hyper: { initialLr?: number }): { initialLr?: number } {
  return hyper.initialLr === undefined ? {} : { initialLr: hyper.initialLr };
}
