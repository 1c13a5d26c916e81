// Gradient health: a monitor for fit and custom loops, verdicts, reports, and a finite-difference gradient check.
export { GradientMonitor, gradientMonitor } from './monitor.js';
export type { GradientMonitorJSON, GradientMonitorOptions, ObserveInfo } from './monitor.js';
export { DEFAULT_THRESHOLDS, judge } from './verdicts.js';
export type {
  LayerInfo,
  MonitorData,
  ParameterInfo,
  StateGradientRecord,
  StepRecord,
  Thresholds,
  Verdict,
  VerdictKind,
} from './verdicts.js';
export { gradCheck } from './grad-check.js';
export type { GradCheckOptions, GradCheckParameter, GradCheckResult } from './grad-check.js';
