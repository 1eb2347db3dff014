// Every model call of kiennghi goes through here: one place owns the OpenAI clients (chat at
// OPENAI_BASE_URL, speech-to-text at OPENAI_STT_BASE_URL, vision at OPENAI_VISION_BASE_URL),
// bounds a call in time, retries it (never waiting out a long Retry-After), shares the
// endpoint's slots between features, learns what the server refuses and falls back, counts
// tokens per feature, and redacts everything sent as text (src/llm/redact.ts). A feature
// says what it wants to ask; it never builds a client, never sets a timeout and never redacts.
import OpenAI, { toFile } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { observeLlmCall } from '../ops/metrics.ts';
import { capabilitiesOf, endpointOf, refusedCapability, type Capabilities, type RequestShape } from './capabilities.ts';
import { isTransient, LlmFailure, toLlmFailure } from './errors.ts';
import type { ModelFeature } from './features.ts';
import { extractJson } from './json.ts';
import { limiterFor } from './limiter.ts';
import { planMessages, readPlan } from './plan.ts';
import { redactMessages, type ModelMessage, type ModelToolCall } from './redact.ts';
import { estimateMessagesTokens, promptWasCut } from './tokens.ts';
import { recordUsage } from './usage.ts';

export { LlmFailure, toLlmFailure, type LlmFailureKind } from './errors.ts';
export type { ModelFeature } from './features.ts';
export type { ModelMessage, ModelToolCall } from './redact.ts';

/**
 * Tries after the first, within the call's time bound. Classification retries nothing here:
 * its durable job retries later and the voter's petition already has the rules' answer;
 * transcription and reading photos are durable jobs too.
 */
const RETRIES: Record<ModelFeature, number> = { classify: 0, group: 2, assistant: 1, transcribe: 0, vision: 0 };

/** The longest Retry-After we wait inside a call; a longer one fails now and the caller's fallback takes over. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_MS = 500;
/** Parameters a server can refuse, so at most this many re-sends after a 400. */
const MAX_LEARNT = 4;
const JSON_ONLY = 'Chỉ trả lời bằng đúng một đối tượng JSON, không kèm lời giải thích.';

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
  /** The server cut the prompt (counted far fewer tokens than sent) or stopped at its length limit. */
  truncated: boolean;
}

export interface AudioInput {
  data: Buffer;
  fileName: string;
}

export interface ImageInput {
  data: Buffer;
  mimeType: string;
}

/** What a vision model read from a photo. */
export interface ReadImage {
  /** The photo shows a written or printed page. */
  isDocument: boolean;
  text: string;
}

export interface ModelGateway {
  readonly model: string;
  /** The model's context window (OPENAI_CONTEXT_TOKENS), for features that size what they send. */
  readonly contextTokens: number;
  /** One model call (retries and fallbacks included) within the time bound; throws an LlmFailure. */
  chat(request: ChatRequest): Promise<ChatAnswer>;
  /** Speech to text (Vietnamese) at the speech endpoint; throws an LlmFailure. */
  transcribe(audio: AudioInput): Promise<string>;
  /** Reads a photographed page at the vision endpoint; throws an LlmFailure. */
  readImage(image: ImageInput, instructions: string): Promise<ReadImage>;
}

export interface GatewayOptions {
  /** Bound of one whole call, retries included (default OPENAI_TIMEOUT_SECONDS). */
  timeoutMs?: number;
  /** Where answered calls are counted (LlmUsage); without it nothing is stored. */
  db?: Db;
  /** Told once when a model's fallback is switched on. */
  log?: Logger;
}

type Settings = Pick<
  Config,
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_MODEL'
  | 'OPENAI_TIMEOUT_SECONDS'
  | 'OPENAI_TEMPERATURE'
  | 'OPENAI_CONTEXT_TOKENS'
  | 'OPENAI_MAX_CONCURRENCY'
  | 'OPENAI_STT_MODEL'
  | 'OPENAI_STT_BASE_URL'
  | 'OPENAI_VISION_MODEL'
  | 'OPENAI_VISION_BASE_URL'
  | 'TZ'
>;

