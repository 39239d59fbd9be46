// Child process of warm-up.test.ts, run with --allow-natives-syntax
// --trace-deopt: optimizes the interpreter's execute at once, with or without
// the warm-up (argv[2] 'warm' or 'cold'), then runs random TBs through it.

import { InterpTier } from '../../src/backend/interp/interp-tier.js';
import { warmUpInterpreter } from '../../src/backend/interp/warm-up.js';
import { HelperTable } from '../../src/exec/helpers.js';
import { LinearMemory } from '../../src/memory/linear-memory.js';
import { fuzzInterpreter } from '../wasm/ir-fuzz.js';
import { runShapes } from './warm-up-shapes.js';

/** A V8 runtime call on f (the % syntax only parses in code made at run time). */
const native = (call: string): ((f: unknown) => void) => new Function('f', `${call}(f);`) as (f: unknown) => void;

const execute = InterpTier.prototype.execute;
if (process.argv[2] === 'warm') warmUpInterpreter();
native('%PrepareFunctionForOptimization')(execute);
native('%OptimizeFunctionOnNextCall')(execute);
fuzzInterpreter(7, 400);
const mem = new LinearMemory(), helpers = new HelperTable();
runShapes(mem, helpers, new InterpTier(mem, helpers, { load() {}, store() {} }));
