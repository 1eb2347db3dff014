// A real HTTP server on 127.0.0.1 speaking enough of the OpenAI chat-completions API for
// the classifier: tests point the real openai client at it through baseURL and then
// assert on what it received (request bodies) and how the classifier coped.
import type { ServerResponse } from 'node:http';
import { closeLocal, listenLocal, readRaw, replyJson as send } from './server.ts';

export interface ReceivedRequest {
  path: string;
  body: string;
  json: {
    model?: string;
    /** Content is text, except in a vision request, where it is an array of ContentPart (see partsOf). */
    messages?: Array<{ role: string; content: string }>;
    response_format?: { type?: string };
    temperature?: number;
    tool_choice?: unknown;
    /** Set on the assistant's requests (tool calls), absent on classification requests. */
    tools?: unknown[];
  };
}

export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** A speech-to-text request as received (multipart fields; the file's size only). */
export interface ReceivedTranscription {
  model: string;
  language: string;
  fileName: string;
  fileBytes: number;
}

/** What the fake's speech endpoint answers: a transcript or an HTTP error. */
export type TranscriptionReply = { kind: 'text'; text: string } | { kind: 'status'; status: number };

/** A vision request as received: the model and the image of its data URL (type and size only). */
export interface ReceivedImage {
  model: string;
  mimeType: string;
  bytes: number;
}

/** What the fake's vision model answers for an image: what it read, or an HTTP error. */
export type ImageReply = { kind: 'read'; isDocument: boolean; text: string } | { kind: 'status'; status: number };

/**
 * How the server differs, as its documentation says: the parameters it answers 400 to (with
 * that server's own error message), and a context window it cuts prompts to without telling.
 */
export interface ServerBehaviour {
  rejects?: Partial<Record<'temperature' | 'json_schema' | 'json_object' | 'tools', string>>;
  /** Prompts longer than this are cut silently (Ollama): usage reports the tokens kept. */
  contextTokens?: number;
}

/** The documented differences of the servers the README configures. */
export const SERVERS = {
  openai: {},
  /** OpenAI reasoning models (o-series, gpt-5): any temperature but the default is refused. */
  openaiReasoning: {
    rejects: {
      temperature:
        "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.",
    },
  },
  /** vLLM started without --enable-auto-tool-choice --tool-call-parser. */
  vllmWithoutToolParser: {
    rejects: { tools: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set' },
  },
  /** Older vLLM and llama.cpp builds: no json_schema. */
  oldLlamaCpp: {
    rejects: { json_schema: 'response_format type must be one of "text" or "json_object", got json_schema' },
  },
  /** A server that takes no response_format at all. */
  noResponseFormat: {
    rejects: {
      json_schema: "Unsupported parameter: 'response_format'",
      json_object: "Unsupported parameter: 'response_format'",
    },
  },
  /** Ollama with a model without tool support, at its default context below 24 GiB of VRAM. */
  ollamaSmall: {
    rejects: { tools: 'registry.ollama.ai/library/gemma2:2b does not support tools' },
    contextTokens: 4096,
  },
} satisfies Record<string, ServerBehaviour>;

export interface FakePetition {
  id: string;
  text: string;
}

/** What the fake answers for one request: a chat answer, an HTTP error, or silence. */
export type FakeReply =
  | { kind: 'answer'; content: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'hang'; ms: number };

export type Responder = (
  petitions: FakePetition[],
  request: ReceivedRequest,
  index: number,
) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAI {
  baseURL: string;
  requests: ReceivedRequest[];
  transcriptions: ReceivedTranscription[];
  /** Replaces how the speech endpoint answers (default: "Xin chào"). */
  transcribe(reply: (request: ReceivedTranscription) => TranscriptionReply): void;
  /** Chat requests carrying an image (kept apart from `requests`). */
  images: ReceivedImage[];
  /** Replaces how a request carrying an image is answered (default: not a document). */
  readImage(reply: (request: ReceivedImage) => ImageReply): void;
  /** Replaces how the next requests are answered. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

/** The petitions a request carried, read back from the <petition> blocks of the user message. */
export function petitionsIn(request: ReceivedRequest): FakePetition[] {
  const user =
    request.json.messages
      ?.filter((m) => m.role === 'user')
      .map((m) => textOf(m.content))
      .join('\n') ?? '';
  return [...user.matchAll(/<petition id="([^"]+)"[^>]*>\n([\s\S]*?)\n<\/petition>/g)].map((m) => ({
    id: m[1]!,
    text: m[2]!,
  }));
}

export interface FakeLabel {
  authority: string;
  field: string;
  confidence?: number;
  agency?: string | null;
  is_petition?: boolean;
}

/** A well-formed answer labelling every petition with `label(petition)`. */
export function answerWith(label: (petition: FakePetition) => FakeLabel): Responder {
  return (petitions) => ({
    kind: 'answer',
    content: JSON.stringify({
      results: petitions.map((petition) => {
        const chosen = label(petition);
        return {
          id: petition.id,
          authority: chosen.authority,
          field: chosen.field,
          agency: chosen.agency ?? null,
          summary: `Kiến nghị: ${petition.text.slice(0, 60)}`,
          confidence: chosen.confidence ?? 0.9,
          is_petition: chosen.is_petition ?? true,
          reason: 'fake',
        };
      }),
    }),
  });
}

/** The content parts of a message (a text content is one text part). */
export function partsOf(content: unknown): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as ContentPart[]) : [];
}

/** The text of a message's content, whether a string or parts. */
export function textOf(content: unknown): string {
  return partsOf(content)
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join('\n');
}

