import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { C, CX, HL, Layout, type Limits } from '../src/machine/layout.ts';
import { CTX_MAX, HELD_MAX, LayoutError, MAX_AGENTS } from '../src/machine/capacities.ts';
import { OBJECT_KINDS, type ObjectKind } from '../src/machine/object-kinds.ts';
import type { ObjectDecl, ScenarioDef } from '../src/machine/declarations.ts';

const DECLARABLE = (Object.keys(OBJECT_KINDS) as ObjectKind[]).filter((k) => k !== 'workqueue');

const decl = (kind: ObjectKind, count: number, init: number): ObjectDecl => ({
  __smpsim: 'decl',
  kind,
  init,
  count,
  array: count > 1,
});

const scenarioShape = fc.integer({ min: 1, max: 8 }).chain((cpus) =>
  fc.record({
    cpus: fc.constant(cpus),
    tasks: fc.array(fc.integer({ min: 0, max: cpus - 1 }), { minLength: 1, maxLength: 12 }),
    irqs: fc.array(
      fc.record({
        fires: fc.integer({ min: 0, max: 8 }),
        cpus: fc.subarray([...Array(cpus).keys()], { minLength: 1 }),
      }),
      { maxLength: 6 },
    ),
    state: fc.array(
      fc.record({
        kind: fc.constantFrom(...DECLARABLE),
        count: fc.integer({ min: 1, max: 5 }),
        init: fc.integer({ min: -5, max: 5 }),
      }),
      { maxLength: 10 },
    ),
    limits: fc.record({
      maxEvents: fc.integer({ min: 1, max: 5000 }),
      maxChoices: fc.integer({ min: 1, max: 5000 }),
      stringBytes: fc.integer({ min: 1, max: 4096 }),
      stringCount: fc.integer({ min: 1, max: 256 }),
    }),
  }),
);

function scenario(s: {
  cpus: number;
  tasks: number[];
  irqs: { fires: number; cpus: number[] }[];
  state: { kind: ObjectKind; count: number; init: number }[];
}): ScenarioDef {
  return {
    cpus: s.cpus,
    tasks: s.tasks.map((cpu) => ({ cpu, run: () => {} })),
    irqs: s.irqs.map((l, i) => ({ irq: 10 + i, fires: l.fires, cpus: l.cpus })),
    state: Object.fromEntries(s.state.map((d, i) => [`o${i}`, decl(d.kind, d.count, d.init)])),
  };
}

describe('the buffer layout', () => {
  fcTest.prop([scenarioShape])('regions tile the words without overlap, and every entry stays in its region', (s) => {
    const L = new Layout(scenario(s), s.limits as Limits);
    // regions in buffer order, each starting where the last one ended, the last ending at totalWords
    let at = 0;
    for (const r of L.regions) {
      expect(r.base).toBe(at);
      expect(r.words).toBeGreaterThanOrEqual(0);
      at += r.words;
    }
    expect(at).toBe(L.totalWords);
    expect(L.strByteBase).toBe(4 * L.totalWords);
    expect(L.totalBytes).toBe(L.strByteBase + s.limits.stringBytes);
    const region = (name: string) => L.regions.find((r) => r.name === name)!;
    // objects: each in the objects region, one after another, with the words its kind asks for
    const objects = region('objects');
    let o = objects.base;
    for (const info of L.objects) {
      expect(info.offset).toBe(o);
      expect(info.words).toBe(OBJECT_KINDS[info.kind].words(L));
      o += info.words;
    }
    expect(o).toBe(objects.base + objects.words);
    // every agent's context and held stacks fit its block; blocks fit the agents region
    const agents = region('agents');
    for (let a = 0; a < L.nagents; a++) {
      expect(L.agentBlock(a)).toBe(agents.base + a * C.WORDS);
      expect(L.ctxEntry(a, CTX_MAX - 1) + CX.WORDS).toBe(L.agentBlock(a) + C.HELD_BASE);
      expect(L.heldEntry(a, HELD_MAX - 1) + HL.WORDS).toBe(L.agentBlock(a) + C.WORDS);
    }
    expect(L.agentBlock(L.nagents)).toBe(agents.base + agents.words);
    // lines, their per-CPU counts and their actions end inside their regions
    if (L.lines.length > 0) {
      expect(L.irqCount(L.lines.length - 1, L.ncpus - 1)).toBe(
        region('irq-counts').base + region('irq-counts').words - 1,
      );
      expect(L.action(L.lines.length, 0)).toBe(region('irq-actions').base + region('irq-actions').words);
    }
    // the strategy region holds what the strategy table asks for this shape
    expect(region('strategy').words).toBe(L.strategyWords);
    expect(L.strategyShape).toEqual({ agents: L.nagents, fires: s.irqs.map((l) => l.fires) });
  });

  it('a scenario past a capacity is a LayoutError that names the limit', () => {
    const tasks = Array.from({ length: MAX_AGENTS + 1 }, () => ({ cpu: 0, run: () => {} }));
    expect(() => new Layout({ cpus: 1, tasks })).toThrow(LayoutError);
    expect(() => new Layout({ cpus: 1, tasks })).toThrow(
      `agents (tasks, kworkers and kernel threads): ${MAX_AGENTS + 1} exceeds the machine's limit of ${MAX_AGENTS} (MAX_AGENTS)`,
    );
  });
});
