#!/usr/bin/env node
// npm run bench: performance figures as JSON lines.
import { tsImport } from 'tsx/esm/api';

await tsImport('../bench/main.ts', import.meta.url);
