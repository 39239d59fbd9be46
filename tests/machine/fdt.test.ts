import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FDT_MAGIC, fdtFind, fdtNode, fdtPropCells, fdtPropStrings, parseFdt, u64Cells, writeFdt } from '../../src/machine/fdt.js';

test('the header is v17 big-endian with blocks in order and the strings deduplicated', () => {
  const root = fdtNode('', { '#address-cells': 2, compatible: 'x' }, [
    fdtNode('a@1', { compatible: 'y', reg: [1, 2] }),
  ]);
  const blob = writeFdt(root, { reservations: [{ address: 0x80000000n, size: 0x1000n }], bootCpuid: 0 });
  const dv = new DataView(blob.buffer);
  assert.equal(dv.getUint32(0), FDT_MAGIC);
  assert.equal(dv.getUint32(4), blob.length);
  const [structOff, stringsOff, rsvOff] = [dv.getUint32(8), dv.getUint32(12), dv.getUint32(16)];
  assert.equal(dv.getUint32(20), 17);
  assert.equal(dv.getUint32(24), 16);
  assert.equal(rsvOff, 40);
  assert.equal(rsvOff % 8, 0);
  assert.equal(structOff, rsvOff + 32, 'one reservation plus the terminator');
  assert.equal(structOff % 4, 0);
  assert.equal(stringsOff, structOff + dv.getUint32(36));
  const strings = new TextDecoder().decode(blob.subarray(stringsOff, stringsOff + dv.getUint32(32)));
  assert.equal(strings, '#address-cells\0compatible\0reg\0');
  assert.equal(dv.getUint32(structOff), 1, 'FDT_BEGIN_NODE first');
});

test('a tree reads back with the same nodes, properties and reservations', () => {
  const root = fdtNode('', { model: 'm' }, [
    fdtNode('chosen', { bootargs: 'console=ttyS0', 'linux,initrd-start': u64Cells(0x88000000) }),
    fdtNode('cpus', { '#size-cells': 0 }, [fdtNode('cpu@0', { 'interrupt-controller': true, compatible: ['a', 'b'] })]),
  ]);
  const parsed = parseFdt(writeFdt(root, { reservations: [{ address: 1n, size: 2n }] }));
  assert.deepEqual(parsed.reservations, [{ address: 1n, size: 2n }]);
  assert.equal(parsed.version, 17);
  assert.deepEqual(fdtPropStrings(fdtFind(parsed.root, '/chosen')!, 'bootargs'), ['console=ttyS0']);
  assert.deepEqual(fdtPropCells(fdtFind(parsed.root, '/chosen')!, 'linux,initrd-start'), [0, 0x88000000]);
  const cpu = fdtFind(parsed.root, '/cpus/cpu@0')!;
  assert.deepEqual(fdtPropStrings(cpu, 'compatible'), ['a', 'b']);
  assert.equal(cpu.props.find(([n]) => n === 'interrupt-controller')![1].toString(), '');
  assert.equal(fdtFind(parsed.root, '/nope'), null);
});

test('bad blobs are refused', () => {
  assert.throws(() => parseFdt(new Uint8Array(64)), /bad magic/);
});
