// Asserting an exact error: its class and its whole message.
import { expect } from 'vitest';

export function expectThrow(call: () => unknown, errorClass: typeof Error, message: string): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${errorClass.name}: ${message}`).toBeInstanceOf(errorClass);
  expect((thrown as Error).message).toBe(message);
}

export async function expectReject(
  promise: Promise<unknown>,
  errorClass: typeof Error,
  message: string,
): Promise<void> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${errorClass.name}: ${message}`).toBeInstanceOf(errorClass);
  expect((thrown as Error).message).toBe(message);
}
