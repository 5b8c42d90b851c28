/**
 * seqlock_t and seqcount_t: readers that retry see one write's values, readers that do not
 * can see a torn pair; reads inside a reader's section and writes inside a writer's are not
 * data races (KCSAN's atomic regions), a read outside one is; the writers' spinlock is a lock
 * to lockdep.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf as at } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import { scenario, seqlock, seqcount, spinlock, shared, spin_lock, spin_unlock, write_seqlock,
  write_sequnlock, write_seqlock_irqsave, write_sequnlock_irqrestore, write_seqlock_bh, write_sequnlock_bh,
  read_seqbegin, read_seqretry, write_seqcount_begin, write_seqcount_end, read_seqcount_begin,
  read_seqcount_retry, IRQ_HANDLED } from 'smpsim';`;

function pair(name: string, writer: string, reader: string, state = 'sl: seqlock(), lock: spinlock()'): string {
  return scenarioFile(
    name,
    `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { ${state}, a: shared(0), b: shared(0), torn: shared(0) },
  tasks: [
    { cpu: 0, run: function writer(s) { for (let v = 1; v <= 2; v++) { ${writer} } } },
    { cpu: 1, run: function reader(s) { let x = 0, y = 0, seq = 0; ${reader}
      if (x !== y) s.torn.value = 1; } },
  ],
  check: (s) => s.torn.value === 0 || 'torn read',
});
`,
  );
}

const SEQLOCK_WRITE = 'write_seqlock(s.sl); s.a.value = v; s.b.value = v; write_sequnlock(s.sl);';
const SEQCOUNT_WRITE =
  'spin_lock(s.lock); write_seqcount_begin(s.sc); s.a.value = v; s.b.value = v; write_seqcount_end(s.sc); spin_unlock(s.lock);';

/** A writer on CPU 0 between `lock` and `unlock`, and irq 9 running `handler` (on `irqCpus`, or on every CPU). */
function writerAndHandler(
  name: string,
  cpus: number,
  lock: string,
  unlock: string,
  handler: string,
  irqCpus = '',
): string {
  return scenarioFile(
    name,
    `${IMPORTS}
export default scenario({
  cpus: ${cpus},
  state: { sl: seqlock(), a: shared(0), b: shared(0) },
  tasks: [{ cpu: 0, run: function writer(s) { ${lock} s.a.value++; s.b.value++; ${unlock} } }],
  irqs: [{ irq: 9, ${irqCpus} handler: (s) => { ${handler} return IRQ_HANDLED; } }],
});
`,
  );
}

