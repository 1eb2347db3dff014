// What a model endpoint accepts, learnt from its answers rather than assumed: a 400 that
// names a parameter switches that model to the fallback for the rest of the process.
import type { LlmFailure } from './errors.ts';

/** Parameters a server may refuse. */
export interface Capabilities {
  temperature: boolean;
  jsonSchema: boolean;
  jsonObject: boolean;
  tools: boolean;
}

export type Capability = keyof Capabilities;

/** What a request used, so that a 400 is blamed only on a parameter it carried. */
export interface RequestShape {
  temperature: boolean;
  format: 'json_schema' | 'json_object' | 'text';
  tools: boolean;
}

const learnt = new Map<string, Capabilities>();

/** The endpoint a base URL names (the SDK's default when none is set). */
export function endpointOf(baseURL: string | undefined): string {
  return baseURL ?? 'https://api.openai.com/v1';
}

const key = (endpoint: string, model: string) => `${endpoint}\u0000${model}`;

/** What this model at this endpoint is known to accept (everything, until a 400 says otherwise). */
export function capabilitiesOf(endpoint: string, model: string): Capabilities {
  let caps = learnt.get(key(endpoint, model));
  if (!caps) {
    caps = { temperature: true, jsonSchema: true, jsonObject: true, tools: true };
    learnt.set(key(endpoint, model), caps);
  }
  return caps;
}

/**
 * The capability a 400 refused, when its message names a parameter the request carried;
 * the caller switches it off and sends the request again without it.
 */
export function refusedCapability(failure: LlmFailure, shape: RequestShape): Capability | undefined {
  if (failure.status !== 400 && failure.status !== 422) return undefined;
  const message = failure.message.toLowerCase();
  if (shape.temperature && message.includes('temperature')) return 'temperature';
  if (shape.tools && /tool/.test(message)) return 'tools';
  if (shape.format !== 'text' && /response_format|json_schema|json_object|structured output|format/.test(message)) {
    return shape.format === 'json_schema' ? 'jsonSchema' : 'jsonObject';
  }
  return undefined;
}
