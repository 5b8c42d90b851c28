/**
 * rw_semaphores: readers share, a writer excludes, a reader queues behind a waiting writer (so
 * down_read twice with a writer in between deadlocks), sleeping in atomic context is found, and
 * lockdep validates the read side as a non-recursive reader.
 */
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { mutex_lock, rw_semaphore, scenario, type RwSemaphore } from '../../src/kernel/index.ts';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, rw_semaphore, rw_semaphores, shared, spinlock, spin_lock, spin_unlock, msleep,
  down_read, up_read, down_write, up_write, down_read_trylock, down_write_trylock, downgrade_write,
  rwsem_is_locked, mutex_lock, atomic, atomic_read, atomic_set,
} from 'smpsim';`;

function file(name: string, body: string): string {
  return scenarioFile(name, `${IMPORTS}\nexport default scenario(${body});\n`);
}

const kinds = (r: { findings: { kind: string }[] }): string[] => [...new Set(r.findings.map((f) => f.kind))].sort();

describe('rw_semaphore', () => {
  it('readers and a writer, each taking it once: clean over 1,000 trials', async () => {
    const p = file(
      'rwsem-clean',
      `{
      cpus: 3,
      state: { sem: rw_semaphore(), config: shared(1), seen: shared(0) },
      tasks: [
        { cpu: 0, run: (s) => { down_read(s.sem); s.seen.value += s.config.value; up_read(s.sem); } },
        { cpu: 1, run: (s) => { down_read(s.sem); const c = s.config.value; up_read(s.sem); if (c < 1) throw new Error('torn'); } },
        { cpu: 2, run: (s) => { down_write(s.sem); s.config.value = 0; s.config.value = 2; up_write(s.sem); } },
      ],
      check: (s) => s.seen.value === 1 || s.seen.value === 2 || \`reader saw \${s.seen.value}\`,
    }`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('a writer excludes readers: an update made in two steps is never seen half-done', async () => {
    const p = file(
      'rwsem-excludes',
      `{
      cpus: 2,
      state: { sem: rw_semaphore(), a: shared(0), b: shared(0) },
      tasks: [
        { cpu: 0, run: (s) => { down_write(s.sem); s.a.value = 1; s.b.value = 1; up_write(s.sem); } },
        { cpu: 1, run: (s) => { down_read(s.sem); const a = s.a.value, b = s.b.value; up_read(s.sem); if (a !== b) throw new Error('half-done'); } },
      ],
    }`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('rwsem ABBA: circular-dependency in the kernel words, and the deadlock where it happens', async () => {
    const p = file(
      'rwsem-abba',
      `{
      cpus: 2,
      state: { mmap_sem: rw_semaphore(), dev_sem: rw_semaphore() },
      tasks: [
        { cpu: 0, run: (s) => { down_write(s.mmap_sem); down_read(s.dev_sem); up_read(s.dev_sem); up_write(s.mmap_sem); } },
        { cpu: 1, run: (s) => { down_write(s.dev_sem); down_read(s.mmap_sem); up_read(s.mmap_sem); up_write(s.dev_sem); } },
      ],
    }`,
    );
    const r = await explore(p, { trials: 500 });
    expect(kinds(r)).toEqual(['circular-dependency', 'deadlock']);
    const circ = r.findings.find((f) => f.kind === 'circular-dependency')!;
    expect(circ.title).toBe('WARNING: possible circular locking dependency detected');
    expect(circ.report).toMatch(/is trying to acquire lock:\n\((mmap_sem|dev_sem)\)\{\+\+\+\+\}, at: /);
    expect(circ.report).toContain('*** DEADLOCK ***');
    const dl = r.findings.find((f) => f.kind === 'deadlock')!;
    expect(dl.title).toBe('WARNING: deadlock: no CPU can make progress');
  }, 120_000);

  it('read-read ABBA with no writer is still reported: rwsem readers are not recursive', async () => {
    const p = file(
      'rwsem-abba-read',
      `{
      cpus: 1,
      state: { a: rw_semaphore(), b: rw_semaphore() },
      tasks: [{ cpu: 0, run: (s) => {
        down_read(s.a); down_read(s.b); up_read(s.b); up_read(s.a);
        down_read(s.b); down_read(s.a); up_read(s.a); up_read(s.b);
      } }],
    }`,
    );
    const r = await explore(p, { trials: 5 });
    expect(kinds(r)).toEqual(['circular-dependency']);
  }, 60_000);

  it('down_read twice with a writer waiting in between: deadlock, with the wait-for state', async () => {
    const p = file(
      'rwsem-read-twice',
      `{
      cpus: 2,
      state: { sem: rw_semaphore() },
      tasks: [
        { cpu: 0, name: 'reader', run: (s) => { down_read(s.sem); msleep(1); down_read(s.sem); up_read(s.sem); up_read(s.sem); } },
        { cpu: 1, name: 'writer', run: (s) => { down_write(s.sem); up_write(s.sem); } },
      ],
    }`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(kinds(r)).toEqual(['deadlock', 'recursive-locking']);
    const dl = r.findings.find((f) => f.kind === 'deadlock')!;
    expect(dl.report).toContain('is trying to acquire lock:');
    expect(dl.report).toContain(`reader/1001 on CPU0 is trying to acquire lock:\n(sem), at: ${siteOf(p, 'msleep(1)')}`);
    expect(dl.report).toContain('but is already holding:');
    expect(dl.report).toContain(
      `writer/1002 on CPU1 is trying to acquire lock:\n(sem), at: ${siteOf(p, 'down_write(s.sem)')}`,
    );
    expect(dl.report).toContain('which is held by reader/1001 on CPU0.');
    expect(dl.report).toContain('*** DEADLOCK ***');
    // lockdep: the second down_read of a held rwsem, whether or not the writer came in between
    const rec = r.findings.find((f) => f.kind === 'recursive-locking')!;
    expect(rec.title).toBe('WARNING: possible recursive locking detected');
    expect(rec.firstTrial).toBe(0); // the first trial
  }, 120_000);

  it('down_read under a spinlock: sleep-in-atomic at the call', async () => {
    const p = file(
      'rwsem-atomic',
      `{
      cpus: 1,
      state: { sem: rw_semaphore(), lock: spinlock() },
      tasks: [{ cpu: 0, run: (s) => { spin_lock(s.lock); down_read(s.sem); up_read(s.sem); spin_unlock(s.lock); } }],
    }`,
    );
    const r = await explore(p, { trials: 5 });
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic');
    expect(f?.title).toBe(`BUG: sleeping function called from invalid context at ${siteOf(p, 'down_read(s.sem)')}`);
  }, 60_000);

  it('trylocks return 1 or 0 as the kernel, and downgrade_write lets a waiting reader in', async () => {
    const p = file(
      'rwsem-api',
      `{
      cpus: 2,
      state: { sem: rw_semaphore(), got: shared(-1), sems: rw_semaphores(2), order: shared(0), seen: atomic(0) },
      tasks: [
        { cpu: 0, run: (s) => {
          const r1 = down_read_trylock(s.sems[0]);
          const w1 = down_write_trylock(s.sems[0]);
          const locked = rwsem_is_locked(s.sems[0]);
          up_read(s.sems[0]);
          const w2 = down_write_trylock(s.sems[0]);
          const r2 = down_read_trylock(s.sems[0]);
          up_write(s.sems[0]);
          s.got.value = r1 * 10000 + w1 * 1000 + locked * 100 + w2 * 10 + r2;
          // still holding it for read, wait until the reader has been in: it can only get in
          // because downgrade_write() let it (else this is a livelock)
          down_write(s.sem); s.order.value = 1; downgrade_write(s.sem);
          while (atomic_read(s.seen) === 0) msleep(1);
          up_read(s.sem);
        } },
        { cpu: 1, run: (s) => { down_read(s.sem); atomic_set(s.seen, s.order.value + 1); up_read(s.sem); } },
      ],
      check: (s) => s.got.value === 10110 || \`trylock results \${s.got.value}\`,
    }`,
    );
    const r = await explore(p, { trials: 300 });
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('rw_semaphore() is typed: its handle is an RwSemaphore, and a mutex call on it does not compile', () => {
    scenario({
      cpus: 1,
      state: { sem: rw_semaphore() },
      tasks: [
        {
          cpu: 0,
          run: (s) => {
            expectTypeOf(s.sem).toEqualTypeOf<RwSemaphore>();
            const wrong = (): void => {
              // @ts-expect-error a mutex call does not take an rw_semaphore
              mutex_lock(s.sem);
            };
            void wrong;
          },
        },
      ],
    });
  });

  it('a mutex call on an rw_semaphore is a usage error (exit 2, one line)', () => {
    const p = file(
      'rwsem-usage',
      `{ cpus: 1, state: { sem: rw_semaphore() }, tasks: [{ cpu: 0, run: (s: any) => { mutex_lock(s.sem); } }] }`,
    );
    const r = cli(['run', p, '--trials', '5']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    // (a slow machine may print a progress line first)
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `smpsim: mutex_lock(s.sem): "sem" is a rw_semaphore, expected a mutex (at ${siteOf(p, 'mutex_lock(s.sem)')})`,
    );
  }, 60_000);
});
