// Prompts are versioned files under prompts/ (an office can read and review them): a front
// matter with `version:`, then the text, with {{NAME}} placeholders filled in by the feature.
import { readFileSync } from 'node:fs';

export interface Prompt {
  version: string;
  text: string;
}

const cache = new Map<string, Prompt>();

/** prompts/<file> (e.g. group.v1.md), read once per process. */
export function loadPrompt(file: string): Prompt {
  const cached = cache.get(file);
  if (cached) return cached;
  const source = readFileSync(new URL(`../../prompts/${file}`, import.meta.url), 'utf8');
  const front = /^---\n([\s\S]*?)\n---\n/.exec(source);
  const version = front ? /^version:\s*(\S+)/m.exec(front[1]!)?.[1] : undefined;
  if (!front || !version) throw new Error(`prompt ${file}: missing "version:" in the front matter`);
  const prompt = { version, text: source.slice(front[0].length).trim() };
  cache.set(file, prompt);
  return prompt;
}

/** The prompt's text with every {{NAME}} replaced; a placeholder left unfilled is an error. */
export function renderPrompt(prompt: Prompt, values: Record<string, string>): string {
  return prompt.text.replace(/\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`prompt ${prompt.version}: no value for {{${name}}}`);
    return value;
  });
}
