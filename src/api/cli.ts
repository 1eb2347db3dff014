// PLACEHOLDER: `kiennghi api-token create|list|revoke`, filled in by its owner.
import type { Command } from 'commander';

export function registerApiTokenCommands(_program: Command): void {}
