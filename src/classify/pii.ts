// The personal-data redactor lives in src/privacy; classification, digests and the model gateway import it here.
export { PLACEHOLDER, redactPersonalData, type RedactOptions } from '../privacy/redact.ts';
