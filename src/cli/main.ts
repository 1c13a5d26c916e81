#!/usr/bin/env node
// The `steadygrad` command (package.json "bin"): see program.ts.
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2), { out: process.stdout, err: process.stderr });
