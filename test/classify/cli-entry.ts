// Stand-in for bin/kiennghi.js until the lead wires registerClassifyCommands into
// src/cli/main.ts: the same commander wiring, run as a real process.
import { Command } from 'commander';
import { registerClassifyCommands } from '../../src/classify/cli.ts';

const program = new Command('kiennghi');
registerClassifyCommands(program);
await program.parseAsync(process.argv);
