// Every model call of kiennghi goes through here: one place owns the OpenAI client
// (OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL), bounds a call in time, retries it, and
// redacts everything sent (src/llm/redact.ts). A feature says what it wants to ask;
// it never builds a client, never sets a timeout and never redacts by itself.
import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { Config } from '../config/index.ts';
import { observeLlmCall } from '../ops/metrics.ts';
import { isTransient, LlmFailure, toLlmFailure } from './errors.ts';
import { redactMessages, type ModelMessage, type ModelToolCall } from './redact.ts';

export { LlmFailure, toLlmFailure, type LlmFailureKind } from './errors.ts';
export type { ModelMessage, ModelToolCall } from './redact.ts';

/** The features that call a model; each has its retry policy. */
export type ModelFeature = 'classify' | 'group' | 'assistant';

/**
 * Tries after the first, within the call's time bound. Classification retries nothing here:
 * its durable job retries later and the voter's petition already has the rules' answer.
 */
const RETRIES: Record<ModelFeature, number> = { classify: 0, group: 2, assistant: 1 };

/** The longest Retry-After we wait inside a call; a longer one fails now and the caller's fallback takes over. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_MS = 500;

export interface ChatRequest {
  feature: ModelFeature;
  messages: ModelMessage[];
  tools?: ChatCompletionTool[];
  responseFormat?: ChatCompletionCreateParamsNonStreaming['response_format'];
  /** Names of the people concerned (voters), removed wherever they appear in what is sent. */
  names?: string[];
  /** Longest string value of structured data sent, cut after redaction. */
  maxTextChars?: number;
}

export interface ModelUsage {
  tokensIn: number;
  tokensOut: number;
}

export interface ChatAnswer {
  content: string;
  toolCalls: ModelToolCall[];
  usage: ModelUsage;
}

export interface ModelGateway {
  readonly model: string;
  /** One model call (retries included) within the time bound; throws an LlmFailure. */
  chat(request: ChatRequest): Promise<ChatAnswer>;
}

export interface GatewayOptions {
  /** Bound of one whole call, retries included (default OPENAI_TIMEOUT_SECONDS). */
  timeoutMs?: number;
}

type Settings = Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'OPENAI_TIMEOUT_SECONDS'>;

/** How long to wait before the next try, or undefined when it is not worth one. */
function nextDelay(failure: LlmFailure, attempt: number): number | undefined {
  if (!isTransient(failure)) return undefined;
  const asked = failure.retryAfterMs;
  if (asked === undefined) return BACKOFF_MS * 2 ** attempt;
  return asked <= MAX_RETRY_AFTER_MS ? asked : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function answerOf(completion: ChatCompletion): ChatAnswer {
  const message = completion.choices?.[0]?.message;
  const calls = (message?.tool_calls ?? []).filter((call) => call.type === 'function');
  return {
    content: message?.content ?? '',
    toolCalls: calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
    usage: { tokensIn: completion.usage?.prompt_tokens ?? 0, tokensOut: completion.usage?.completion_tokens ?? 0 },
  };
}

/** The gateway for these settings; the SDK's own retries are off (it obeys any Retry-After, however long). */
export function createModelGateway(config: Settings, options: GatewayOptions = {}): ModelGateway {
  const client = new OpenAI({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, maxRetries: 0 });
  const model = config.OPENAI_MODEL;
  const boundMs = options.timeoutMs ?? config.OPENAI_TIMEOUT_SECONDS * 1000;

  async function chat(request: ChatRequest): Promise<ChatAnswer> {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model,
      temperature: 0,
      messages: redactMessages(request.messages, { names: request.names ?? [], maxTextChars: request.maxTextChars }),
      ...(request.tools ? { tools: request.tools, tool_choice: 'auto' as const } : {}),
      ...(request.responseFormat ? { response_format: request.responseFormat } : {}),
    };
    const deadline = Date.now() + boundMs;
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) throw new LlmFailure('timeout', 'LLM request timed out');
      try {
        const completion = client.chat.completions.create(body, { timeout: left, maxRetries: 0 });
        return answerOf(await observeLlmCall(request.feature, completion));
      } catch (error) {
        const failure = toLlmFailure(error);
        const delay = attempt < RETRIES[request.feature] ? nextDelay(failure, attempt) : undefined;
        if (delay === undefined || Date.now() + delay >= deadline) throw failure;
        await sleep(delay);
      }
    }
  }

  return { model, chat };
}
