// Types of save-versions.js (plain JavaScript, so that the kill test's child process can run it).
export declare const LAYERS: { type: string; config: Record<string, unknown> }[];
interface Named {
  name: string;
  shape: number[];
  value: Float32Array;
}
export declare function weightsOf(v: number, params: Named[]): Record<string, { data: Float32Array; shape: number[] }>;
export declare function stateOf(
  v: number,
  params: Named[],
): {
  type: 'Adam';
  state: Record<number, { step: number; expAvg: Float32Array; expAvgSq: Float32Array }>;
  paramGroups: (Record<string, unknown> & { lr: number; params: number[] })[];
  steps: number;
  skippedSteps: number;
};