describe('seqlocks', () => {
  it('a seqlock reader that retries: clean over 1,000 trials (no data race inside the sections)', async () => {
    const p = pair(
      'seqlock-retry',
      SEQLOCK_WRITE,
      'do { seq = read_seqbegin(s.sl); x = s.a.value; y = s.b.value; } while (read_seqretry(s.sl, seq));',
    );
    expect((await explore(p, { trials: 1000, seed: 1 })).findings).toEqual([]);
  });

  it('a seqlock reader that does not retry: the check sees a torn pair', async () => {
    const p = pair('seqlock-no-retry', SEQLOCK_WRITE, 'read_seqbegin(s.sl); x = s.a.value; y = s.b.value;');
    const r = await explore(p, { trials: 1000, seed: 1 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([['assertion', 'check failed: torn read']]);
  });

  it('a read outside any reader section is still a data race with the writer', async () => {
    const p = pair('seqlock-outside', SEQLOCK_WRITE, 'x = s.a.value; y = x;');
    const r = await explore(p, { trials: 300, seed: 1 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([
      ['data-race', 'BUG: KCSAN: data-race in reader / writer'],
    ]);
    expect(r.findings[0]!.report).toContain(`reader at ${at(p, 'x = s.a.value')}`);
  });

  it('a seqcount written under a spinlock, read with retry: clean; without retry: torn', async () => {
    const state = 'sc: seqcount(), lock: spinlock()';
    const good = pair(
      'seqcount-retry',
      SEQCOUNT_WRITE,
      'do { seq = read_seqcount_begin(s.sc); x = s.a.value; y = s.b.value; } while (read_seqcount_retry(s.sc, seq));',
      state,
    );
    expect((await explore(good, { trials: 1000, seed: 1 })).findings).toEqual([]);
    const bad = pair(
      'seqcount-no-retry',
      SEQCOUNT_WRITE,
      'read_seqcount_begin(s.sc); x = s.a.value; y = s.b.value;',
      state,
    );
    const r = await explore(bad, { trials: 1000, seed: 1 });
    expect(r.findings.map((f) => f.kind)).toEqual(['assertion']);
  });

  it("the writers' spinlock is a lock to lockdep: write_seqlock in process context and in a handler", async () => {
    const scenario = (name: string, lock: string, unlock: string): string =>
      writerAndHandler(name, 1, lock, unlock, 'write_seqlock(s.sl); s.a.value++; write_sequnlock(s.sl);');
    const bad = scenario('seqlock-irq', 'write_seqlock(s.sl);', 'write_sequnlock(s.sl);');
    const r = await explore(bad, { trials: 300, seed: 1 });
    expect(r.findings.map((f) => f.kind).sort()).toEqual(['deadlock', 'inconsistent-lock-state']);
    const report = r.findings.find((f) => f.kind === 'inconsistent-lock-state')!.report;
    // whichever use lockdep saw first
    expect(report).toMatch(/inconsistent \{(HARDIRQ-ON-W|IN-HARDIRQ-W)\} -> \{(IN-HARDIRQ-W|HARDIRQ-ON-W)\} usage\./);
    expect(report).toMatch(/\n\(sl\)\{/);
    const good = scenario(
      'seqlock-irqsave',
      'const f = write_seqlock_irqsave(s.sl);',
      'write_sequnlock_irqrestore(s.sl, f);',
    );
    expect((await explore(good, { trials: 1000, seed: 1 })).findings).toEqual([]);
  });

  it('a reader in an irq handler is a read of the seqlock to lockdep: a writer with irqs on is inconsistent', async () => {
    // seqcount_lockdep_reader_access(): the read marks IN-HARDIRQ-R, on any run where the irq comes
    const scenario = (name: string, lock: string, unlock: string): string =>
      writerAndHandler(
        name,
        2,
        lock,
        unlock,
        'let seq; do { seq = read_seqbegin(s.sl); void s.a.value; void s.b.value; } while (read_seqretry(s.sl, seq));',
        'cpus: [1], fires: 1,',
      );
    const bad = scenario('seqlock-irq-reader', 'write_seqlock(s.sl);', 'write_sequnlock(s.sl);');
    const r = await explore(bad, { trials: 300, seed: 1 });
    // the reader runs on CPU 1 only: it never spins inside the writer, and lockdep still sees it
    expect(r.findings.map((f) => f.kind)).toEqual(['inconsistent-lock-state']);
    const report = r.findings[0]!.report;
    expect(report).toContain('inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-R} usage.');
    expect(report).toContain(`(sl){+-+.}, at: ${at(bad, 'read_seqbegin(s.sl)')}`);
    const good = scenario(
      'seqlock-irq-reader-irqsave',
      'const f = write_seqlock_irqsave(s.sl);',
      'write_sequnlock_irqrestore(s.sl, f);',
    );
    expect((await explore(good, { trials: 1000, seed: 1 })).findings).toEqual([]);
  });

  it('a reader in process context under another lock is no lockdep finding; the writer taking that lock inside is a cycle', async () => {
    const scenario = (name: string, inside: string): string =>
      pair(
        name,
        `write_seqlock(s.sl); ${inside} s.a.value = v; s.b.value = v; write_sequnlock(s.sl);`,
        `spin_lock(s.lock);
      do { seq = read_seqbegin(s.sl); x = s.a.value; y = s.b.value; } while (read_seqretry(s.sl, seq));
      spin_unlock(s.lock);`,
      );
    expect((await explore(scenario('seqlock-reader-under-lock', ''), { trials: 1000, seed: 1 })).findings).toEqual([]);
    const r = await explore(scenario('seqlock-reader-cycle', 'spin_lock(s.lock); spin_unlock(s.lock);'), {
      trials: 300,
      seed: 1,
    });
    expect(r.findings.map((f) => f.kind)).toContain('circular-dependency');
  });
});
