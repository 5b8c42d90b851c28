/**
 * lockdep conformance: the families of the kernel's lib/locking-selftest.c that apply to
 * spinlocks, rwlocks, mutexes and rw-semaphores, each case run on the real machine (a 1-CPU scenario, real
 * interrupts and softirqs) and held to the kernel's verdict: lockdep must report, or must stay
 * silent. Prints the kernel's table and summary line.
 */
import { afterAll, expect, test } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import * as kernel from '../../src/kernel/index.ts';
import type { FindingKind } from '../../src/check/finding-kinds.ts';
import { scenarioFile } from '../helpers.ts';
import { FAMILIES, type Flavour } from './selftest/families.ts';
import { casesOf, scenarioSource, type Case } from './selftest/scenario-source.ts';

afterAll(() => shutdown());

const LOCKDEP_KINDS = new Set<FindingKind>([
  'circular-dependency',
  'recursive-locking',
  'inconsistent-lock-state',
  'irq-lock-inversion',
  'bad-unlock-balance',
]);

/** What a case needs from the kernel API that may not be there yet. */
function missing(c: Case): string | undefined {
  const src = scenarioSource(c.id, [c]);
  const api = kernel as Record<string, unknown>;
  for (const fn of ['mutex_lock', 'raise_softirq']) {
    if (src.includes(`${fn}(`) && typeof api[fn] !== 'function') return `${fn} is not in the kernel API yet`;
  }
  return undefined;
}

interface Outcome {
  c: Case;
  ok: boolean;
  kinds: FindingKind[];
}

/**
 * Run the cases of one family in one scenario (each on its own lock classes) and judge each by
 * the lockdep findings on its locks.
 */
async function runFamily(title: string, cases: Case[]): Promise<{ outcomes: Outcome[]; stray: string[] }> {
  const path = scenarioFile(
    `selftest-${cases.length > 1 ? cases[0]!.family.name : cases[0]!.id}`,
    scenarioSource(title, cases),
  );
  const r = await explore(path, { trials: 20, seed: 1, reports: false });
  const kinds = cases.map(() => new Set<FindingKind>());
  const stray: string[] = [];
  for (const f of r.findings) {
    // every event of every case ran to its end (the scenario's check), in every trial
    if (f.kind === 'assertion' || f.kind === 'exception') stray.push(`${title}: ${f.title}`);
    if (!LOCKDEP_KINDS.has(f.kind)) continue;
    const owners = new Set(
      f.locks
        .map((l) => /^c(\d+)_/.exec(l)?.[1])
        .filter((x) => x !== undefined)
        .map(Number),
    );
    if (owners.size !== 1) stray.push(`${title}: ${f.kind} on [${f.locks.join(', ')}]`);
    for (const i of owners) kinds[i]?.add(f.kind);
  }
  const outcomes = cases.map((c, i) => {
    const got = [...kinds[i]!];
    const ok = c.expect === 'silent' ? got.length === 0 : got.some((k) => c.family.kinds.includes(k));
    return { c, ok, kinds: got };
  });
  return { outcomes, stray };
}

const FLAVOURS: Flavour[] = ['spin', 'wlock', 'rlock', 'mutex', 'wsem', 'rsem'];

/** The kernel's table: one row per test name, a column per lock flavour. */
function table(outcomes: Outcome[]): string[] {
  const rows = new Map<string, Map<Flavour, string>>();
  for (const o of outcomes) {
    const { family, irqKind, order } = o.c;
    let name = `${irqKind ? `${irqKind}-` : ''}${family.title}`;
    if (family.permute) name += `/${order.map((i) => i + 1).join('')}`;
    if (!rows.has(name)) rows.set(name, new Map());
    rows.get(name)!.set(o.c.flavour, o.ok ? '  ok  |' : 'FAILED|');
  }
  const out = [`${''.padStart(33)} | spin |wlock |rlock |mutex | wsem | rsem |`, `  ${'-'.repeat(80)}`];
  for (const [name, cells] of rows)
    out.push(`${name.padStart(33)}:${FLAVOURS.map((f) => cells.get(f) ?? '      |').join('')}`);
  return out;
}

test('lib/locking-selftest.c families on the real machine', async () => {
  const outcomes: Outcome[] = [];
  const stray: string[] = [];
  const pending: string[] = [];
  for (const family of FAMILIES) {
    const cases: Case[] = [];
    for (const c of casesOf(family)) {
      const why = missing(c);
      if (why) pending.push(`${c.id}: ${why}`);
      else cases.push(c);
    }
    for (const batch of family.alone ? cases.map((c) => [c]) : [cases]) {
      if (!batch.length) continue;
      const r = await runFamily(family.title, batch);
      outcomes.push(...r.outcomes);
      stray.push(...r.stray);
    }
  }
  const failed = outcomes.filter((o) => !o.ok);
  const lines = table(outcomes);
  lines.push('-'.repeat(65));
  if (failed.length)
    lines.push(
      `BUG: ${String(failed.length).padStart(3)} unexpected failures (out of ${String(outcomes.length).padStart(3)}) - debugging disabled! |`,
    );
  else lines.push(`Good, all ${String(outcomes.length).padStart(3)} testcases passed! |`);
  lines.push('-'.repeat(65));
  const notes = outcomes.filter((o) => o.c.note);
  if (notes.length)
    lines.push(
      `${notes.length} read-lock cases judged by the queued-rwlock rule (${notes[0]!.c.note}): ${notes.map((o) => o.c.id).join(' ')}`,
    );
  for (const p of pending) lines.push(`pending (not counted): ${p}`);
  console.log(lines.join('\n'));

  // the rwsem columns: DO_TESTCASE_6R's and double unlock's wsem/rsem (16), and the rsem cases
  // of the read/write mixing rows (7)
  expect(outcomes.filter((o) => o.c.flavour === 'wsem' || o.c.flavour === 'rsem')).toHaveLength(23);
  expect(stray).toEqual([]);
  expect(failed.map((o) => `${o.c.id}: expected ${o.c.expect}, lockdep reported [${o.kinds.join(', ')}]`)).toEqual([]);
}, 120_000);
