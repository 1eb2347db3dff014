// What can go wrong with a model call, in the few kinds the features act on: wait for a
// rate limit, fall back on an outage, retry a bad answer.
import { APIConnectionTimeoutError, APIError } from 'openai';

export type LlmFailureKind = 'rate_limit' | 'timeout' | 'server' | 'network' | 'invalid';

/** A model call that gave no usable answer. */
export class LlmFailure extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
    /** From a 429's (or 503's) retry-after / retry-after-ms, when the server sent one. */
    readonly retryAfterMs?: number,
    /** The HTTP status, for a server that answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmFailure';
  }
}

/** Milliseconds from retry-after-ms or retry-after (seconds or an HTTP date). */
export function retryAfterFrom(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Any error of the openai SDK (or of the network under it) as an LlmFailure. */
export function toLlmFailure(error: unknown): LlmFailure {
  if (error instanceof LlmFailure) return error;
  if (error instanceof APIConnectionTimeoutError) return new LlmFailure('timeout', 'LLM request timed out');
  if (error instanceof APIError && error.status === 429) {
    return new LlmFailure('rate_limit', `LLM rate limit: ${error.message}`, retryAfterFrom(error.headers), 429);
  }
  if (error instanceof APIError && error.status !== undefined) {
    const message = `LLM HTTP ${error.status}: ${error.message}`;
    return new LlmFailure('server', message, retryAfterFrom(error.headers), error.status);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LlmFailure('network', `LLM unreachable: ${message}`);
}

/** Worth another try: rate limits, timeouts of the server itself, 5xx and a lost connection; never a 4xx. */
export function isTransient(failure: LlmFailure): boolean {
  if (failure.kind === 'rate_limit' || failure.kind === 'network') return true;
  if (failure.kind !== 'server' || failure.status === undefined) return false;
  return failure.status === 408 || failure.status === 409 || failure.status >= 500;
}
