/**
 * Lets every sub-request of a batch run inside the batch's one transaction. The app hands
 * endpoints a storage whose calls go to the current batch session when there is one
 * (tracked with AsyncLocalStorage), and to the real backend otherwise.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { StorageBackend, StorageSession } from '../storage/types.js';

export interface BatchStorage {
  /** The storage endpoints use. */
  storage: StorageBackend;
  /** Runs `work` in one transaction shared by every storage call made inside it. */
  inOneTransaction<T>(work: () => Promise<T>): Promise<T>;
  /** Whether the caller runs inside a batch's transaction. */
  inTransaction(): boolean;
}

export function batchStorage(backend: StorageBackend): BatchStorage {
  const current = new AsyncLocalStorage<StorageSession>();
  const session = (): StorageSession => current.getStore() ?? backend;

  const storage: StorageBackend = {
    name: backend.name,
    capabilities: backend.capabilities,
    get: (collection, id) => session().get(collection, id),
    list: (collection, query) => session().list(collection, query),
    count: (collection, query) => session().count(collection, query),
    timestamp: (collection) => session().timestamp(collection),
    put: (collection, record, options) => session().put(collection, record, options),
    delete: (collection, id, options) => session().delete(collection, id, options),
    transaction(work) {
      const open = current.getStore();
      return open ? work(open) : backend.transaction(work);
    },
    heartbeat: () => backend.heartbeat(),
    close: () => backend.close(),
  };

  return {
    storage,
    inOneTransaction: (work) => backend.transaction((open) => current.run(open, work)),
    inTransaction: () => current.getStore() !== undefined,
  };
}
