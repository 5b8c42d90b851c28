export const hello = (): string => { const e = new Error(); return e.stack!.split('\n')[2]; };
