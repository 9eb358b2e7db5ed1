export * from './bench-options';
export * from './bench-report';
export * from './bench-app.fixture';
export * from './latency-stats';
export { runBench, type BenchRunResult } from './bench-runner';
export { main } from './cli';
