// A real HTTP server on 127.0.0.1 speaking enough of the OpenAI chat-completions API for
// the classifier: tests point the real openai client at it through baseURL and then
// assert on what it received (request bodies) and how the classifier coped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  body: string;
  json: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    response_format?: unknown;
    /** Set on the assistant's requests (tool calls), absent on classification requests. */
    tools?: unknown[];
  };
}

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
  /** Replaces how the next requests are answered. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

/** The petitions a request carried, read back from the <petition> blocks of the user message. */
export function petitionsIn(request: ReceivedRequest): FakePetition[] {
  const user =
    request.json.messages
      ?.filter((m) => m.role === 'user')
      .map((m) => m.content)
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

// Roughly one token per four characters: enough to compare batched and naive costs.
const tokens = (text: string) => Math.ceil(text.length / 4);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOpenAI(
  initial: Responder = answerWith(() => ({ authority: 'city', field: 'other' })),
): Promise<FakeOpenAI> {
  let responder = initial;
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
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
    const request: ReceivedRequest = { path: req.url, body, json };
    requests.push(request);
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
    const prompt = (json.messages ?? []).map((m) => m.content).join('\n');
    send(res, 200, {
      id: `chatcmpl-fake-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: json.model ?? 'fake',
      choices: [
        { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content, refusal: null } },
      ],
      usage: {
        prompt_tokens: tokens(prompt),
        completion_tokens: tokens(reply.content),
        total_tokens: tokens(prompt) + tokens(reply.content),
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    respond(next) {
      responder = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
