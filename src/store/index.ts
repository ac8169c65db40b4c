export { createRedisStore, type RedisStore, type RedisStoreOptions, type RedisClient } from './redis-store';
export type { SharedStore } from '../shared/store';
