#!/usr/bin/env node
// The smpsim command: TypeScript sources run through tsx, no build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv);
