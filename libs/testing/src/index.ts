export { eventually, type EventuallyOptions, StopWaiting } from './eventually';
export { type AwaitJobOptions, type FinishedJob, JobWatcher, watchJobs } from './job-watcher';
