export {
  AttachError,
  type AttachOptions,
  attachSightline,
  type SightlineHandle,
  type TestRunStatus,
} from './attach.js'
export type { OpenStep } from './steps.js'
export {
  FRUSTRATION_KINDS,
  type FrustrationKind,
  type PageVitals,
  type SightlineSignal,
  type SightlineSummary,
  type SignalKind,
  type StepRecord,
  VITAL_THRESHOLDS,
  VITALS,
  type VitalName,
  type VitalValue,
} from './summary.js'
export type { TestRunOptions } from './testRun.js'
