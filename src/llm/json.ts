// Reading a JSON answer from a model that may wrap it in prose or ``` fences (servers that
// ignore response_format, or answer in plain text after falling back).

/** The JSON object of an answer, or undefined when there is none. */
export function extractJson(content: string): unknown {
  const trimmed = content.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.indexOf('{');
    const end = trimmed.lastIndexOf('}');
    if (start < 0 || end <= start) return undefined;
    try {
      return JSON.parse(trimmed.slice(start, end + 1));
    } catch {
      return undefined;
    }
  }
}
