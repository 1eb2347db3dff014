// PLACEHOLDER: filled in by its owner.
import type { WebApp, WebDeps } from '../types.ts';

export function registerPetitionPages(_web: WebApp, _deps: WebDeps): void {}
