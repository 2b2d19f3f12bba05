import { DemoValues, Sandbox, seedDemo, startSandbox } from "../sandbox";
import { Declaration, OperationResult, Stack, StackOptions } from "../harness/stack";

export interface Fixture {
  sandbox: Sandbox;
  demo: DemoValues;
  /** A new stack configured for the sandbox (Torque and EnOS credentials as secrets). */
  stack(options?: StackOptions): Stack;
  /** The stack config that points the provider at the sandbox. */
  config(): Record<string, string>;
}

/**
 * Starts the sandbox with the demo data before the tests of a file and stops it after.
 * Call at the top level of a test file: `const fx = useSandbox();`.
 */
export function useSandbox(): Fixture {
  const fixture = {} as Fixture;
  beforeAll(async () => {
    fixture.sandbox = await startSandbox();
    fixture.demo = seedDemo(fixture.sandbox);
  });
  afterAll(() => fixture.sandbox?.close());
  fixture.config = () => ({
    "torque:url": fixture.sandbox.torque.url,
    "torque:token": fixture.demo.torqueToken,
    "enos:apiGateway": fixture.sandbox.enos.url,
    "enos:orgId": fixture.demo.enosOrgId,
    "enos:appKey": fixture.demo.enosAppKey,
    "enos:appSecret": fixture.demo.enosAppSecret,
  });
  fixture.stack = (options = {}) =>
    new Stack({
      ...options,
      config: { ...fixture.config(), ...options.config },
      secretConfig: ["torque:token", "enos:appSecret", ...(options.secretConfig ?? [])],
    });
  return fixture;
}

/** Every plaintext secret must be absent from everything the stack and the host produced. */
export function leakedSecrets(haystacks: string[], secrets: string[]): string[] {
  return secrets.filter((s) => haystacks.some((h) => h.includes(s)));
}

/** The operations of a result's steps, in order. */
export const ops = (result: OperationResult) => result.steps.map((s) => s.op);

/** The result's error messages, one per line. */
export const messages = (result: OperationResult) => result.errors.map((e) => e.message).join("\n");

/** Runs `up` and fails the test with the stack's errors when it did not succeed. */
export async function upOk(stack: Stack, program: Declaration[]): Promise<OperationResult> {
  const result = await stack.up(program);
  expect(result.errors).toEqual([]);
  expect(result.programErrors).toEqual([]);
  return result;
}
