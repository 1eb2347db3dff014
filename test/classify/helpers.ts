import { readFileSync } from 'node:fs';
import { parseConfig, type Config } from '../../src/config/index.ts';

export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ LOG_LEVEL: 'silent', TAXONOMY: 'legacy', CLASSIFY_BATCH_SIZE: '5', ...env });
}

export function llmConfig(baseURL: string, env: Record<string, string> = {}): Config {
  return testConfig({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL, OPENAI_MODEL: 'fake-model', ...env });
}

export function readJsonl<T>(path: string): T[] {
  return readFileSync(new URL(path, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
