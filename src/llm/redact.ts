// The one place where what a feature wants to say to a model becomes what is sent: every
// text that carries data (user messages, tool results, the model's own earlier turns and
// tool arguments) goes through redactPersonalData; only system prompts, written by us and
// holding no data, go as they are.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { redactPersonalData } from '../classify/pii.ts';

/** A tool call the model asked for. */
export interface ModelToolCall {
  id: string;
  name: string;
  /** JSON text, as the model wrote it. */
  arguments: string;
}

/** A message of a model conversation, before redaction. */
export type ModelMessage =
  | { role: 'system'; content: string }
  /** Text that may hold personal data. */
  | { role: 'user'; content: string }
  /** Structured data, sent as JSON with every string value redacted. */
  | { role: 'user'; data: unknown }
  | { role: 'assistant'; content: string | null; toolCalls?: ModelToolCall[] }
  | { role: 'tool'; toolCallId: string; data: unknown };

export interface RedactionOptions {
  /** Names known to be personal (the voters concerned): removed wherever they appear. */
  names: string[];
  /** Longest string value kept in structured data, cut after redaction so no half number survives. */
  maxTextChars?: number;
}

function clip(text: string, max: number | undefined): string {
  const chars = Array.from(text);
  return max === undefined || chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A text as it may leave the process. */
export function redactText(text: string, options: RedactionOptions): string {
  return redactPersonalData(text, { names: options.names });
}

/** Structured data with every string value redacted (keys are ours; numbers and booleans are counts and flags). */
export function redactData(value: unknown, options: RedactionOptions): unknown {
  if (typeof value === 'string') return clip(redactText(value, options), options.maxTextChars);
  if (Array.isArray(value)) return value.map((item) => redactData(item, options));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactData(item, options)]));
  }
  return value;
}

function redactJson(value: unknown, options: RedactionOptions): string {
  return JSON.stringify(redactData(value, options));
}

/** Tool arguments are JSON the model wrote; anything else is treated as text. */
function redactArguments(text: string, options: RedactionOptions): string {
  try {
    return redactJson(JSON.parse(text), options);
  } catch {
    return redactText(text, options);
  }
}

function redactMessage(message: ModelMessage, options: RedactionOptions): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      if ('data' in message) return { role: 'user', content: redactJson(message.data, options) };
      return { role: 'user', content: redactText(message.content, options) };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content === null ? null : redactText(message.content, options),
        ...(message.toolCalls?.length
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: redactArguments(call.arguments, options) },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: redactJson(message.data, options) };
  }
}

/** The conversation as sent: redacted, in the SDK's shape. */
export function redactMessages(messages: ModelMessage[], options: RedactionOptions): ChatCompletionMessageParam[] {
  return messages.map((message) => redactMessage(message, options));
}
