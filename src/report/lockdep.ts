/**
 * Lockdep findings as the kernel prints them (kernel/locking/lockdep.c's print_* functions),
 * less what means nothing here or varies between runs: lock addresses, the kernel ident line,
 * wait types, "key at:" lines and stack backtraces. A stack trace becomes the one call site in
 * the scenario. The title comes first, underlined.
 *
 * The text is produced through a small printk model so that the kernel's line breaks come out
 * as the kernel's do: a printk without KERN_CONT first ends an unfinished line, a KERN_CONT one
 * continues it.
 */
import type { EventRef, RawFinding } from '../check/detector.ts';
import type { ClassLine, DependencyStep, IrqScenario, LockdepData, LockLine } from '../check/lockdep/finding-data.ts';
import { banner, taskId } from './format.ts';
import type { RenderContext } from './render-context.ts';

class Printk {
  private out = '';

  /** printk(): starts on a fresh line. */
  pr(text: string): void {
    if (this.out.length > 0 && !this.out.endsWith('\n')) this.out += '\n';
    this.out += text;
  }

  /** printk(KERN_CONT …) */
  cont(text: string): void {
    this.out += text;
  }

  lines(): string[] {
    const lines = this.out.split('\n');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
}

class LockdepPrinter {
  readonly p = new Printk();

  constructor(private readonly ctx: RenderContext) {}

  site(ref: EventRef): string {
    return this.ctx.site(ref);
  }

  /** comm/pid, as `current` is named in every report. */
  task(pid: number, cpu: number): string {
    return taskId(this.ctx, pid, cpu);
  }

  /** print_lock(), without the instance address. */
  lock(l: LockLine): void {
    this.p.cont(`(${l.name}){${l.usage}}, at: ${this.site(l.at)}\n`);
  }

  /** print_lock_name() */
  lockName(c: ClassLine): void {
    this.p.cont(` (${c.name}){${c.usage}}`);
  }

  /** print_lock_trace(): the one frame we have, indented like the kernel's. */
  trace(ref: EventRef, spaces: number): void {
    this.p.pr(`${' '.repeat(1 + spaces)}${this.site(ref)}\n`);
  }

  /** lockdep_print_held_locks() */
  held(who: string, held: LockLine[]): void {
    if (held.length === 0) {
      this.p.pr(`no locks held by ${who}.\n`);
      return;
    }
    this.p.pr(`${held.length} lock${held.length > 1 ? 's' : ''} held by ${who}:\n`);
    held.forEach((l, i) => {
      this.p.pr(` #${i}: `);
      this.lock(l);
    });
  }

  /** print_lock_class_header(), without the "key at:" line. */
  classHeader(s: DependencyStep): void {
    const indent = ' '.repeat(s.depth);
    this.p.pr(`${indent}->`);
    this.lockName(s.cls);
    this.p.cont(' {\n');
    for (const u of s.usages) {
      const head = `${indent}   ${u.usage}`;
      this.p.pr(head);
      this.p.cont(' at:\n');
      // the kernel indents the trace by what it just printed (printk's return values, which
      // leave out the trailing newline)
      this.trace(u.at, s.depth + head.length + ' at:'.length);
    }
    this.p.pr(`${indent} }\n`);
  }

  /** print_shortest_lock_dependencies() and its backwards twin. */
  dependencies(steps: DependencyStep[]): void {
    for (const s of steps) {
      this.classHeader(s);
      if (s.acquiredAt) {
        this.p.pr(`${' '.repeat(s.depth)} ... acquired at:\n`);
        this.trace(s.acquiredAt, 2);
        this.p.pr('\n');
      }
    }
  }

  /** The header of print_circular_bug and print_deadlock_bug. */
  acquiring(who: string, next: LockLine, prev: LockLine): void {
    this.p.pr(`${who} is trying to acquire lock:\n`);
    this.lock(next);
    this.p.pr('\nbut task is already holding lock:\n');
    this.lock(prev);
  }

  /** The one-CPU "Possible unsafe locking scenario" of recursive locking and usage bugs. */
  oneCpuScenario(rows: string[]): void {
    this.p.pr(' Possible unsafe locking scenario:\n\n');
    this.p.pr('       CPU0\n');
    this.p.pr('       ----\n');
    for (const r of rows) this.p.pr(`${r}\n`);
    this.p.pr('\n *** DEADLOCK ***\n\n');
  }

  /** print_irq_lock_scenario() */
  irqScenario(s: IrqScenario): void {
    if (s.middle !== s.unsafe) this.p.pr(`Chain exists of:\n  ${s.safe} --> ${s.middle} --> ${s.unsafe}\n\n`);
    this.p.pr(' Possible interrupt unsafe locking scenario:\n\n');
    this.p.pr('       CPU0                    CPU1\n');
    this.p.pr('       ----                    ----\n');
    this.p.pr(`  lock(${s.unsafe});\n`);
    this.p.pr('                               local_irq_disable();\n');
    this.p.pr(`                               lock(${s.safe});\n`);
    this.p.pr(`                               lock(${s.middle});\n`);
    this.p.pr('  <Interrupt>\n');
    this.p.pr(`    lock(${s.safe});\n`);
    this.p.pr('\n *** DEADLOCK ***\n\n');
  }

