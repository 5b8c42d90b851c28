/**
 * A kernel call on the wrong kind of object, on an object the state does not declare, or an
 * unknown scenario field is the scenario's own mistake: the real CLI exits 2 with one line that
 * names the call, the state key and the kind expected — never "no findings", never a finding.
 */
import { describe, expect, it } from 'vitest';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

function scenarioWith(name: string, state: string, body: string): string {
  return scenarioFile(
    name,
    `import { scenario, spinlock, semaphore, shared, spin_lock, spin_unlock, read_lock, atomic_inc, mutex_lock, up, down } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { ${state} },
  tasks: [{ cpu: 0, run: (s: any) => {
    ${body}
  } }],
});
`,
  );
}

function expectUsage(path: string, line: string | RegExp): void {
  const r = cli(['run', path, '--trials', '20']);
  expect(r.status, r.stdout + r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
}

describe('usage errors (exit 2, one line)', () => {
  it('spin_lock on a semaphore', () => {
    const p = scenarioWith('spin-on-sem', 'sem: semaphore(1)', 'spin_lock(s.sem);');
    expectUsage(
      p,
      `smpsim: spin_lock(s.sem): "sem" is a semaphore, expected a spinlock (at ${siteOf(p, 'spin_lock(s.sem)')})`,
    );
  }, 60_000);

  it('read_lock on a spinlock', () => {
    const p = scenarioWith('read-on-spin', 'lock: spinlock()', 'read_lock(s.lock);');
    expectUsage(
      p,
      `smpsim: read_lock(s.lock): "lock" is a spinlock, expected a rwlock (at ${siteOf(p, 'read_lock(s.lock)')})`,
    );
  }, 60_000);

  it('atomic_inc on a shared int', () => {
    const p = scenarioWith('atomic-on-shared', 'hits: shared(0)', 'atomic_inc(s.hits);');
    expectUsage(
      p,
      `smpsim: atomic_inc(s.hits): "hits" is a shared, expected an atomic (at ${siteOf(p, 'atomic_inc(s.hits)')})`,
    );
  }, 60_000);

  it('mutex_lock on a spinlock', () => {
    const p = scenarioWith('mutex-on-spin', 'lock: spinlock()', 'mutex_lock(s.lock);');
    expectUsage(
      p,
      `smpsim: mutex_lock(s.lock): "lock" is a spinlock, expected a mutex (at ${siteOf(p, 'mutex_lock(s.lock)')})`,
    );
  }, 60_000);

  it('a lock the state does not declare', () => {
    const p = scenarioWith('undeclared', 'lock: spinlock()', 'spin_lock(s.lokc); spin_unlock(s.lokc);');
    expectUsage(
      p,
      `smpsim: spin_lock(s.lokc): "lokc" is not declared in state (expected a spinlock) (at ${siteOf(p, 'spin_lock(s.lokc)')})`,
    );
  }, 60_000);

  it('an unknown field in scenario({...})', () => {
    const p = scenarioFile(
      'unknown-field',
      `import { scenario } from 'smpsim';
export default scenario({ cpus: 1, tasks: [], irq: [{ irq: 1, handler: () => 1 }] } as any);
`,
    );
    expectUsage(
      p,
      /^smpsim: cannot load scenario .*: .*scenario: unknown field "irq" \(known: name, cpus, state, tasks, irqs, /,
    );
  }, 60_000);

  it('a scenario that uses each object rightly still runs clean', () => {
    const p = scenarioWith(
      'right-kinds',
      'lock: spinlock(), sem: semaphore(1)',
      'spin_lock(s.lock); spin_unlock(s.lock); down(s.sem); up(s.sem);',
    );
    const r = cli(['run', p, '--trials', '20']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 60_000);
});
