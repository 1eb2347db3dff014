// Tool calling for servers that refuse `tools` (vLLM without --enable-auto-tool-choice,
// Ollama models without tool support): the tools are described in the system prompt and
// the model answers with a JSON plan that names one tool and its arguments, or the answer.
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { extractJson } from './json.ts';
import type { ModelMessage, ModelToolCall } from './redact.ts';

/** The instructions that replace `tools` in the request. */
export function planInstructions(tools: ChatCompletionTool[]): string {
  const described = tools
    .filter((tool) => tool.type === 'function')
    .map((tool) => {
      const fn = tool.function;
      return `- ${fn.name}: ${fn.description ?? ''}\n  tham số (JSON Schema): ${JSON.stringify(fn.parameters ?? {})}`;
    });
  return [
    'Máy chủ này không hỗ trợ gọi công cụ trực tiếp. Mỗi lượt, trả lời bằng đúng một đối tượng JSON:',
    '{"tool": "<tên công cụ>", "arguments": {...}} để dùng một công cụ, hoặc {"answer": "<câu trả lời>"} khi đã đủ số liệu.',
    'Các công cụ:',
    ...described,
  ].join('\n');
}

/** The conversation with earlier tool calls and results as plain turns the server accepts. */
export function planMessages(messages: ModelMessage[], tools: ChatCompletionTool[]): ModelMessage[] {
  const names = new Map<string, string>();
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === 'assistant' && message.toolCalls?.length) {
      const call = message.toolCalls[0]!;
      names.set(call.id, call.name);
      out.push({ role: 'assistant', content: JSON.stringify({ tool: call.name, arguments: parseArgs(call) }) });
    } else if (message.role === 'tool') {
      out.push({ role: 'user', data: { tool: names.get(message.toolCallId) ?? '', result: message.data } });
    } else out.push(message);
  }
  const system = out.findIndex((message) => message.role === 'system');
  const instructions: ModelMessage = { role: 'system', content: planInstructions(tools) };
  out.splice(system + 1, 0, instructions);
  return out;
}

function parseArgs(call: ModelToolCall): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return {};
  }
}

/** What a plan answer asks for: one tool call, the final answer, or undefined when unreadable. */
export function readPlan(
  content: string,
  tools: ChatCompletionTool[],
  callId: string,
): { toolCalls: ModelToolCall[]; content: string } | undefined {
  const plan = extractJson(content) as { tool?: unknown; arguments?: unknown; answer?: unknown } | undefined;
  if (!plan || typeof plan !== 'object') return undefined;
  const known = tools.some((tool) => tool.type === 'function' && tool.function.name === plan.tool);
  if (typeof plan.tool === 'string' && known) {
    const args = plan.arguments && typeof plan.arguments === 'object' ? plan.arguments : {};
    return { toolCalls: [{ id: callId, name: plan.tool, arguments: JSON.stringify(args) }], content: '' };
  }
  if (typeof plan.answer === 'string') return { toolCalls: [], content: plan.answer };
  return undefined;
}
