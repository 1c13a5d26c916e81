// Learning-rate schedules, as PyTorch's torch.optim.lr_scheduler, usable as fit callbacks.
export { LRScheduler, Schedule } from './schedule.js';
export type { ScheduleLogs, ScheduleInterval, ScheduleStateDict } from './schedule.js';
export { ConstantLR, ExponentialLR, LinearLR, MultiStepLR, PolynomialLR, StepLR } from './basic.js';
export type {
  ConstantLROptions,
  ExponentialLROptions,
  LinearLROptions,
  MultiStepLROptions,
  PolynomialLROptions,
  StepLROptions,
} from './basic.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';
export type { CosineAnnealingLROptions, CosineAnnealingWarmRestartsOptions } from './cosine.js';
export { OneCycleLR } from './one-cycle.js';
export type { OneCycleLROptions } from './one-cycle.js';
export { ReduceLROnPlateau } from './plateau.js';
export type { ReduceLROnPlateauOptions } from './plateau.js';
export { ChainedScheduler, SequentialLR } from './combine.js';
export type { SequentialLROptions } from './combine.js';
