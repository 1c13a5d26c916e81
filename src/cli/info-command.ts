// `steadygrad info`: which backend runs the numerics, with which instruction set and threads, the versions, and why
// the native backend is not in use when it is not.
import { backendInfo } from '../backend/index.js';
import { EXIT_OK, type Io } from './program.js';

export function infoCommand(options: { json?: boolean }, io: Io): number {
  const info = backendInfo();
  if (options.json) {
    io.out.write(`${JSON.stringify({ ...info, node: process.versions.node }, null, 2)}\n`);
    return EXIT_OK;
  }
  const why =
    info.backend === 'native'
      ? null
      : (info.fallbackReason ?? 'the js backend was chosen (STEADYGRAD_BACKEND=js or --backend js)');
  const lines = [
    ['steadygrad', info.version],
    ['backend', info.backend],
    ['instruction set', info.backend === 'native' ? `${info.isa} (this CPU can run: ${info.isas.join(', ')})` : 'none'],
    ['threads', `${info.threads} (cores available: ${info.cores})`],
    ['addon', info.addonVersion ?? 'not loaded'],
    [
      'kernels',
      Object.entries(info.kernels)
        .map(([op, k]) => `${op}: ${k}`)
        .join(', '),
    ],
    ['node', process.versions.node],
    ...(why ? [['why not native', why]] : []),
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  io.out.write(`${lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
  return EXIT_OK;
}
