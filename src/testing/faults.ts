import type { EmulatorFault, EmulatorRoute } from './types';

interface ActiveFault {
  fault: EmulatorFault;
  /** Requests left; `undefined` = until cleared. */
  remaining: number | undefined;
}

/**
 * Faults per route, applied in injection order: a fault with `times` is used up and then the next
 * one (or normal behaviour) takes over; a fault without `times` stays until cleared.
 */
export class FaultRegistry {
  private readonly queues = new Map<EmulatorRoute, ActiveFault[]>();

  inject(route: EmulatorRoute, fault: EmulatorFault): void {
    validateFault(fault);
    const queue = this.queues.get(route) ?? [];
    queue.push({ fault: { ...fault }, remaining: fault.times });
    this.queues.set(route, queue);
  }

  clear(route?: EmulatorRoute): void {
    if (route === undefined) this.queues.clear();
    else this.queues.delete(route);
  }

  /** The fault for the next request on `route`, consuming one use of it. */
  take(route: EmulatorRoute): EmulatorFault | undefined {
    const queue = this.queues.get(route);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    if (head.remaining !== undefined) {
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
    }
    return head.fault;
  }
}

function validateFault(fault: EmulatorFault): void {
  if (fault.status !== undefined && (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)) {
    throw new Error(`injectFault: status must be an HTTP status code (100-599); got ${fault.status}.`);
  }
  if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
    throw new Error(`injectFault: times must be a positive integer; got ${fault.times}.`);
  }
  if (fault.delayMs !== undefined && (!Number.isFinite(fault.delayMs) || fault.delayMs < 0)) {
    throw new Error(`injectFault: delayMs must be a non-negative number; got ${fault.delayMs}.`);
  }
  if (fault.delayResponseMs !== undefined && (!Number.isFinite(fault.delayResponseMs) || fault.delayResponseMs < 0)) {
    throw new Error(`injectFault: delayResponseMs must be a non-negative number; got ${fault.delayResponseMs}.`);
  }
  if (fault.delayResponseMs !== undefined && (fault.status !== undefined || fault.hang)) {
    throw new Error('injectFault: delayResponseMs delays the normal answer; do not combine it with status or hang.');
  }
  if (fault.status === undefined && fault.delayMs === undefined && fault.delayResponseMs === undefined && !fault.hang) {
    throw new Error('injectFault: give at least one of status, delayMs, delayResponseMs or hang.');
  }
}

/** Default body of an injected error status: WorkOS-style JSON the SDK maps to its typed exceptions. */
export function defaultFaultBody(status: number): Record<string, unknown> {
  if (status === 429) return { code: 'rate_limit_exceeded', message: 'Too many requests (injected by the WorkOS emulator).' };
  return { code: 'emulator_fault', message: `Injected fault: HTTP ${status}.` };
}