/** How long to wait before the next try, or undefined when it is not worth one. */
function nextDelay(failure: LlmFailure, attempt: number): number | undefined {
  if (!isTransient(failure)) return undefined;
  const asked = failure.retryAfterMs;
  if (asked === undefined) return BACKOFF_MS * 2 ** attempt;
  return asked <= MAX_RETRY_AFTER_MS ? asked : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function contentText(message: ChatCompletionMessageParam): string {
  const content = 'content' in message ? message.content : '';
  if (typeof content === 'string') return content;
  return JSON.stringify(content ?? '') + ('tool_calls' in message ? JSON.stringify(message.tool_calls ?? []) : '');
}

/** The response_format this server still takes for what is wanted, with the hint a downgrade needs. */
function formatFor(
  wanted: ChatRequest['responseFormat'],
  caps: Capabilities,
): { format: RequestShape['format']; responseFormat?: ChatRequest['responseFormat']; hint?: string } {
  if (!wanted || wanted.type === 'text') return { format: 'text' };
  const schema = wanted.type === 'json_schema' ? wanted.json_schema.schema : undefined;
  const hint = schema ? `${JSON_ONLY} Lược đồ JSON: ${JSON.stringify(schema)}` : JSON_ONLY;
  if (wanted.type === 'json_schema' && caps.jsonSchema) return { format: 'json_schema', responseFormat: wanted };
  if (caps.jsonObject) return { format: 'json_object', responseFormat: { type: 'json_object' }, hint };
  return { format: 'text', hint };
}

/** The gateway for these settings; the SDK's own retries are off (it obeys any Retry-After, however long). */
export function createModelGateway(config: Settings, options: GatewayOptions = {}): ModelGateway {
  const model = config.OPENAI_MODEL;
  const boundMs = options.timeoutMs ?? config.OPENAI_TIMEOUT_SECONDS * 1000;
  const clients = new Map<string, OpenAI>();
  const clientFor = (baseURL: string | undefined) => {
    const endpoint = endpointOf(baseURL);
    let client = clients.get(endpoint);
    if (!client) {
      client = new OpenAI({ apiKey: config.OPENAI_API_KEY ?? 'none', baseURL, maxRetries: 0 });
      clients.set(endpoint, client);
    }
    return client;
  };

  /** Runs one try at a time under the endpoint's shared slots, retrying within the bound. */
  async function withRetries<T>(
    feature: ModelFeature,
    baseURL: string | undefined,
    attemptOnce: (timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    const limiter = limiterFor(endpointOf(baseURL), config.OPENAI_MAX_CONCURRENCY);
    const deadline = Date.now() + boundMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await limiter.run(feature, () => {
          const left = deadline - Date.now();
          if (left <= 0) throw new LlmFailure('timeout', 'LLM request timed out');
          return attemptOnce(left);
        });
      } catch (error) {
        const failure = toLlmFailure(error);
        const delay = attempt < RETRIES[feature] ? nextDelay(failure, attempt) : undefined;
        if (delay === undefined || Date.now() + delay >= deadline) throw failure;
        await sleep(delay);
      }
    }
  }

  async function count(feature: ModelFeature, usedModel: string, answer: Pick<ChatAnswer, 'usage' | 'truncated'>) {
    if (!options.db) return;
    const entry = { feature, model: usedModel, ...answer.usage, truncated: answer.truncated };
    await recordUsage(options.db, entry, new Date(), config.TZ).catch((error: unknown) =>
      options.log?.warn({ err: error, feature }, 'model usage not recorded'),
    );
  }

  function learn(caps: Capabilities, capability: keyof Capabilities, feature: ModelFeature): void {
    caps[capability] = false;
    options.log?.warn(
      { model, capability, feature },
      'model server refused a parameter; using its fallback from now on',
    );
  }

  async function chat(request: ChatRequest): Promise<ChatAnswer> {
    const endpoint = endpointOf(config.OPENAI_BASE_URL);
    const caps = capabilitiesOf(endpoint, model);
    for (let learnt = 0; ; learnt++) {
      const planned = Boolean(request.tools?.length) && !caps.tools;
      const { format, responseFormat, hint } = formatFor(
        planned ? { type: 'json_object' } : request.responseFormat,
        caps,
      );
      const wantsTemperature = config.OPENAI_TEMPERATURE !== undefined && caps.temperature;
      let conversation = planned ? planMessages(request.messages, request.tools!) : request.messages;
      if (hint && !planned) conversation = [...conversation, { role: 'system', content: hint }];
      const messages = redactMessages(conversation, {
        names: request.names ?? [],
        maxTextChars: request.maxTextChars,
      });
      const body: ChatCompletionCreateParamsNonStreaming = {
        model,
        messages,
        ...(wantsTemperature ? { temperature: config.OPENAI_TEMPERATURE } : {}),
        ...(request.tools?.length && !planned ? { tools: request.tools, tool_choice: 'auto' as const } : {}),
        ...(responseFormat ? { response_format: responseFormat } : {}),
      };
      const shape: RequestShape = { temperature: wantsTemperature, format, tools: Boolean(body.tools) };
      try {
        const completion = await withRetries(request.feature, config.OPENAI_BASE_URL, (timeout) =>
          observeLlmCall(request.feature, client().chat.completions.create(body, { timeout, maxRetries: 0 })),
        );
        const answer = answerOf(completion, estimateMessagesTokens(messages.map(contentText)));
        if (answer.truncated) {
          options.log?.warn(
            { model, feature: request.feature, promptTokens: answer.usage.tokensIn },
            'model answer truncated: the server context is smaller than OPENAI_CONTEXT_TOKENS',
          );
        }
        await count(request.feature, model, answer);
        return planned ? planAnswer(answer, request.tools!) : answer;
      } catch (error) {
        const failure = toLlmFailure(error);
        const refused = learnt < MAX_LEARNT ? refusedCapability(failure, shape) : undefined;
        if (!refused) throw failure;
        learn(caps, refused, request.feature);
      }
    }
  }

  const client = () => clientFor(config.OPENAI_BASE_URL);
  let planCalls = 0;

  function planAnswer(answer: ChatAnswer, tools: ChatCompletionTool[]): ChatAnswer {
    const plan = readPlan(answer.content, tools, `plan_${++planCalls}`);
    if (!plan) throw new LlmFailure('invalid', 'LLM tool plan unreadable');
    return { ...answer, ...plan };
  }

  async function transcribe(audio: AudioInput): Promise<string> {
    const sttModel = config.OPENAI_STT_MODEL;
    if (!sttModel) throw new LlmFailure('invalid', 'speech-to-text is not configured');
    const baseURL = config.OPENAI_STT_BASE_URL ?? config.OPENAI_BASE_URL;
    const result = await withRetries('transcribe', baseURL, async (timeout) =>
      clientFor(baseURL).audio.transcriptions.create(
        { file: await toFile(audio.data, audio.fileName), model: sttModel, language: 'vi' },
        { timeout, maxRetries: 0 },
      ),
    );
    await count('transcribe', sttModel, { usage: { tokensIn: 0, tokensOut: 0 }, truncated: false });
    return result.text.trim();
  }

  async function readImage(image: ImageInput, instructions: string): Promise<ReadImage> {
    const visionModel = config.OPENAI_VISION_MODEL;
    if (!visionModel) throw new LlmFailure('invalid', 'vision is not configured');
    const baseURL = config.OPENAI_VISION_BASE_URL ?? config.OPENAI_BASE_URL;
    const url = `data:${image.mimeType};base64,${image.data.toString('base64')}`;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: visionModel,
      messages: [
        { role: 'system', content: `${instructions}\n${JSON_ONLY}` },
        { role: 'user', content: [{ type: 'image_url', image_url: { url } }] },
      ],
    };
    const completion = await withRetries('vision', baseURL, (timeout) =>
      clientFor(baseURL).chat.completions.create(body, { timeout, maxRetries: 0 }),
    );
    const answer = answerOf(completion, 0);
    await count('vision', visionModel, answer);
    return readImageAnswer(answer.content);
  }

  return { model, contextTokens: config.OPENAI_CONTEXT_TOKENS, chat, transcribe, readImage };
}

function answerOf(completion: ChatCompletion, estimate: number): ChatAnswer {
  const choice = completion.choices?.[0];
  const message = choice?.message;
  const calls = (message?.tool_calls ?? []).filter((call) => call.type === 'function');
  const tokensIn = completion.usage?.prompt_tokens ?? 0;
  return {
    content: message?.content ?? '',
    toolCalls: calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
    usage: { tokensIn, tokensOut: completion.usage?.completion_tokens ?? 0 },
    truncated: choice?.finish_reason === 'length' || promptWasCut(tokensIn, estimate),
  };
}

function readImageAnswer(content: string): ReadImage {
  const parsed = extractJson(content) as { is_document?: unknown; text?: unknown } | undefined;
  if (!parsed || typeof parsed !== 'object') throw new LlmFailure('invalid', 'vision answer unreadable');
  const text = typeof parsed.text === 'string' ? parsed.text.trim() : '';
  return { isDocument: parsed.is_document === true && text.length > 0, text };
}
