// Delivering a signal to a guest handler and returning from it, with the
// riscv64 Linux rt_sigframe (arch/riscv/kernel/signal.c):
//
//   frame +0    siginfo (128 bytes)
//   frame +128  ucontext: uc_flags, uc_link, uc_stack (24), uc_sigmask (8),
//               padding to 1024 bits of mask, then at +176 (16-aligned)
//               uc_mcontext = sigcontext { pc, x1..x31; f0..f31, fcsr }
//
// The handler is entered with a0 = signo, a1 = &info, a2 = &uc, sp = frame
// and ra = a sigreturn trampoline (li a7, 139; ecall), which riscv Linux
// keeps in the vDSO and we keep in a page of our own.

import { Prot } from '../memory/softmmu-api.js';
import { GuestMemoryMap } from './guest-memory-map.js';
import { GuestRegisters, Reg } from './guest-registers.js';
import { Map_ } from './linux-mman.js';
import { SaFlag, SigInfo, signalBit, SignalState, SIG_DFL, SIG_IGN, SS_DISABLE, SS_ONSTACK } from './signals.js';

const SIGINFO_SIZE = 128;
const UC_OFFSET = SIGINFO_SIZE;
const UC_STACK = 16;
const UC_SIGMASK = 40;
const UC_MCONTEXT = 176;
const MC_FPREGS = 256;
const MC_FCSR = MC_FPREGS + 32 * 8;
/** sizeof(struct ucontext) with the Q-extension-sized FP union (the largest). */
const UCONTEXT_SIZE = 960;
export const RT_SIGFRAME_SIZE = SIGINFO_SIZE + UCONTEXT_SIZE;

/** The trampoline's two instructions: addi a7, zero, 139 (rt_sigreturn); ecall. */
const TRAMPOLINE_CODE = [(139 << 20) | (Reg.A7 << 7) | 0x13, 0x00000073];

/** Map one read+execute page holding the sigreturn trampoline; returns its address. */
export function installSigreturnTrampoline(map: GuestMemoryMap): number {
  const addr = map.mmap(0, 4096, Prot.READ | Prot.EXEC, Map_.PRIVATE | Map_.ANONYMOUS, null, 0, '[sigpage]');
  if (addr < 0) throw new Error('cannot map the signal trampoline page');
  const code = new Uint8Array(8);
  const dv = new DataView(code.buffer);
  TRAMPOLINE_CODE.forEach((insn, i) => dv.setUint32(i * 4, insn >>> 0, true));
  map.writeForce(addr, code);
  return addr;
}

/** What to do with a signal that is due. */
export type Disposition = 'handler' | 'ignore' | 'default';

export function dispositionOf(state: SignalState, info: SigInfo): Disposition {
  const act = state.actions[info.signo]!;
  // A fault the guest cannot get past while blocked or ignored kills it (Linux force_sig_fault).
  if (info.synchronous && (act.handler === SIG_IGN || state.isBlocked(info.signo))) return 'default';
  if (act.handler === SIG_DFL) return 'default';
  if (act.handler === SIG_IGN) return 'ignore';
  return 'handler';
}

/**
 * Push the frame and enter the handler. Returns false when the frame cannot
 * be written (bad stack): the caller then kills the process with SIGSEGV.
 */
export function setupRtFrame(map: GuestMemoryMap, regs: GuestRegisters, state: SignalState, info: SigInfo, trampoline: number, savedMask = state.blocked): boolean {
  const act = state.actions[info.signo]!;
  const sp = regs.xNum(Reg.SP);
  const alt = state.altStack;
  const onAltStack = alt.flags !== SS_DISABLE && sp > alt.sp && sp <= alt.sp + alt.size;
  let top = sp;
  if (act.flags & SaFlag.ONSTACK && alt.flags !== SS_DISABLE && !onAltStack) top = alt.sp + alt.size;
  const frame = Math.floor((top - RT_SIGFRAME_SIZE) / 16) * 16;

  const bytes = new Uint8Array(RT_SIGFRAME_SIZE);
  const dv = new DataView(bytes.buffer);
  writeSiginfo(dv, info);
  const uc = UC_OFFSET;
  dv.setBigUint64(uc + UC_STACK, BigInt(alt.sp), true);
  dv.setInt32(uc + UC_STACK + 8, alt.flags === SS_DISABLE ? SS_DISABLE : onAltStack ? SS_ONSTACK : 0, true);
  dv.setBigUint64(uc + UC_STACK + 16, BigInt(alt.size), true);
  dv.setBigUint64(uc + UC_SIGMASK, savedMask, true);
  const mc = uc + UC_MCONTEXT;
  dv.setBigUint64(mc, BigInt(regs.pc), true);
  for (let r = 1; r < 32; r++) dv.setBigUint64(mc + r * 8, regs.x(r), true);
  for (let r = 0; r < 32; r++) dv.setBigUint64(mc + MC_FPREGS + r * 8, regs.f(r), true);
  dv.setUint32(mc + MC_FCSR, regs.fcsr, true);
  if (frame < 0 || !map.write(frame, bytes)) return false;

  if (!(act.flags & SaFlag.NODEFER)) state.block(signalBit(info.signo));
  state.block(act.mask);
  if (act.flags & SaFlag.RESETHAND) state.actions[info.signo] = { handler: SIG_DFL, flags: 0, mask: 0n };

  regs.setX(Reg.SP, frame);
  regs.setX(Reg.RA, trampoline);
  regs.setX(Reg.A0, info.signo);
  regs.setX(Reg.A1, frame);
  regs.setX(Reg.A2, frame + UC_OFFSET);
  regs.pc = Number(act.handler);
  regs.clearReservation();
  return true;
}

/** rt_sigreturn: restore what setupRtFrame saved; false if the frame is unreadable. */
export function restoreRtFrame(map: GuestMemoryMap, regs: GuestRegisters, state: SignalState): boolean {
  const frame = regs.xNum(Reg.SP);
  const bytes = map.read(frame, RT_SIGFRAME_SIZE);
  if (!bytes) return false;
  const dv = new DataView(bytes.buffer);
  state.setBlocked(dv.getBigUint64(UC_OFFSET + UC_SIGMASK, true));
  const mc = UC_OFFSET + UC_MCONTEXT;
  regs.pc = Number(dv.getBigUint64(mc, true));
  for (let r = 1; r < 32; r++) regs.setX(r, dv.getBigUint64(mc + r * 8, true));
  for (let r = 0; r < 32; r++) regs.setF(r, dv.getBigUint64(mc + MC_FPREGS + r * 8, true));
  regs.fcsr = dv.getUint32(mc + MC_FCSR, true);
  regs.clearReservation();
  return true;
}

function writeSiginfo(dv: DataView, info: SigInfo): void {
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, 0, true);
  dv.setInt32(8, info.code, true);
  if (info.synchronous) {
    dv.setBigUint64(16, info.addr, true);
  } else {
    dv.setInt32(16, info.pid, true);
    dv.setUint32(20, info.uid, true);
  }
}

export { SIGINFO_SIZE, UC_OFFSET, UC_MCONTEXT, UC_SIGMASK };
