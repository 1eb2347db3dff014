// Helpers of the Zalo tests that are not set-up (that is test/helpers/fixture.ts).

/**
 * Waits a fixed time: only where a test shows that something does NOT happen (no call, no
 * reply) within it, since there is no condition to wait for.
 */
export async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
