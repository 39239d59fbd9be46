// bench/profile-share.ts: classifying CPU-profile samples of a wemu run into tiers, on a small synthetic profile
// shaped like a real `node --cpu-prof` profile of wemu-system-riscv64 (same url and function-name spellings).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  classifyProfile, classifyStack, CpuProfile, CpuProfileCallFrame, CpuProfileNode, PROFILE_CATEGORIES, profileShares, profileSharesOfDir,
} from '../../bench/profile-share.js';

const DIST = 'file:///home/u/wemu/dist/';
const js = (file: string, functionName: string): CpuProfileCallFrame => ({ functionName, url: `${DIST}${file}` });
const builtin = (functionName: string): CpuProfileCallFrame => ({ functionName, url: '' });
const wasm = (index: number): CpuProfileCallFrame => ({ functionName: `wasm-function[${index}]`, url: 'wasm://wasm/6823724a' });

/**
 * A profile from a tree given as nested [frame, selfSamples, children] tuples: node ids in
 * depth-first order, each node sampled selfSamples times.
 */
type Tree = [CpuProfileCallFrame, number, Tree[]?];
function profileOf(root: Tree): CpuProfile {
  const nodes: CpuProfileNode[] = [];
  const samples: number[] = [];
  const add = ([callFrame, self, children = []]: Tree): number => {
    const node: CpuProfileNode = { id: nodes.length + 1, callFrame, children: [] };
    nodes.push(node);
    for (let i = 0; i < self; i++) samples.push(node.id);
    for (const child of children) node.children!.push(add(child));
    return node.id;
  };
  add(root);
  return { nodes, startTime: 1_000_000, endTime: 3_500_000, samples, timeDeltas: samples.map(() => 1000) };
}

const systemLoop = (f: string) => js('src/machine/system-loop.js', f);
const execLoop = (f: string) => js('src/exec/exec-loop.js', f);
const interp = (f: string) => js('src/backend/interp/interp-tier.js', f);
const direct = (f: string) => js('src/target/riscv/direct/direct-tier.js', f);
const wasmTier = (f: string) => js('src/backend/wasm/wasm-tier.js', f);
const tiering = (f: string) => js('src/backend/wasm/tiering.js', f);
const helper = js('src/target/riscv/system/system-helpers.js', 'fn');
const walk = js('src/target/riscv/system/mmu.js', 'walk');

const bootTree: Tree = [builtin('(root)'), 0, [
  [builtin('(garbage collector)'), 7],
  [builtin('(idle)'), 4],
  [builtin('(program)'), 2],
  // Start-up: module loading, no wemu frame with a rule.
  [js('node:internal/modules/esm/loader', 'import'), 3],
  // Start-up: building the machine and loading the images runs decoder, page-walker and device code.
  [js('src/cli/wemu-system-riscv64.js', 'runSystemCli'), 1, [
    [systemLoop('SystemMachine'), 1, [[js('src/target/riscv/system/system-cpu.js', 'createRiscvSystemCpu'), 2]]],
    [systemLoop('boot'), 0, [[js('src/machine/boot.js', 'bootVirt'), 0, [[js('src/memory/address-space.js', 'writePhys'), 3]]]]],
  ]],
  // A background compile settling: the policy's bookkeeping, then installing the module.
  [tiering('done'), 2],
  [wasmTier(''), 1, [[wasmTier('install'), 2]]],
  [systemLoop('run'), 1, [
    [systemLoop('step'), 2, [
      [js('src/hw/clint.js', 'update'), 1],
      [execLoop('run'), 10, [
        [js('src/exec/tb-cache.js', 'lookup'), 5, [
          // The TB lookup's mapping check walks the page table: MMU.
          [js('src/memory/softmmu.js', 'probe'), 0, [[walk, 2]]],
        ]],
        [interp('execute'), 40, [
          [js('src/backend/interp/arith64.js', 'mul64'), 3],
          [helper, 4, [[js('src/target/riscv/system/hart.js', 'writeCsr'), 2]]],
          [interp('missLoad'), 1, [[js('src/memory/softmmu.js', 'load'), 1, [[walk, 3]]]]],
          [interp('missStore'), 0, [[js('src/hw/uart-16550.js', 'write'), 0, [[js('node:fs', 'writeSync'), 0, [[builtin('writeBuffer'), 2]]]]]]],
        ]],
        // The direct tier: its own time, the arithmetic it shares with the IR interpreter, its slow
        // paths (helpers), and a snippet it runs in the IR interpreter.
        [direct('execute'), 25, [
          [js('src/backend/interp/arith64.js', 'div64'), 2],
          [direct('loadSlow'), 1, [[js('src/memory/softmmu.js', 'load'), 2]]],
          [interp('execute'), 3],
        ]],
        [execLoop('translate'), 6, [
          [js('src/target/riscv/riscv-target.js', 'translate'), 5, [
            // A page walk while fetching code to translate is translation.
            [js('src/target/riscv/riscv-target.js', 'fetchInsn'), 1, [[walk, 2]]],
          ]],
          [js('src/ir/optimize.js', 'optimize'), 4],
          [interp('prepare'), 0, [[js('src/backend/interp/encode.js', 'encode'), 3]]],
          [builtin('(garbage collector)'), 1],
        ]],
        [tiering('tierFor'), 3, [
          [tiering('noteSuccessor'), 2],
          [tiering('compileQueue'), 1, [
            [wasmTier('compile'), 1, [
              [wasmTier('build'), 0, [[js('src/backend/wasm/module-builder.js', 'buildModule'), 4, [[js('src/backend/wasm/byte-writer.js', 'reserve'), 2]]]]],
              [builtin('Module'), 9],
            ]],
          ]],
        ]],
        [wasmTier('execute'), 2, [
          [wasmTier('instantiate'), 0, [[builtin('Instance'), 5]]],
          [builtin('js-to-wasm:iii:i'), 1, [[wasm(0), 20, [
            [wasm(2), 30, [
              [{ functionName: 'wasm-to-js::', url: 'wasm://wasm/9f00bb2e' }, 2],
              [helper, 3, [[js('src/target/riscv/system/hart.js', 'writeMstatus'), 2]]],
              [js('src/memory/softmmu.js', 'store'), 1, [[execLoop('ExecLoop.mmu.onCodeWrite'), 0, [[execLoop('invalidateHostPage'), 0, [
                [js('src/exec/tb-cache.js', 'invalidate'), 0, [[tiering('onInvalidate'), 2]]],
              ]]]]]],
            ]],
          ]]]],
        ]],
      ]],
    ]],
  ]],
]];

