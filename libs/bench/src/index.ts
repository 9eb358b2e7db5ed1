export {
  MAX_OBJECTS,
  MIN_OBJECTS,
  benchAppFiles,
  benchApplication,
  benchApps,
  benchObjects,
} from './bench-app.fixture';
export type { BenchAppKind, BenchAppSpec } from './bench-app.fixture';
export { BenchOptionsError, SCENARIOS, USAGE, parseBenchOptions } from './bench-options';
export type { BenchOptions, ScenarioName } from './bench-options';
export { renderSummaryTable, withRatios } from './bench-report';
export type { BenchFigure, BenchReport, ScenarioOutcome } from './bench-report';
export { runBench } from './bench-runner';
export type { BenchRunResult } from './bench-runner';
export { main } from './cli';
export { mapConcurrent, percentile, summarize } from './latency-stats';
export type { LatencySummary } from './latency-stats';
