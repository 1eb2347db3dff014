export interface ClassifyContext {
  meetingTitle?: string;
  ward?: string;
  /** Names said in the conversation (voter, neighbours): removed before any LLM call. */
  personalNames?: string[];
}

export interface ClassifyInput {
  id: string;
  text: string;
  context?: ClassifyContext;
}

export interface ClassificationResult {
  authority: string;
  field: string;
  agency: string | null;
  summary: string | null;
  confidence: number;
  isPetition: boolean;
  reason: string;
  classifier: 'llm' | 'rules';
  model?: string;
  promptVersion?: string;
  tokensIn?: number;
  tokensOut?: number;
}
