/** The revocation invariants on the memory store (one process: every "instance" shares the store). */
import { createMemoryStore } from '../../src/stores/memory.js';
import { runRevocationInvariants } from './invariants.js';

runRevocationInvariants('memory', {
  stores: (count) => {
    const store = createMemoryStore();
    return Array.from({ length: count }, () => store);
  },
});
