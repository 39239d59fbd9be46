// riscv64 Linux `struct stat` (asm-generic/stat.h, 128 bytes) and
// `struct statx` (256 bytes) from a host stat result.

import type { BigIntStats } from 'node:fs';

export const STAT_SIZE = 128;
export const STATX_SIZE = 256;

/** statx mask bits: type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks. */
export const STATX_BASIC_STATS = 0x7ff;
export const STATX_BTIME = 0x800;

/** The fields we need from a stat result (a subset of node's BigIntStats, so tests can build one). */
export type StatSource = Pick<BigIntStats,
  'dev' | 'ino' | 'mode' | 'nlink' | 'uid' | 'gid' | 'rdev' | 'size' | 'blksize' | 'blocks' |
  'atimeNs' | 'mtimeNs' | 'ctimeNs' | 'birthtimeNs'>;

const NS_PER_S = 1_000_000_000n;

export function encodeStat(st: StatSource): Uint8Array {
  const out = new Uint8Array(STAT_SIZE);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt.asUintN(64, st.dev), true);
  dv.setBigUint64(8, BigInt.asUintN(64, st.ino), true);
  dv.setUint32(16, Number(st.mode), true);
  dv.setUint32(20, Number(st.nlink), true);
  dv.setUint32(24, Number(st.uid), true);
  dv.setUint32(28, Number(st.gid), true);
  dv.setBigUint64(32, BigInt.asUintN(64, st.rdev), true);
  dv.setBigInt64(48, st.size, true);
  dv.setInt32(56, Number(st.blksize), true);
  dv.setBigInt64(64, st.blocks, true);
  const times = [st.atimeNs, st.mtimeNs, st.ctimeNs];
  times.forEach((ns, i) => {
    dv.setBigInt64(72 + i * 16, floorDiv(ns, NS_PER_S), true);
    dv.setBigUint64(80 + i * 16, ns - floorDiv(ns, NS_PER_S) * NS_PER_S, true);
  });
  return out;
}

/** Linux's dev_t encoding -> (major, minor). */
export function devMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)) >>> 0;
}

export function devMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)) >>> 0;
}

export function encodeStatx(st: StatSource): Uint8Array {
  const out = new Uint8Array(STATX_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, STATX_BASIC_STATS | STATX_BTIME, true);
  dv.setUint32(4, Number(st.blksize), true);
  dv.setUint32(16, Number(st.nlink), true);
  dv.setUint32(20, Number(st.uid), true);
  dv.setUint32(24, Number(st.gid), true);
  dv.setUint16(28, Number(st.mode), true);
  dv.setBigUint64(32, BigInt.asUintN(64, st.ino), true);
  dv.setBigUint64(40, BigInt.asUintN(64, st.size), true);
  dv.setBigUint64(48, BigInt.asUintN(64, st.blocks), true);
  // Timestamps: atime +64, btime +80, ctime +96, mtime +112, each {i64 sec, u32 nsec, pad}.
  const stamps: [number, bigint][] = [[64, st.atimeNs], [80, st.birthtimeNs], [96, st.ctimeNs], [112, st.mtimeNs]];
  for (const [off, ns] of stamps) {
    const sec = floorDiv(ns, NS_PER_S);
    dv.setBigInt64(off, sec, true);
    dv.setUint32(off + 8, Number(ns - sec * NS_PER_S), true);
  }
  dv.setUint32(128, devMajor(BigInt.asUintN(64, st.rdev)), true);
  dv.setUint32(132, devMinor(BigInt.asUintN(64, st.rdev)), true);
  dv.setUint32(136, devMajor(BigInt.asUintN(64, st.dev)), true);
  dv.setUint32(140, devMinor(BigInt.asUintN(64, st.dev)), true);
  return out;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}