/** The message of the first parameter the server refuses in this request, if any. */
function refusal(json: ReceivedRequest['json'], behaviour: ServerBehaviour): string | undefined {
  const rejects = behaviour.rejects ?? {};
  if (json.temperature !== undefined && rejects.temperature) return rejects.temperature;
  if (json.tools?.length && rejects.tools) return rejects.tools;
  const format = json.response_format?.type;
  if (format === 'json_schema' && rejects.json_schema) return rejects.json_schema;
  if (format === 'json_object' && rejects.json_object) return rejects.json_object;
  return undefined;
}

/** The multipart fields of a transcription request (enough of RFC 7578 for the openai SDK's form). */
function parseTranscription(body: Buffer, contentType: string): ReceivedTranscription {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const marker = `--${boundary?.[1] ?? boundary?.[2]}`;
  const fields: Record<string, string> = {};
  let fileName = '';
  let fileBytes = 0;
  for (const part of body.toString('latin1').split(marker).slice(1, -1)) {
    const [head = '', ...rest] = part.split('\r\n\r\n');
    const value = rest.join('\r\n\r\n').replace(/\r\n$/, '');
    const name = /name="([^"]+)"/.exec(head)?.[1] ?? '';
    const file = /filename="([^"]*)"/.exec(head);
    if (file) {
      fileName = file[1]!;
      fileBytes = Buffer.byteLength(value, 'latin1');
    } else fields[name] = value;
  }
  return { model: fields.model ?? '', language: fields.language ?? '', fileName, fileBytes };
}

/** The image a chat request carries (the first image_url part of its messages), if any. */
function imageIn(json: ReceivedRequest['json']): ReceivedImage | undefined {
  const part = (json.messages ?? []).flatMap((m) => partsOf(m.content)).find((p) => p.type === 'image_url');
  if (!part || part.type !== 'image_url') return undefined;
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
  return {
    model: json.model ?? '',
    mimeType: match?.[1] ?? '',
    bytes: match ? Buffer.from(match[2]!, 'base64').length : 0,
  };
}

/** A chat completion whose answer is the vision model's JSON. */
function imageAnswer(res: ServerResponse, reply: ImageReply, model: string): void {
  if (reply.kind === 'status') return send(res, reply.status, { error: { message: `fake ${reply.status}` } });
  const content = JSON.stringify({ is_document: reply.isDocument, text: reply.text });
  send(res, 200, {
    id: 'chatcmpl-fake-image',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
    usage: { prompt_tokens: 800, completion_tokens: tokens(content), total_tokens: 800 + tokens(content) },
  });
}

// Roughly one token per four characters: enough to compare batched and naive costs.
const tokens = (text: string) => Math.ceil(text.length / 4);

export async function startFakeOpenAI(
  initial: Responder = answerWith(() => ({ authority: 'city', field: 'other' })),
  behaviour: ServerBehaviour = SERVERS.openai,
): Promise<FakeOpenAI> {
  let responder = initial;
  const requests: ReceivedRequest[] = [];
  const transcriptions: ReceivedTranscription[] = [];
  let transcriber = (_request: ReceivedTranscription): TranscriptionReply => ({ kind: 'text', text: 'Xin chào' });
  const images: ReceivedImage[] = [];
  let imageReader = (_request: ReceivedImage): ImageReply => ({ kind: 'read', isDocument: false, text: '' });
  const timers = new Set<NodeJS.Timeout>();
  const { server, origin } = await listenLocal(async (req, res) => {
    if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
      const received = parseTranscription(await readRaw(req), req.headers['content-type'] ?? '');
      transcriptions.push(received);
      const reply = transcriber(received);
      if (reply.kind === 'status') send(res, reply.status, { error: { message: `fake ${reply.status}` } });
      else send(res, 200, { text: reply.text });
      return;
    }
    const body = (await readRaw(req)).toString('utf8');
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      send(res, 404, { error: { message: 'not found' } });
      return;
    }
    let json: ReceivedRequest['json'];
    try {
      json = JSON.parse(body);
    } catch {
      send(res, 400, { error: { message: 'bad json' } });
      return;
    }
    const image = imageIn(json);
    if (image) {
      images.push(image);
      return imageAnswer(res, imageReader(image), image.model);
    }
    const request: ReceivedRequest = { path: req.url, body, json };
    requests.push(request);
    const refused = refusal(json, behaviour);
    if (refused) {
      send(res, 400, { error: { message: refused, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    let reply: FakeReply;
    try {
      reply = await responder(petitionsIn(request), request, requests.length - 1);
    } catch (error) {
      send(res, 500, { error: { message: `fake responder failed: ${String(error)}` } });
      return;
    }
    if (reply.kind === 'hang') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.writableEnded) send(res, 200, {});
      }, reply.ms);
      timers.add(timer);
      return;
    }
    if (reply.kind === 'status') {
      send(
        res,
        reply.status,
        reply.body ?? { error: { message: `fake ${reply.status}`, type: 'fake' } },
        reply.headers,
      );
      return;
    }
    const prompt = (json.messages ?? []).map((m) => textOf(m.content)).join('\n');
    const promptTokens = Math.min(tokens(prompt), behaviour.contextTokens ?? Infinity);
    send(res, 200, {
      id: `chatcmpl-fake-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: json.model ?? 'fake',
      choices: [
        { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content, refusal: null } },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: tokens(reply.content),
        total_tokens: promptTokens + tokens(reply.content),
      },
    });
  });
  return {
    baseURL: `${origin}/v1`,
    requests,
    transcriptions,
    transcribe(next) {
      transcriber = next;
    },
    images,
    readImage(next) {
      imageReader = next;
    },
    respond(next) {
      responder = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await closeLocal(server);
    },
  };
}