const expected = {
  wasmCode: 20 + 30 + 2,
  direct: 25 + 2,
  interpreter: 40 + 3 + 3,
  translation: 6 + 5 + 1 + 2 + 4 + 3,
  wasmCompile: 1 + 4 + 2 + 9 + 5 + 2,
  helpers: 1 + 2 + 4 + 2 + 1 + 1 + 3 + 2 + 3 + 2 + 1 + 2 + 1 + 2,
  execLoop: 1 + 2 + 10 + 5 + 3 + 2 + 1 + 2 + 1 + 2,
  gc: 7 + 1,
  idle: 4,
  other: 2 + 3 + 1 + 1 + 2 + 3 + 1,
};

test('every sample of the synthetic boot profile lands in its category', () => {
  const profile = profileOf(bootTree);
  const { samples, counts } = classifyProfile(profile);
  assert.equal(samples, profile.samples.length);
  assert.deepEqual(counts, expected);
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), samples);
});

test('profileShares: fractions of the samples that sum to 1, and the covered wall time', () => {
  const profile = profileOf(bootTree);
  const s = profileShares(profile);
  const total = Object.values(expected).reduce((a, b) => a + b, 0);
  assert.equal(s.samples, total);
  assert.equal(s.profileSeconds, 2.5);
  for (const c of PROFILE_CATEGORIES) assert.ok(Math.abs(s.shares[c] - expected[c] / total) < 1e-12, c);
  assert.ok(Math.abs(Object.values(s.shares).reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('classifyStack: regions claim their subtree, innermost rule wins elsewhere, unknown stacks are other', () => {
  // Leaf first.
  assert.equal(classifyStack([walk, js('src/target/riscv/riscv-target.js', 'fetchInsn'), execLoop('translate'), execLoop('run')]), 'translation');
  assert.equal(classifyStack([walk, interp('missLoad'), interp('execute'), execLoop('run')]), 'helpers');
  assert.equal(classifyStack([helper, builtin('wasm-to-js::'), wasm(3), wasm(0), wasmTier('execute')]), 'helpers');
  assert.equal(classifyStack([{ functionName: 'wasm-to-js::', url: 'wasm://wasm/00' }, wasm(3), wasmTier('execute')]), 'wasmCode');
  assert.equal(classifyStack([builtin('GenericJSToWasmWrapper'), wasmTier('execute'), execLoop('run')]), 'execLoop');
  assert.equal(classifyStack([builtin('Module'), wasmTier('compile'), tiering('compileQueue'), tiering('tierFor')]), 'wasmCompile');
  // A builtin called Module outside the Wasm compiler is still WebAssembly.Module (only it has no url).
  assert.equal(classifyStack([builtin('Module'), execLoop('run')]), 'wasmCompile');
  assert.equal(classifyStack([js('node:internal/modules/cjs/loader', 'Module'), builtin('(root)')]), 'other');
  assert.equal(classifyStack([builtin('(garbage collector)'), builtin('(root)')]), 'gc');
  assert.equal(classifyStack([builtin('(idle)')]), 'idle');
  assert.equal(classifyStack([builtin('(program)')]), 'other');
  assert.equal(classifyStack([]), 'other');
  // A file whose path only contains a rule's path as a substring of another name does not match it.
  assert.equal(classifyStack([js('src/hwx/thing.js', 'f')]), 'other');
});

test('profileSharesOfDir sums the samples of every .cpuprofile in the directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profile-share-test-'));
  try {
    assert.equal(profileSharesOfDir(dir), undefined);
    writeFileSync(join(dir, 'CPU.1.cpuprofile'), JSON.stringify(profileOf(bootTree)));
    writeFileSync(join(dir, 'CPU.2.cpuprofile'), JSON.stringify(profileOf([builtin('(root)'), 0, [[wasm(1), 100]]])));
    writeFileSync(join(dir, 'notes.txt'), 'not a profile');
    const s = profileSharesOfDir(dir)!;
    const total = Object.values(expected).reduce((a, b) => a + b, 0) + 100;
    assert.equal(s.samples, total);
    assert.ok(Math.abs(s.shares.wasmCode - (expected.wasmCode + 100) / total) < 1e-12);
    assert.ok(Math.abs(s.shares.interpreter - expected.interpreter / total) < 1e-12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
