// wemu-system-riscv64's command line: the QEMU spellings it takes and clear refusals of the rest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRamSize, parseSystemCommandLine, UsageError } from '../../src/cli/system-args.js';

const parse = (s: string[]) => parseSystemCommandLine(s);
const refuses = (args: string[], pattern: RegExp) => assert.throws(() => parse(args), (e: unknown) => e instanceof UsageError && pattern.test(e.message));

test('the documented boot command line parses', () => {
  const o = parse(['-M', 'virt', '-m', '256M', '-smp', '1', '-bios', 'fw.bin', '-kernel', 'Image', '-initrd', 'initrd.gz',
    '-append', 'console=ttyS0 quiet', '-dtb', 'x.dtb', '-nographic', '-serial', 'mon:stdio',
    '-accel', 'tcg,tier=auto,thresh=5,tb-size=64,max-instances=100', '-d', 'in_asm,exec,int', '-D', 'log.txt']);
  assert.equal(o.machine, 'virt');
  assert.equal(o.ramSize, 256 << 20);
  assert.equal(o.bios, 'fw.bin');
  assert.equal(o.kernel, 'Image');
  assert.equal(o.initrd, 'initrd.gz');
  assert.equal(o.append, 'console=ttyS0 quiet');
  assert.equal(o.dtb, 'x.dtb');
  assert.equal(o.nographic, true);
  assert.deepEqual(o.tier, { kind: 'auto', threshold: 5, maxInstances: 100 });
  assert.equal(o.tbSizeMiB, 64);
  assert.deepEqual(o.logItems, ['in_asm', 'exec', 'int']);
  assert.equal(o.logFile, 'log.txt');
});

test('the cold tier: tier=direct, and cold=interp under auto', () => {
  assert.deepEqual(parse(['-accel', 'tcg,tier=direct']).tier, { kind: 'direct' });
  assert.deepEqual(parse(['-accel', 'tcg,cold=interp']).tier, { kind: 'auto', cold: 'interp' });
  refuses(['-accel', 'tcg,cold=wasm'], /cold must be direct or interp/);
});

test('-seed: decimal or 0x hex, below 2^53; none by default', () => {
  assert.equal(parse([]).seed, null);
  assert.equal(parse(['-seed', '0']).seed, 0);
  assert.equal(parse(['-seed', '12345']).seed, 12345);
  assert.equal(parse(['-seed', '0x1F']).seed, 31);
  refuses(['-seed', '-1'], /-seed must be a non-negative integer/);
  refuses(['-seed', 'abc'], /-seed must be a non-negative integer/);
  refuses(['-seed', '9007199254740992'], /-seed must be a non-negative integer/);
  refuses(['-seed'], /needs an argument/);
});

test('defaults: 128 MiB, the default firmware, tier=auto', () => {
  const o = parse([]);
  assert.equal(o.ramSize, 128 << 20);
  assert.equal(o.bios, null);
  assert.deepEqual(o.tier, { kind: 'auto' });
  assert.equal(o.kernel, null);
});

test('RAM sizes: suffixes, plain numbers in MiB, limits', () => {
  assert.equal(parseRamSize('512M'), 512 << 20);
  assert.equal(parseRamSize('1G'), 1 << 30);
  assert.equal(parseRamSize('2G'), 2 ** 31);
  assert.equal(parseRamSize('64'), 64 << 20);
  assert.equal(parseRamSize('65536K'), 64 << 20);
  assert.equal(parseRamSize('size=256M'), 256 << 20);
  assert.equal(parseRamSize('1.5G'), 1.5 * 2 ** 30);
  assert.throws(() => parseRamSize('4G'), /too large/);
  assert.throws(() => parseRamSize('1M'), /too small/);
  assert.throws(() => parseRamSize('lots'), /invalid RAM size/);
});

test('--option is -option, as in QEMU', () => {
  assert.equal(parse(['--kernel', 'Image', '--m', '64']).kernel, 'Image');
});

test('unsupported machines, SMP, serial backends and accelerators are refused by name', () => {
  refuses(['-M', 'sifive_u'], /unsupported machine 'sifive_u'/);
  refuses(['-M', 'virt,aia=aplic'], /unsupported -M property/);
  refuses(['-smp', '4'], /only one hart/);
  refuses(['-serial', 'pty'], /unsupported -serial 'pty'/);
  refuses(['-accel', 'kvm'], /only tcg/);
  refuses(['-accel', 'tcg,tier=jit'], /tier must be/);
  refuses(['-accel', 'tcg,thresh=0'], /positive integer/);
  refuses(['-accel', 'tcg,foo=1'], /unknown -accel property 'foo'/);
  refuses(['-d', 'bogus'], /unknown -d item 'bogus'/);
  refuses(['-drive', 'file=x.img'], /not supported: block devices/);
  refuses(['-netdev', 'user,id=n0'], /not supported: networking/);
  refuses(['-frobnicate'], /unknown option '-frobnicate'/);
  refuses(['disk.img'], /unexpected argument 'disk.img'/);
  refuses(['-kernel'], /needs an argument/);
});

test('inconsistent combinations are refused', () => {
  refuses(['-initrd', 'x'], /-initrd needs -kernel/);
  refuses(['-append', 'x'], /-append needs -kernel/);
  refuses(['-bios', 'none'], /-bios none needs -kernel/);
});

test('help, version and -d help skip the checks', () => {
  assert.equal(parse(['-h']).help, true);
  assert.equal(parse(['-version']).version, true);
  assert.equal(parse(['-d', 'help']).logHelp, true);
  assert.equal(parse(['-d', 'tb-stats']).tbStats, true);
});
