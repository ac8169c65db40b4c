export { WebSessionStorage, type WebSessionStorageConfig } from './cookies';
export type { WorkOSSessionConfig, WorkOSSSOConfig } from './options';
export type { SessionRecord } from './session-core';
