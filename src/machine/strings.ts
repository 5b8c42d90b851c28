/**
 * A string table in the shared buffer: call sites and exception messages recorded during a
 * trial, readable by whichever worker closes it. Only the baton holder appends. Ids start at 1
 * (0 means "no string"). Each worker keeps a cache of strings it interned in this trial.
 */
import type { Layout } from './layout.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class StringTable {
  private readonly cache = new Map<string, number>();
  private cacheGeneration = -1;

  constructor(
    private readonly m: Int32Array,
    private readonly bytes: Uint8Array,
    private readonly L: Layout,
  ) {}

  reset(): void {
    this.m[this.L.strIndexBase] = 0;
    this.m[this.L.strIndexBase + 1] = 0;
  }

  /** Intern `s`; `generation` identifies the trial, so the cache never outlives the table. */
  intern(s: string, generation: number): number {
    if (generation !== this.cacheGeneration) {
      this.cache.clear();
      this.cacheGeneration = generation;
    }
    const known = this.cache.get(s);
    if (known !== undefined) return known;
    const base = this.L.strIndexBase;
    const count = this.m[base]!;
    const used = this.m[base + 1]!;
    if (count >= this.L.limits.stringCount) return 0;
    const room = this.L.limits.stringBytes - used;
    const { written } = encoder.encodeInto(
      s,
      this.bytes.subarray(this.L.strByteBase + used, this.L.strByteBase + used + room),
    );
    this.m[base + 2 + count * 2] = used;
    this.m[base + 3 + count * 2] = written;
    this.m[base] = count + 1;
    this.m[base + 1] = used + written;
    this.cache.set(s, count + 1);
    return count + 1;
  }

  get(id: number): string {
    if (id <= 0 || id > this.m[this.L.strIndexBase]!) return '';
    const at = this.L.strIndexBase + 2 + (id - 1) * 2;
    const off = this.L.strByteBase + this.m[at]!;
    // TextDecoder refuses views on a SharedArrayBuffer: copy out first
    return decoder.decode(this.bytes.slice(off, off + this.m[at + 1]!));
  }

  /** All strings, id → text (for keeping a trial's sites after the table is reset). */
  snapshot(): string[] {
    const out = [''];
    const n = this.m[this.L.strIndexBase]!;
    for (let id = 1; id <= n; id++) out.push(this.get(id));
    return out;
  }
}
