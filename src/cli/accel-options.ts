// Pieces of command-line parsing shared by wemu-riscv64 (user-args.ts) and
// wemu-system-riscv64 (system-args.ts): the usage error both throw, positive
// integer values, and the -accel tcg[,prop=value...] option.

import type { TierKind, TierOptions } from '../user/tier-options.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${what} must be a positive integer, not '${text}'`);
  const n = Number(text);
  if (n <= 0 || !Number.isSafeInteger(n)) throw new UsageError(`${what} must be a positive integer, not '${text}'`);
  return n;
}

/** The options -accel sets. */
export interface AccelOptions {
  tbSizeMiB: number | undefined;
  tier: TierOptions;
}

/**
 * Parse `-accel tcg[,tb-size=N][,tier=interp|direct|wasm|auto][,cold=direct|interp][,thresh=N][,max-instances=N]` into opts.
 * extraProperty handles properties only one front end knows: it returns true when it took the key.
 */
export function parseAccel(text: string, opts: AccelOptions, extraProperty?: (key: string, value: string) => boolean): void {
  const [accel, ...props] = text.split(',');
  if (accel !== 'tcg') throw new UsageError(`unsupported accelerator '${accel}' (only tcg)`);
  for (const prop of props) {
    const eq = prop.indexOf('=');
    if (eq < 0) throw new UsageError(`-accel property '${prop}' needs a value`);
    const key = prop.slice(0, eq), value = prop.slice(eq + 1);
    switch (key) {
      case 'tb-size': opts.tbSizeMiB = positiveInt(value, 'tb-size'); break;
      case 'tier':
        if (value !== 'interp' && value !== 'direct' && value !== 'wasm' && value !== 'auto') {
          throw new UsageError(`tier must be interp, direct, wasm or auto, not '${value}'`);
        }
        opts.tier.kind = value as TierKind;
        break;
      case 'cold':
        if (value !== 'direct' && value !== 'interp') throw new UsageError(`cold must be direct or interp, not '${value}'`);
        opts.tier.cold = value;
        break;
      case 'thresh': opts.tier.threshold = positiveInt(value, 'thresh'); break;
      case 'max-instances': opts.tier.maxInstances = positiveInt(value, 'max-instances'); break;
      default:
        if (extraProperty?.(key, value)) break;
        throw new UsageError(`unknown -accel property '${key}' (known: tb-size, tier, cold, thresh, max-instances)`);
    }
  }
}
