/** Error numbers, returned negated as the kernel does (`return -EBUSY;`). */
export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EIO = 5;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EINVAL = 22;
export const ETIME = 62;
export const ETIMEDOUT = 110;
/** a sleep was interrupted by a signal; the system call restarts (kernel-internal) */
export const ERESTARTSYS = 512;

/** Interrupt handler return values. */
export const IRQ_NONE = 0;
export const IRQ_HANDLED = 1;
export { IRQ_WAKE_THREAD } from '../machine/irq-thread.ts';
