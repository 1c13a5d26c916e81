#!/usr/bin/env node
// The addon's C++ sources: every .cc file under native/, sorted. Both builds take their list from here
// (CMakeLists.txt through execute_process, binding.gyp through a command expansion), so a new source file needs no
// edit to either. Prints the paths relative to the package root, one per line.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = fs
  .readdirSync(path.join(root, 'native'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.cc'))
  .map((file) => path.posix.join('native', file.split(path.sep).join('/')))
  .sort();
console.log(sources.join('\n'));
