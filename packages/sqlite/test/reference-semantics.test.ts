import { runReferenceSemantics } from '@pawl/core/testing';
import { sqliteStorage } from '@pawl/sqlite';

// `a` and `a.k` are also declared as expression indexes, so both ways of reading a field run.
runReferenceSemantics({
  name: 'sqlite',
  create: () => sqliteStorage({ path: ':memory:', indexes: { items: ['a', 'a.k'] } }),
});
