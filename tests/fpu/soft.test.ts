// The exact software path against QEMU's results: every operation, every
// rounding mode, every vector; result bits and flags must all match.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fpStatus } from '../../src/fpu/status.js';
import { loadVectors, softOp } from './vectors.js';

const hex = (v: bigint): string => '0x' + v.toString(16);

for (const section of loadVectors()) {
  test(`soft path: ${section.op} matches qemu`, () => {
    const run = softOp(section.op);
    const failures: string[] = [];
    let checked = 0;
    for (const row of section.rows) {
      for (let rm = 0; rm < row.results.length; rm++) {
        fpStatus.clear();
        const r = run(row.args, rm);
        checked++;
        if (r !== row.results[rm] || fpStatus.flags !== row.flags[rm]) {
          if (failures.length < 8) {
            failures.push(`${row.args.map(hex).join(' ')} rm=${rm}: got ${hex(r)}/${fpStatus.flags} want ${hex(row.results[rm]!)}/${row.flags[rm]}`);
          } else failures.push('');
        }
      }
    }
    assert.ok(checked > 0);
    assert.equal(failures.length, 0, `${failures.length} mismatches:\n${failures.filter(Boolean).join('\n')}`);
  });
}
