import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf as at } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, shared, spinlock, spin_lock, spin_unlock, kmalloc, kzalloc, kfree, kstruct, deref, kobj_read, kobj_write,
  GFP_KERNEL, BUG_ON,
} from 'smpsim';
const Node = kstruct('node', 'key', 'val');`;

describe('heap objects', () => {
  it('fields written on one CPU are read through a stored pointer on another, clean when ordered by a lock', async () => {
    const p = scenarioFile(
      'kobj-publish',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), ptr: shared(0), seen: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => {
      const n = kzalloc(Node, GFP_KERNEL); BUG_ON(n === null);
      deref(n, Node).key = 7;
      spin_lock(s.lock); s.ptr.value = n; spin_unlock(s.lock);
    } },
    { cpu: 1, run: (s) => {
      spin_lock(s.lock); const n = s.ptr.value; spin_unlock(s.lock);
      if (n) s.seen.value = deref(n, Node).key;
    } },
  ],
  check: (s) => s.seen.value === 0 || s.seen.value === 7 || \`seen \${s.seen.value}\`,
});
`,
    );
    const r = await explore(p, { trials: 1000, seed: 3 });
    expect(r.findings).toEqual([]);
  });

  it('kfree twice, or of what was never allocated: double-free and invalid-free in KASAN words', async () => {
    const p = scenarioFile(
      'kfree',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  tasks: [{ cpu: 0, run: () => { const p = kmalloc(8, GFP_KERNEL); kfree(p);
    kfree(p);
    kfree(4000); } }],
});
`,
    );
    const r = await explore(p, { trials: 3 });
    expect(r.findings.map((f) => [f.kind, f.title]).sort()).toEqual([
      ['double-free', 'BUG: KASAN: double-free in kfree'],
      ['invalid-free', 'BUG: KASAN: invalid-free in kfree'],
    ]);
    const double = r.findings.find((f) => f.kind === 'double-free')!;
    expect(double.report).toContain(`Free of addr ffff888100000080 by task cpu0/1001`);
    expect(double.report).toContain(`Allocated by task 1001:\n kmalloc+0x0/0x0 at ${at(p, 'kmalloc(8')}`);
    expect(double.report).toContain(`Freed by task 1001:\n kfree+0x0/0x0 at ${at(p, 'kmalloc(8')}`);
    expect(double.report).toContain('Call Trace:\n');
  });

  it('an index past the object is slab-out-of-bounds, with the distance to its right', async () => {
    const p = scenarioFile(
      'kobj-oob',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  tasks: [{ cpu: 0, run: function fill() { const p = kmalloc(8, GFP_KERNEL);
    for (let i = 0; i <= 2; i++) kobj_write(p, i, i);
    kfree(p); } }],
});
`,
    );
    const r = await explore(p, { trials: 2 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([
      ['slab-out-of-bounds', 'BUG: KASAN: slab-out-of-bounds in fill'],
    ]);
    const rep = r.findings[0]!.report;
    expect(rep).toContain('Write of size 4 at addr ffff888100000088 by task cpu0/1001');
    expect(rep).toContain(
      'The buggy address belongs to the object at ffff888100000080\n which belongs to the cache kmalloc-8 of size 8',
    );
    expect(rep).toContain(
      'The buggy address is located 0 bytes to the right of\n allocated 8-byte region [ffff888100000080, ffff888100000088)',
    );
  });

  it('a reader that follows a pointer to an object another CPU freed: slab-use-after-free', async () => {
    const p = scenarioFile(
      'kobj-uaf',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), ptr: shared(0) },
  tasks: [
    { cpu: 0, run: function publisher(s) {
      const n = kzalloc(Node, GFP_KERNEL);
      spin_lock(s.lock); s.ptr.value = n; spin_unlock(s.lock);
      spin_lock(s.lock); s.ptr.value = 0; spin_unlock(s.lock);
      kfree(n);
    } },
    { cpu: 1, run: function reader(s) {
      spin_lock(s.lock); const n = s.ptr.value; spin_unlock(s.lock);
      if (n) kobj_read(n, 1);
    } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 300, seed: 1 });
    const f = r.findings.find((x) => x.kind === 'use-after-free');
    expect(f?.title).toBe('BUG: KASAN: slab-use-after-free in reader');
    expect(f!.report).toContain('Read of size 4 at addr ffff888100000084 by task cpu1/1002');
    expect(f!.report).toContain(`Allocated by task 1001:\n kzalloc+0x0/0x0 at ${at(p, 'kzalloc(Node')}`);
    expect(f!.report).toContain(`Freed by task 1001:\n kfree+0x0/0x0 at ${at(p, 'kfree(n)')}`);
    expect(f!.report).toContain('The buggy address is located 4 bytes inside of\n freed 8-byte region');
    expect(r.findings.map((x) => x.kind)).toEqual(['use-after-free']);
  });
});
