// The system CSRs as CsrDefs for RiscvTarget's `csrs` option. Every access
// calls a helper (system-helpers.ts) that checks privilege, counteren, TVM,
// STCE and FS at run time and does the WARL work in hart.ts; what is static
// stays static: CSRs whose number says read-only have no write side, so
// writing them is illegal at translation time (translate-csr.ts).
//
// The user-level CSRs (fflags, frm, fcsr, cycle, time, instret) are
// redefined here: in system mode they obey mstatus.FS and [ms]counteren.

import { CsrDef } from '../translate-csr.js';
import { Csr } from './csr-layout.js';
import { systemCsrNames } from './hart.js';

/** Writes that change TB flags, the MMU or interrupt delivery end the TB (and the helper may request an exit). */
const WRITE_ENDS_TB: ReadonlySet<number> = new Set([
  Csr.MSTATUS, Csr.SSTATUS, Csr.SATP, Csr.MIE, Csr.SIE, Csr.MIP, Csr.SIP, Csr.MIDELEG, Csr.MENVCFG, Csr.STIMECMP,
]);

function isCounter(csr: number): boolean {
  return (csr >= Csr.CYCLE && csr <= Csr.HPMCOUNTER31) || (csr >= Csr.MCYCLE && csr <= Csr.MHPMCOUNTER31);
}

function csrDef(csr: number, name: string): CsrDef {
  const readOnly = ((csr >>> 10) & 3) === 3;
  return {
    name,
    read: (ctx, d) => ctx.b.call(ctx.helper('sys_csr_read'), [d], [ctx.c32(csr), ctx.c32(ctx.insn | 0)]),
    ...(readOnly ? {} : {
      write: (ctx, v) => ctx.b.call(ctx.helper('sys_csr_write'), [], [ctx.c32(csr), v, ctx.c32(ctx.insn | 0)]),
    }),
    endsTb: WRITE_ENDS_TB.has(csr),
    // Counter reads must be their TB's last instruction (see translate-csr.ts's counter()).
    readEndsTb: isCounter(csr),
  };
}

/** Every CSR a system-mode hart implements (Sstc's stimecmp only when `sstc`). */
export function systemCsrDefs(sstc = true): Map<number, CsrDef> {
  const defs = new Map<number, CsrDef>();
  for (const [csr, name] of systemCsrNames(sstc)) defs.set(csr, csrDef(csr, name));
  return defs;
}
