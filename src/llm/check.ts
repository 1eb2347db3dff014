// `kiennghi llm check`: a few small calls that show what the configured endpoint accepts,
// learnt the same way as in use (a 400 that names a parameter switches on its fallback).
import type { Config } from '../config/index.ts';
import { capabilitiesOf, endpointOf, type Capabilities } from './capabilities.ts';
import { createModelGateway, type ModelGateway } from './gateway.ts';

export interface CheckReport {
  endpoint: string;
  model: string;
  /** Set when the endpoint answered nothing usable. */
  error?: string;
  capabilities?: Capabilities;
  /** A prompt of about OPENAI_CONTEXT_TOKENS was cut by the server. */
  contextCut?: boolean;
  speech?: string;
  vision?: string;
}

const PROBE_TOOL = {
  type: 'function' as const,
  function: {
    name: 'count_petitions',
    description: 'Đếm số kiến nghị.',
    parameters: { type: 'object', properties: { period: { type: 'string' } }, required: [] },
  },
};
const PROBE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['ok'],
  properties: { ok: { type: 'boolean' } },
};
/** Share of the configured context a probe prompt fills. */
const CONTEXT_PROBE_SHARE = 0.8;
/** A tenth of a second of silence, 16 kHz mono WAV: the smallest file a speech server takes. */
function silentWav(): Buffer {
  const samples = 1600;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}
/** A 1x1 white PNG. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC',
  'base64',
);

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function probeChat(gateway: ModelGateway, contextTokens: number): Promise<boolean> {
  await gateway.chat({ feature: 'assistant', messages: [{ role: 'user', content: 'Trả lời: OK' }] });
  await gateway.chat({
    feature: 'classify',
    messages: [{ role: 'user', content: 'Trả lời JSON {"ok": true}.' }],
    responseFormat: { type: 'json_schema', json_schema: { name: 'probe', strict: true, schema: PROBE_SCHEMA } },
  });
  await gateway
    .chat({
      feature: 'assistant',
      messages: [{ role: 'user', content: 'Có bao nhiêu kiến nghị?' }],
      tools: [PROBE_TOOL],
    })
    .catch(() => undefined);
  const filler = 'Đường ngõ ngập nước sau mưa. '.repeat(Math.floor((contextTokens * CONTEXT_PROBE_SHARE * 3) / 29));
  const long = await gateway.chat({
    feature: 'group',
    messages: [{ role: 'user', content: `${filler}\nTrả lời: OK` }],
  });
  return long.truncated;
}

/** Probes the chat endpoint (and the speech and vision endpoints when configured). */
export async function checkEndpoints(config: Config): Promise<CheckReport> {
  const endpoint = endpointOf(config.OPENAI_BASE_URL);
  const report: CheckReport = { endpoint, model: config.OPENAI_MODEL };
  const gateway = createModelGateway(config);
  try {
    report.contextCut = await probeChat(gateway, config.OPENAI_CONTEXT_TOKENS);
    report.capabilities = { ...capabilitiesOf(endpoint, config.OPENAI_MODEL) };
  } catch (error) {
    report.error = messageOf(error);
  }
  if (config.OPENAI_STT_MODEL) {
    report.speech = await gateway.transcribe({ data: silentWav(), fileName: 'probe.wav' }).then(() => 'OK', messageOf);
  }
  if (config.OPENAI_VISION_MODEL) {
    report.vision = await gateway
      .readImage(
        { data: TINY_PNG, mimeType: 'image/png' },
        'Ảnh có phải một trang văn bản không? {"is_document": false, "text": ""}',
      )
      .then(() => 'OK', messageOf);
  }
  return report;
}
