export type { WorkerLog } from './log';
export { silentLog } from './log';
export type { DefaultJobOptions, ScheduledJob } from './scheduled';
export { checkJobs, defaultJobs } from './scheduled';
export type { Worker, WorkerOptions } from './worker';
export { createWorker } from './worker';
