/**
 * Type-check one scenario source the way a user's editor would (strict, NodeNext), importing
 * the kernel API from this package's source; returns the diagnostics of that file as text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** `source` imports from 'smpsim'; its diagnostics, one message each (none: it compiles). */
export function typeErrors(source: string): string[] {
  const dir = mkdtempSync(join(import.meta.dirname, '..', 'percpu', '.typecheck-'));
  try {
    const file = join(dir, 'scenario.ts');
    writeFileSync(file, source.replaceAll("from 'smpsim'", "from '../../../src/kernel/index.ts'"));
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
    });
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
