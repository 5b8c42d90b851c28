import { describe, expect, test } from 'vitest';
import { decl, layoutOf, type EventBuilder } from '../support/event-builder.ts';
import { LockdepRun } from './harness.ts';

/*
 * lockdep-design.rst's recursive-read rules and lib/locking-selftest.c's cases. Everything
 * runs in softirq context, where read_lock is a recursive reader (the queued-rwlock rule) and
 * no irq-usage conflict arises, so only the graph decides.
 */
const xyz = () => layoutOf({ X: decl('rwlock'), Y: decl('rwlock'), Z: decl('rwlock') });

type Kind = 'EN' | 'ER' | 'SN' | 'SR';

/** One dependency of the given kind, in its own softirq. */
function dep(b: EventBuilder, from: string, kind: Kind, to: string): void {
  b.softirq(0, () => {
    if (kind[0] === 'E') b.write_lock(from);
    else b.read_lock(from);
    if (kind[1] === 'N') b.write_lock(to);
    else b.read_lock(to);
  });
}

function circular(edges: [string, Kind, string][]): string[] {
  const run = new LockdepRun(xyz());
  for (const [from, kind, to] of edges) run.trial((b) => dep(b.on(0), from, kind, to));
  return run.findings.filter((f) => f.kind === 'circular-dependency').map((f) => f.signature);
}

describe('recursive reads and strong paths', () => {
  test('X -(ER)-> Y -(ER)-> Z -(ER)-> X is a deadlock', () => {
    expect(
      circular([
        ['X', 'ER', 'Y'],
        ['Y', 'ER', 'Z'],
        ['Z', 'ER', 'X'],
      ]),
    ).toEqual(['circular-dependency:X -> Y -> Z']);
  });

  test('X -(EN)-> Y -(SR)-> Z -(ER)-> X is a deadlock', () => {
    expect(
      circular([
        ['X', 'EN', 'Y'],
        ['Y', 'SR', 'Z'],
        ['Z', 'ER', 'X'],
      ]),
    ).toHaveLength(1);
  });

  test('X -(EN)-> Y -(SR)-> Z -(SN)-> X is not', () => {
    expect(
      circular([
        ['X', 'EN', 'Y'],
        ['Y', 'SR', 'Z'],
        ['Z', 'SN', 'X'],
      ]),
    ).toEqual([]);
  });

  test('X -(ER)-> Y -(SR)-> Z -(EN)-> X is not', () => {
    expect(
      circular([
        ['X', 'ER', 'Y'],
        ['Y', 'SR', 'Z'],
        ['Z', 'EN', 'X'],
      ]),
    ).toEqual([]);
  });

  test('the closing edge matters: a recursive read closing onto a shared start is not a cycle', () => {
    // X -(SR)-> Y, then Y -(ER)-> X: the cycle has -(*R)-> X -(S*)->
    expect(
      circular([
        ['X', 'SR', 'Y'],
        ['Y', 'ER', 'X'],
      ]),
    ).toEqual([]);
    // X -(EN)-> Y, then Y -(SR)-> X: -(*N)-> Y -(S*)-> is strong, and so is -(*R)-> X -(E*)->
    expect(
      circular([
        ['X', 'EN', 'Y'],
        ['Y', 'SR', 'X'],
      ]),
    ).toHaveLength(1);
  });

  test('a weaker kind first does not hide a stronger one recorded later', () => {
    // Y -(SR)-> Z is not strong after X -(ER)-> Y; Y -(EN)-> Z later is
    expect(
      circular([
        ['X', 'ER', 'Y'],
        ['Y', 'SR', 'Z'],
        ['Y', 'EN', 'Z'],
        ['Z', 'EN', 'X'],
      ]),
    ).toHaveLength(1);
  });

  test('write/read ABBA in task context (non-recursive reads) is a deadlock', () => {
    const run = new LockdepRun(xyz());
    run.trial((b) => b.on(0).write_lock('X').read_lock('Y'));
    run.trial((b) => b.on(1).read_lock('Y').write_lock('X'));
    const f = run.findings.find((x) => x.kind === 'circular-dependency');
    expect(f?.signature).toBe('circular-dependency:X -> Y');
  });
});
