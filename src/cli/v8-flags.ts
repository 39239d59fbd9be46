// V8 flags the command lines set before any Wasm module compiles (they are
// read per module compile, so setting them at start-up is enough). In a
// browser there are no flags: the code stays correct without them, only
// slower.

export { setFlagsFromString } from 'node:v8';

/**
 * V8 compiles a Wasm function lazily by default: with its baseline compiler,
 * on the calling thread, at the function's first call. Every compiled TB is
 * a function (module-builder.ts), so the main thread stopped for each newly
 * hot TB's first run (Builtins_WasmCompileLazy: ~6% of the Linux boot's main
 * thread under perf). Eagerly, WebAssembly.compile does that work on V8's
 * background threads while the interpreter goes on. Linux boot, interleaved
 * runs, median prompt s / main-thread CPU s: lazy 11.57 / 10.31 and 16.12 /
 * 14.66, eager 10.75 / 9.01 and 14.23 / 11.90 (3 and 4 rounds, the machine's
 * speed changed between the two sets). System mode only: user mode compiles
 * synchronously (tiering.ts), where lazy or eager is the same thread.
 */
export const EAGER_WASM_FLAG = '--no-wasm-lazy-compilation';

/**
 * Generated code marks its likely paths (a TLB hit, a divisor that is not
 * zero, chaining goes on, the dispatcher's jump cache hits) with the branch
 * hinting proposal's hints (encoder.ts: CodeWriter.hint);
 * Node 20's V8 reads them only under this flag, and then lays the unlikely
 * arm out of line. Linux boot, interleaved runs, main-thread CPU s medians
 * with / without: 5.20 / 5.35 (3 rounds), 5.32 / 5.59 (4 rounds). User mode
 * (wall s, 2 runs each, without / with): blake2s 0.66 0.64 / 0.57 0.60, vli
 * 1.09 1.05 / 1.06 0.93, sha256 0.53 0.54 / 0.53 0.50, sort 0.90 0.90 / 0.86 0.93.
 */
export const BRANCH_HINT_FLAG = '--experimental-wasm-branch-hinting';

/**
 * No on-stack replacement: V8 otherwise compiles a long-running call of a
 * function again with TurboFan to enter it mid-loop. The tiers' dispatch
 * loops are such functions, called once per slice, and huge: the direct
 * tier's execute was compiled 16 times on a Linux boot, 884 ms of V8's one
 * background thread (half of it OSR versions, 110 ms each), while the Wasm
 * compiles of hot TBs waited behind them (a background compile's latency:
 * p90 55 ms, max 230 ms). Without OSR: 13 compiles, 406 ms; all JS TurboFan
 * work 2.9 -> 1.9 s. The loops get optimized code at their next call, a few
 * ms later.
 */
export const NO_OSR_FLAG = '--no-use-osr';
