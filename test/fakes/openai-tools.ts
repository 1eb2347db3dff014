// A fake OpenAI-compatible chat.completions server on 127.0.0.1 that answers with tool
// calls: the real openai SDK talks to it over HTTP. Each test scripts the model's turns.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeLocal, listenLocal, readRaw, replyJson as send } from './server.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_call_id?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: { type: 'function'; function: { name: string; description?: string; parameters: Record<string, unknown> } }[];
}

export type ModelTurn = { toolCalls: { name: string; args: Record<string, unknown> }[] } | { content: string };

/** Decides the model's next turn from the request (the conversation so far). */
export type Script = (request: ChatRequest) => ModelTurn;

export class FakeOpenAITools {
  readonly requests: ChatRequest[] = [];
  apiKey = 'sk-test-tools';
  baseURL = '';
  script: Script = () => ({ content: 'Không có kịch bản.' });
  /**
   * Set to a server's error message to answer 400 to any request that offers tools, as vLLM
   * does without --enable-auto-tool-choice and Ollama for a model without tool support.
   */
  rejectTools: string | undefined = undefined;
  private server: Server | undefined;
  private nextCall = 1;

  async start(): Promise<this> {
    const local = await listenLocal((req, res) => void this.route(req, res));
    this.server = local.server;
    this.baseURL = `${local.origin}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    await closeLocal(this.server);
  }

  /** Names of the tools offered in a request. */
  static toolNames(request: ChatRequest): string[] {
    return (request.tools ?? []).map((tool) => tool.function.name);
  }

  /** The tool results sent back to the model so far, parsed. */
  static toolResults(request: ChatRequest): unknown[] {
    return request.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content ?? 'null'));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRaw(req);
    if (req.url !== '/v1/chat/completions' || req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return send(res, 401, { error: { message: 'unauthorized', type: 'invalid_request_error' } });
    }
    const request = JSON.parse(raw.toString('utf8')) as ChatRequest;
    this.requests.push(request);
    if (this.rejectTools && request.tools?.length) {
      return send(res, 400, { error: { message: this.rejectTools, type: 'invalid_request_error' } });
    }
    const turn = this.script(request);
    const message =
      'content' in turn
        ? { role: 'assistant', content: turn.content }
        : {
            role: 'assistant',
            content: null,
            tool_calls: turn.toolCalls.map((call) => ({
              id: `call_${this.nextCall++}`,
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.args) },
            })),
          };
    send(res, 200, {
      id: `chatcmpl-${this.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message, finish_reason: 'content' in turn ? 'stop' : 'tool_calls', logprobs: null }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    });
  }
}
