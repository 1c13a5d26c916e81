#!/usr/bin/env node
// The `steadygrad` command (package.json "bin"): see program.ts.
import { run } from './program.js';

// Output piped into a command that stops reading (`| head`): stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), { out: process.stdout, err: process.stderr });
