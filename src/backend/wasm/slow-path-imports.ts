// The memory slow path as region modules import it (mem.load, mem.store):
// a guest exception becomes the result 1 instead of a throw, so the module
// stores the pc and leaves through its exit, which writes the cached guest
// registers back, with EXIT_RAISED; the tier then throws for the loop. The
// generated code thus writes registers back once per fault rather than
// before every slow path (emit-memory.ts).

import { isGuestException } from '../../exec/exception.js';
import { MemorySlowPath } from '../../memory/softmmu-api.js';

export interface SlowPathImports extends WebAssembly.ModuleImports {
  load(addrLo: number, addrHi: number, memop: number, mmuIdx: number): number;
  store(addrLo: number, addrHi: number, valLo: number, valHi: number, memop: number, mmuIdx: number): number;
}

export function slowPathImports(slow: MemorySlowPath): SlowPathImports {
  return {
    load(addrLo, addrHi, memop, mmuIdx) {
      try {
        slow.load(addrLo, addrHi, memop, mmuIdx);
        return 0;
      } catch (e) {
        if (isGuestException(e)) return 1;
        throw e;
      }
    },
    store(addrLo, addrHi, valLo, valHi, memop, mmuIdx) {
      try {
        slow.store(addrLo, addrHi, valLo, valHi, memop, mmuIdx);
        return 0;
      } catch (e) {
        if (isGuestException(e)) return 1;
        throw e;
      }
    },
  };
}
