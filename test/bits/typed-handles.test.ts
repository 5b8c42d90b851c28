/** The new handles are typed: a call of one family on another kind's handle does not compile. */
import { describe, expectTypeOf, it } from 'vitest';
import {
  atomic,
  atomic64,
  atomic64_inc,
  atomic_long,
  atomic_long_read,
  read_seqbegin,
  read_seqcount_begin,
  scenario,
  seqcount,
  seqlock,
  set_bit,
  shared,
  type Atomic64,
  type AtomicLong,
  type Seqcount,
  type Seqlock,
  type Shared,
  xchg,
} from '../../src/kernel/index.ts';

describe('typed handles of seqlocks, wide atomics and bit words', () => {
  it('gives each declaration its handle type, and refuses the wrong kind at compile time', () => {
    scenario({
      cpus: 1,
      state: { sl: seqlock(), sc: seqcount(), big: atomic64(), along: atomic_long(), n: atomic(0), flags: shared(0) },
      tasks: [
        {
          cpu: 0,
          run: (s) => {
            expectTypeOf(s.sl).toEqualTypeOf<Seqlock>();
            expectTypeOf(s.sc).toEqualTypeOf<Seqcount>();
            expectTypeOf(s.big).toEqualTypeOf<Atomic64>();
            expectTypeOf(s.along).toEqualTypeOf<AtomicLong>();
            expectTypeOf(s.flags).toEqualTypeOf<Shared>();
            if (Math.random() > 2) {
              // @ts-expect-error an atomic_t is not an atomic64_t
              atomic64_inc(s.n);
              // @ts-expect-error a seqcount is not a seqlock
              read_seqbegin(s.sc);
              // @ts-expect-error a seqlock is not a seqcount
              read_seqcount_begin(s.sl);
              // @ts-expect-error bit operations act on an unsigned long (a shared word)
              set_bit(0, s.n);
              // @ts-expect-error xchg acts on a shared int; atomic64_xchg on an atomic64_t
              xchg(s.big, 1);
              atomic_long_read(s.big);
            }
          },
        },
      ],
    });
  });
});
