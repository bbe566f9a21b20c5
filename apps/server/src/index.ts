// The server as a library, for the benchmark harness and for anyone embedding Foyer's front door
// in another Node process. The CLI (`foyer`) is the usual way in.
export type { App, AppDeps, AppEnv, Site } from './app';
export { createApp, createDeps } from './app';
export type { Config } from './env';
export { loadConfig, originFor } from './env';
export type { HostMatch } from './host';
export { normaliseHost, resolveHost } from './host';
export type { Logger } from './log';
export { createLogger } from './log';
export type { HubOptions, LiveStream } from './realtime/hub';
export { RealtimeHub } from './realtime/hub';
export { openDatabase } from './server';
export type { ResolvedTenant } from './tenants';
export { TenantDirectory } from './tenants';
export type { PageRenderer } from './web';
export { loadWebApp } from './web';
