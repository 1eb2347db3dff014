// Free questions from staff, answered through LLM tool calling over the typed read-only
// tools of tools.ts. The model writes no SQL and sees only the tools its role may use;
// an answer whose numbers are not in the tool results is not shown (the results are).
// The conversation goes through the model gateway, which redacts the question and every
// tool result, with the names of the voters whose petitions the tools returned.
import type { Config } from '../config/index.ts';
import { staffMsg } from '../core/messages-staff.ts';
import type { Role } from '../core/types.ts';
import { foldDiacritics } from '../core/text.ts';
import { formatDate } from '../core/time.ts';
import type { Db } from '../db/client.ts';
import { createModelGateway, LlmFailure, type ModelMessage } from '../llm/gateway.ts';
import { loadPrompt, renderPrompt } from '../llm/prompts.ts';
import type { Logger } from '../log.ts';
import { taxonomyLabels, type Labels } from '../classify/labels.ts';
import { PERIOD_NAMES } from './period.ts';
import type { StatsScope } from './scope.ts';
import { runTool, toolsFor } from './tools.ts';

const MAX_ROUNDS = 5;
const PROMPT_FILE = 'assistant.v1.md';

export interface AssistantDeps {
  db: Db;
  config: Config;
  log: Logger;
}

export interface Question {
  text: string;
  role: Role;
  now: Date;
  /** A deputy's scope: every figure the tools return stays within it. */
  scope?: StatsScope;
}

/** Which commands answer a question, for deployments without an LLM. */
export function suggestCommands(question: string): string[] {
  const q = foldDiacritics(question);
  const found: string[] = [];
  if (/\blich\b|khi nao|o dau|tiep xuc|hoi nghi|cuoc hop/.test(q)) found.push(staffMsg.suggestSchedule());
  if (/bao nhieu|so luong|thong ke|tong so|may |\bso\b|nhieu nhat|ty le/.test(q)) found.push(staffMsg.suggestStats());
  if (/bieu do|do thi|xu huong/.test(q)) found.push(staffMsg.suggestCharts());
  if (/kn-\d|ma kien nghi|lich su/.test(q)) found.push(staffMsg.suggestPetition());
  if (/ra soat|duyet|phan loai/.test(q)) found.push(staffMsg.suggestReview());
  return found.length ? found : [staffMsg.suggestSchedule(), staffMsg.suggestStats()];
}

function systemPrompt(labels: Labels, role: Role, now: Date, timeZone: string): string {
  const list = (items: { id: string; label: string }[]) => items.map((item) => `${item.id} (${item.label})`).join(', ');
  return renderPrompt(loadPrompt(PROMPT_FILE), {
    TODAY: formatDate(now, timeZone),
    ROLE: role,
    PERIODS: PERIOD_NAMES.join(', '),
    LEVELS: list(labels.levels),
    FIELDS: list(labels.fields),
    STATUSES: list(labels.statuses),
  });
}

/** Numbers as written ("1.234" and "1234" are the same number), without leading zeros. */
function numbersIn(text: string): string[] {
  return [...text.matchAll(/\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+/g)].map((m) => String(Number(m[0].replace(/[.,]/g, ''))));
}

/** Every number of the answer must appear in a tool result (or in the question itself). */
export function numbersBacked(answer: string, sources: string[]): boolean {
  const allowed = new Set(sources.flatMap(numbersIn));
  return numbersIn(answer).every((n) => allowed.has(n));
}

function factsOf(results: { name: string; result: string }[]): string {
  return results
    .map((r) => `• ${r.name}: ${r.result.length > 1500 ? `${r.result.slice(0, 1500)}…` : r.result}`)
    .join('\n');
}

/** A reply followed by the commands that answer the question. */
function withSuggestions(reply: string, question: string): string {
  return [reply, ...suggestCommands(question).map((command) => `• ${command}`)].join('\n');
}

export async function answerQuestion(deps: AssistantDeps, question: Question): Promise<string> {
  const { config } = deps;
  if (!config.llmEnabled) return staffMsg.noLlm(suggestCommands(question.text));
  const gateway = createModelGateway(config, { db: deps.db, log: deps.log });
  const labels = taxonomyLabels(config.TAXONOMY);
  const tools = toolsFor(question.role);
  const personalNames = new Set<string>();
  const { role, now, scope } = question;
  const context = { db: deps.db, labels, role, now, timeZone: config.TZ, wards: config.WARDS, personalNames, scope };
  const messages: ModelMessage[] = [
    { role: 'system', content: systemPrompt(labels, question.role, question.now, config.TZ) },
    { role: 'user', content: question.text },
  ];
  const results: { name: string; result: string }[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const answer = await gateway
      .chat({ feature: 'assistant', messages, tools, names: [...personalNames] })
      .catch((error: unknown) => {
        // A model that can neither call tools nor write a readable plan: the commands answer instead.
        if (error instanceof LlmFailure && error.kind === 'invalid') return undefined;
        throw error;
      });
    if (!answer) return withSuggestions(staffMsg.answerNoData(), question.text);
    if (answer.toolCalls.length === 0) {
      const text = answer.content.trim();
      if (!text) break;
      const sources = [question.text, ...results.map((r) => r.result)];
      if (numbersBacked(text, sources)) return text;
      deps.log.warn('assistant answer has numbers no tool returned');
      return results.length ? staffMsg.answerUnverified(factsOf(results)) : staffMsg.answerNoData();
    }
    messages.push({ role: 'assistant', content: answer.content || null, toolCalls: answer.toolCalls });
    for (const call of answer.toolCalls) {
      const output = await runTool(call.name, call.arguments, context).catch((error: unknown) => {
        deps.log.error({ err: error, tool: call.name }, 'assistant tool failed');
        return { error: 'Lỗi khi tra cứu.' };
      });
      results.push({ name: call.name, result: JSON.stringify(output) });
      messages.push({ role: 'tool', toolCallId: call.id, data: output });
    }
  }
  return results.length ? staffMsg.answerUnverified(factsOf(results)) : staffMsg.answerNoData();
}