  draw(d: LockdepData): void {
    const p = this.p;
    const who = this.task(d.pid, d.cpu);
    switch (d.shape) {
      case 'circular': {
        this.acquiring(who, d.next, d.prev);
        p.pr('\nwhich lock already depends on the new lock.\n\n');
        p.pr('\nthe existing dependency chain (in reverse order) is:\n');
        for (const e of d.chain) {
          p.pr(`\n-> #${e.depth}`);
          this.lockName(e.cls);
          p.cont(':\n');
          this.trace(e.at, 6);
        }
        p.pr('\nother info that might help us debug this:\n\n');
        const s = d.scenario;
        if (s.parent !== s.source) p.pr(`Chain exists of:\n  ${s.source} --> ${s.parent} --> ${s.target}\n\n`);
        p.pr(' Possible unsafe locking scenario:\n\n');
        p.pr('       CPU0                    CPU1\n');
        p.pr('       ----                    ----\n');
        p.pr(`  ${s.targetRead ? 'rlock' : 'lock'}(${s.target});\n`);
        p.pr(`                               lock(${s.parent});\n`);
        p.pr(`                               lock(${s.target});\n`);
        p.pr(`  ${s.sourceRead ? 'rlock' : 'lock'}(${s.source});\n`);
        p.pr('\n *** DEADLOCK ***\n\n');
        break;
      }
      case 'recursive':
        this.acquiring(who, d.next, d.prev);
        p.pr('\nother info that might help us debug this:\n');
        this.oneCpuScenario([`  lock(${d.prev.name});`, `  lock(${d.next.name});`]);
        p.pr(' May be due to missing lock nesting notation\n\n');
        break;
      case 'usage':
        p.pr(`inconsistent {${d.prevUsage}} -> {${d.newUsage}} usage.\n`);
        p.pr(`${who} ${d.irqState} takes:\n`);
        this.lock(d.lock);
        p.pr(`{${d.prevUsage}} state was registered at:\n`);
        this.trace(d.registeredAt, 1);
        p.pr('\nother info that might help us debug this:\n');
        this.oneCpuScenario([`  lock(${d.lock.name});`, '  <Interrupt>', `    lock(${d.lock.name});`]);
        break;
      case 'inversion':
        p.pr(`${who} just changed the state of lock:\n`);
        this.lock(d.lock);
        p.pr(
          d.forwards
            ? `but this lock took another, ${d.irqclass}-unsafe lock in the past:\n`
            : `but this lock was taken by another, ${d.irqclass}-safe lock in the past:\n`,
        );
        this.lockName(d.other);
        p.pr('\n\nand interrupts could create inverse lock ordering between them.\n\n');
        p.pr('\nother info that might help us debug this:\n');
        this.irqScenario(d.scenario);
        this.held(who, d.held);
        p.pr('\nthe shortest dependencies between 2nd lock and 1st lock:\n');
        this.dependencies(d.dependencies);
        return;
      case 'bad-irq-dependency':
        p.pr(`${who} ${d.irqState} is trying to acquire:\n`);
        this.lock(d.next);
        p.pr('\nand this task is already holding:\n');
        this.lock(d.prev);
        p.pr('which would create a new lock dependency:\n');
        this.lockName(d.prevClass);
        p.cont(' ->');
        this.lockName(d.nextClass);
        p.cont('\n');
        p.pr(`\nbut this new dependency connects a ${d.irqclass}-irq-safe lock:\n`);
        this.lockName(d.safe);
        p.pr(`\n... which became ${d.irqclass}-irq-safe at:\n`);
        this.trace(d.safeAt, 1);
        p.pr(`\nto a ${d.irqclass}-irq-unsafe lock:\n`);
        this.lockName(d.unsafe);
        p.pr(`\n... which became ${d.irqclass}-irq-unsafe at:\n`);
        p.pr('...');
        this.trace(d.unsafeAt, 1);
        p.pr('\nother info that might help us debug this:\n\n');
        this.irqScenario(d.scenario);
        this.held(who, d.held);
        p.pr(`\nthe dependencies between ${d.irqclass}-irq-safe lock and the holding lock:\n`);
        this.dependencies(d.backwards);
        p.pr('\nthe dependencies between the lock to be acquired');
        p.pr(` and ${d.irqclass}-irq-unsafe lock:\n`);
        this.dependencies(d.forwards);
        return;
      case 'unlock-imbalance':
        p.pr(`${who} is trying to release lock (${d.name}) at:\n`);
        p.pr(`${this.site(d.at)}\n`);
        p.pr('but there are no more locks to release!\n');
        p.pr('\nother info that might help us debug this:\n');
        break;
    }
    this.held(who, d.held);
  }
}

export function renderLockdep(finding: RawFinding<LockdepData>, ctx: RenderContext): string {
  const printer = new LockdepPrinter(ctx);
  printer.draw(finding.data);
  return [...banner(finding.title), ...printer.p.lines()].join('\n');
}
