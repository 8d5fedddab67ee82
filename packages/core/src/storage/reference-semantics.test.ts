import { runReferenceSemantics } from '../testing/reference-semantics.js';
import { memoryStorage } from './memory-storage.js';

// The reference against itself: guards the test's own bookkeeping (timestamps, keyset walk).
runReferenceSemantics({ name: 'memory', create: () => memoryStorage(), numRuns: 50 });
