// How the backend is chosen: the env settings, the one-line warning when the addon is missing, and the errors
// for settings that cannot be honoured. Subprocess tests import the built package (dist/, made by `pretest`).
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { chooseBackend, loadAddon, packageRoot } from '../src/backend/loader.js';
import { backendInfo, type BackendInfo } from '../src/index.js';

const native = backendInfo().backend === 'native';
const missing = () => {
  throw new Error('No native build was found for platform=linux arch=x64\n    loaded from: /somewhere');
};

describe('chooseBackend', () => {
  test('rejects malformed settings', () => {
    expect(() => chooseBackend({ backend: 'gpu' })).toThrow(
      new RangeError("steadygrad: STEADYGRAD_BACKEND must be 'native' or 'js', received 'gpu'"),
    );
    for (const threads of ['0', '-1', '1.5', 'two', '1025']) {
      expect(() => chooseBackend({ threads })).toThrow(
        new RangeError(`steadygrad: STEADYGRAD_THREADS must be an integer in [1, 1024], received '${threads}'`),
      );
    }
    expect(() => chooseBackend({ backend: 'js', isa: 'avx2' })).toThrow(
      new RangeError('steadygrad: STEADYGRAD_ISA=avx2 applies to the native backend, but STEADYGRAD_BACKEND=js'),
    );
  });

  test('falls back to js with one warning line that says why and how to fix it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const backend = chooseBackend({}, missing);
      expect(backend.name).toBe('js');
      expect(backend.info().fallbackReason).toBe('No native build was found for platform=linux arch=x64');
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0][0]);
      expect(line).not.toContain('\n');
      expect(line).toMatch(/^steadygrad: native addon not loaded \(No native build was found .*\); using the/);
      expect(line).toContain('npm rebuild steadygrad');
      expect(line).toContain('STEADYGRAD_BACKEND=js');
    } finally {
      warn.mockRestore();
    }
  });

  test('a forced native backend or ISA does not fall back', () => {
    expect(() => chooseBackend({ backend: 'native' }, missing)).toThrow(
      'steadygrad: STEADYGRAD_BACKEND=native needs the native addon, which failed to load: No native build was found',
    );
    expect(() => chooseBackend({ isa: 'avx2' }, missing)).toThrow(
      'steadygrad: STEADYGRAD_ISA=avx2 needs the native addon, which failed to load',
    );
  });

  test('STEADYGRAD_BACKEND=js needs no addon and prints nothing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const backend = chooseBackend({ backend: 'js' }, missing);
      expect(backend.info()).toMatchObject({ backend: 'js', isa: 'none', threads: 1, fallbackReason: null });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test.runIf(native)('an ISA the CPU or build lacks is a clear RangeError', () => {
    const supported = loadAddon().info().isas;
    const lacking = (['avx512', 'avx2', 'neon'] as const).find((isa) => !supported.includes(isa));
    expect(lacking).toBeDefined(); // x86 machines lack neon; arm64 machines lack avx2
    expect(() => chooseBackend({ isa: lacking })).toThrow(RangeError);
    expect(() => chooseBackend({ isa: lacking })).toThrow(
      `STEADYGRAD_ISA=${lacking} is not supported by this CPU or build; supported: ${supported.join(', ')}`,
    );
    expect(() => chooseBackend({ isa: 'sse9' })).toThrow(
      new RangeError("STEADYGRAD_ISA must be one of avx512, avx2, neon, scalar, received 'sse9'"),
    );
  });
});

// Runs `import('steadygrad')` (the built dist/) in a fresh Node process with the given environment.
function importInChild(env: Record<string, string>) {
  const script = `import { backendInfo } from ${JSON.stringify(path.join(packageRoot, 'dist', 'index.js'))};
    console.log(JSON.stringify(backendInfo()));`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STEADYGRAD_')));
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...clean, ...env },
    encoding: 'utf8',
  });
}

describe('the package as a user imports it', () => {
  test('without a loadable addon: works on js, with exactly one warning line on stderr', () => {
    const child = importInChild({ STEADYGRAD_ADDON_PATH: '/nonexistent/steadygrad.node' });
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toMatchObject({ backend: 'js', addonVersion: null });
    const lines = child.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^steadygrad: native addon not loaded \(Cannot find module/);
  });

  test.runIf(native)('native by default, configured from the environment', () => {
    const child = importInChild({ STEADYGRAD_THREADS: '1', STEADYGRAD_ISA: 'scalar' });
    expect(child.stderr).toBe('');
    const info = JSON.parse(child.stdout) as BackendInfo;
    expect(info).toMatchObject({ backend: 'native', isa: 'scalar', threads: 1, fallbackReason: null });
    expect(info.addonVersion).toBe(info.version);
    expect(info.kernels.sgemm).toBe('sgemm_scalar_4x8');
  });

  test.runIf(native)('a bad setting fails the import with the message', () => {
    const child = importInChild({ STEADYGRAD_ISA: 'bogus' });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain(
      "RangeError: STEADYGRAD_ISA must be one of avx512, avx2, neon, scalar, received 'bogus'",
    );
  });

  test('the package exports what the README documents', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as sg from ${JSON.stringify(path.join(packageRoot, 'dist', 'index.js'))}; console.log(Object.keys(sg).sort().join(','))`,
      ],
      { encoding: 'utf8', env: { ...process.env, STEADYGRAD_BACKEND: 'js' } },
    );
    expect(out.trim()).toBe(
      'Adagrad,Adam,AdamW,ChainedScheduler,ConstantLR,CosineAnnealingLR,CosineAnnealingWarmRestarts,DecimalScaler,EarlyStopping,ExponentialLR,GradientMonitor,LRScheduler,LinearLR,MapMinMaxScaler,MapStdScaler,MaxAbsScaler,MinMaxScaler,ModelFileError,MultiStepLR,Normalizer,OneCycleLR,Optimizer,PolynomialLR,RMSprop,ReduceLROnPlateau,RobustScaler,SGD,SafetensorsError,Schedule,Sequential,SequentialLR,StandardScaler,StepLR,applyNormalization,backendInfo,clipGradNorm,clipGradValue,earlyStopping,gradCheck,gradientMonitor,layers,loadModel,mapminmax,mapstd,normalize,scalerFromJSON,sequential,sequentialFromConfig,setThreads,sgemm',
    );
    const kernels = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as k from 'steadygrad/kernels'; console.log(Object.keys(k).sort().join(','))`,
      ],
      { encoding: 'utf8', cwd: packageRoot, env: { ...process.env, STEADYGRAD_BACKEND: 'js' } },
    );
    expect(kernels.trim()).toBe(
      'gruBackward,gruForward,lstmBackward,lstmForward,relu,rnnBackward,rnnForward,sgemm,sigmoid,tanh',
    );
  });
});
