/**
 * Lets every sub-request of a batch run inside the batch's one transaction. The app hands
 * endpoints a storage whose calls go to the current batch session when there is one
 * (tracked with AsyncLocalStorage), and to the real backend otherwise. Work that must wait for
 * the commit (the `after*` hooks) waits for the batch's: it runs once the batch is committed,
 * and not at all when the batch is rolled back.
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
  /** Runs `work` once the caller's writes are committed: now, or after its batch's commit. */
  afterCommit(work: () => Promise<void> | void): Promise<void>;
}

type AfterCommit = () => Promise<void> | void;

interface OpenBatch {
  session: StorageSession;
  /** What runs once the batch is committed, in order. */
  afterCommit: AfterCommit[];
}

export function batchStorage(backend: StorageBackend): BatchStorage {
  const current = new AsyncLocalStorage<OpenBatch>();
  const session = (): StorageSession => current.getStore()?.session ?? backend;

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
      return open ? work(open.session) : backend.transaction(work);
    },
    heartbeat: () => backend.heartbeat(),
    close: () => backend.close(),
  };

  return {
    storage,
    async inOneTransaction(work) {
      const afterCommit: AfterCommit[] = [];
      const result = await backend.transaction((session) =>
        current.run({ session, afterCommit }, work),
      );
      for (const run of afterCommit) await run();
      return result;
    },
    inTransaction: () => current.getStore() !== undefined,
    async afterCommit(work) {
      const open = current.getStore();
      if (open) open.afterCommit.push(work);
      else await work();
    },
  };
}
