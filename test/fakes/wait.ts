// Shared by the fake platform servers: wait until the bot has sent `count` messages.
export async function waitForCount<T extends { body: Record<string, unknown> }>(
  sent: () => T[],
  count: number,
  timeoutMs: number,
): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (sent().length < count) {
    if (Date.now() > deadline) {
      throw new Error(
        `expected ${count} messages, got ${sent().length}: ${JSON.stringify(sent().map((c) => c.body.text))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return sent();
}
