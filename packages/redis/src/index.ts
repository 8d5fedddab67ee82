/**
 * `@pawl/redis`: a Pawl cache backend on Redis (ioredis), shared by every process of an app.
 *
 * @module
 */

export { type RedisCacheOptions, redisCache } from './redis-cache.js';
