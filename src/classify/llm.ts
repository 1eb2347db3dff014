// One LLM request classifies a batch of petitions. Every answer is validated (self-hosted
// servers may ignore the JSON schema); items that fail are retried once, then reported
// as failed so the caller can fall back to the offline rules. The request goes through the
// model gateway, which redacts it.
import { z } from 'zod';
import { LlmFailure, toLlmFailure, type ModelGateway, type ModelUsage } from '../llm/gateway.ts';
import { extractJson } from '../llm/json.ts';
import type { ExampleIndex } from './examples.ts';
import { renderUserMessage, type PromptItem } from './prompt.ts';
import type { Taxonomy } from './taxonomy.ts';
import type { ClassificationResult } from './types.ts';

export type LlmItem = Pick<
  ClassificationResult,
  'authority' | 'field' | 'agency' | 'summary' | 'confidence' | 'isPetition' | 'reason'
>;

export type Usage = ModelUsage;

export interface LlmBatchResult {
  items: Map<string, LlmItem>;
  /** Keys that were still invalid or missing after the one retry. */
  invalid: string[];
  /** Usage of each request, with the keys it carried (to split tokens fairly). */
  requests: Array<{ keys: string[]; usage: Usage }>;
  /** Set when a request failed (HTTP error, timeout): the keys still pending are in `invalid`. */
  failure?: LlmFailure;
}

export interface LlmSettings {
  gateway: ModelGateway;
  systemPrompt: string;
  taxonomy: Taxonomy;
  /** Labelled corpus petitions like the ones asked about; none when absent or empty. */
  examples?: ExampleIndex;
}

function itemSchema(taxonomy: Taxonomy) {
  return z.object({
    id: z.coerce.string(),
    authority: z.enum(taxonomy.levelIds as [string, ...string[]]),
    field: z.enum(taxonomy.fieldIds as [string, ...string[]]),
    agency: z
      .string()
      .trim()
      .max(200)
      .nullable()
      .optional()
      .transform((v) => (v ? v : null)),
    summary: z
      .string()
      .trim()
      .max(600)
      .nullable()
      .optional()
      .transform((v) => (v ? v : null)),
    confidence: z.coerce.number().min(0).max(1),
    is_petition: z.boolean(),
    reason: z.string().trim().min(1).max(600),
  });
}

/** JSON schema sent as response_format (strict); the zod schema above is what we trust. */
export function responseJsonSchema(taxonomy: Taxonomy) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['results'],
    properties: {
      results: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'authority', 'field', 'agency', 'summary', 'confidence', 'is_petition', 'reason'],
          properties: {
            id: { type: 'string' },
            authority: { type: 'string', enum: taxonomy.levelIds },
            field: { type: 'string', enum: taxonomy.fieldIds },
            agency: { type: ['string', 'null'] },
            summary: { type: ['string', 'null'] },
            confidence: { type: 'number' },
            is_petition: { type: 'boolean' },
            reason: { type: 'string' },
          },
        },
      },
    },
  };
}

function parseAnswer(content: string, keys: string[], taxonomy: Taxonomy): Map<string, LlmItem> {
  const parsed = extractJson(content);
  const list = z.object({ results: z.array(z.unknown()) }).safeParse(parsed);
  const items = new Map<string, LlmItem>();
  if (!list.success) return items;
  const schema = itemSchema(taxonomy);
  for (const raw of list.data.results) {
    const item = schema.safeParse(raw);
    if (!item.success || !keys.includes(item.data.id) || items.has(item.data.id)) continue;
    const { id, is_petition, ...rest } = item.data;
    items.set(id, { ...rest, isPetition: is_petition });
  }
  return items;
}

async function request(settings: LlmSettings, items: PromptItem[]): Promise<{ content: string; usage: Usage }> {
  const answer = await settings.gateway.chat({
    feature: 'classify',
    messages: [
      { role: 'system', content: settings.systemPrompt },
      {
        role: 'user',
        content: renderUserMessage(items, settings.examples?.forRequest(items.map((item) => item.text)) ?? []),
      },
    ],
    responseFormat: {
      type: 'json_schema',
      json_schema: { name: 'petition_classifications', strict: true, schema: responseJsonSchema(settings.taxonomy) },
    },
    names: items.flatMap((item) => item.names ?? []),
  });
  return { content: answer.content, usage: answer.usage };
}

/**
 * Classifies one batch. Items the answer left out or got wrong are retried once; a
 * transport error (HTTP, timeout) stops the batch and is reported in `failure`.
 */
export async function classifyBatch(settings: LlmSettings, items: PromptItem[]): Promise<LlmBatchResult> {
  const result: LlmBatchResult = { items: new Map(), invalid: [], requests: [] };
  let pending = items;
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    const keys = pending.map((item) => item.key);
    let answer: { content: string; usage: Usage };
    try {
      answer = await request(settings, pending);
    } catch (error) {
      result.failure = toLlmFailure(error);
      break;
    }
    result.requests.push({ keys, usage: answer.usage });
    for (const [key, item] of parseAnswer(answer.content, keys, settings.taxonomy)) result.items.set(key, item);
    pending = pending.filter((item) => !result.items.has(item.key));
  }
  result.invalid = pending.map((item) => item.key);
  if (!result.failure && result.invalid.length > 0) {
    result.failure = new LlmFailure(
      'invalid',
      `LLM answer invalid for ${result.invalid.length} petition(s) after one retry`,
    );
  }
  return result;
}
