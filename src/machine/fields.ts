/**
 * A block of the buffer declared once, as a list of named fields with their sizes in words;
 * offsets and the block's size are derived from the list, so no offset is numbered by hand
 * and no two fields can overlap. Insertion order is layout order.
 */
export type Fields<S extends Record<string, number>> = { readonly [K in keyof S]: number } & { readonly WORDS: number };

export function fields<const S extends Record<string, number>>(sizes: S): Fields<S> {
  const out: Record<string, number> = {};
  let at = 0;
  for (const [name, words] of Object.entries(sizes)) {
    if (name === 'WORDS') throw new Error('WORDS is the size of a field list, not a field');
    out[name] = at;
    at += words;
  }
  out.WORDS = at;
  return Object.freeze(out) as Fields<S>;
}

/** Every field of `names` one word wide. */
export function words<const N extends readonly string[]>(...names: N): Fields<Record<N[number], 1>> {
  return fields(Object.fromEntries(names.map((n) => [n, 1])) as Record<N[number], 1>);
}
