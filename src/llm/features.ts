/** The features that call a model. */
export type ModelFeature = 'classify' | 'group' | 'assistant' | 'transcribe' | 'vision';
