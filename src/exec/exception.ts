// Leaving a TB from the middle: guest exceptions and forced exits.
//
// A helper or slow path that raises writes the exception number into
// Cpu.EXCEPTION (and its value into Cpu.EXCEPTION_VALUE) and throws the one
// preallocated GUEST_EXCEPTION object. The backend has already stored the pc
// of the faulting instruction into Cpu.PC and written back every guest
// register it cached, so the state is precise (DESIGN.md decision 4). The
// execution loop catches it and hands the exception to the target.

export class GuestException {
  readonly name = 'GuestException';
}

/** The only instance ever thrown: nothing is allocated when the guest faults. */
export const GUEST_EXCEPTION = new GuestException();

export function isGuestException(e: unknown): e is GuestException {
  return e === GUEST_EXCEPTION;
}
