// Command modules loaded only when a command of theirs runs. Each module (classify, digests,
// follow-up…) imports what its actions need (Word, Excel, PDF, the model client), which takes
// seconds to load; `kiennghi meeting list` or `--help` needs none of it. The build writes a
// manifest (dist/cli/commands.json: which top-level commands each module adds or extends, and how
// the help lists them); with it, the modules the invoked command does not touch are stood in for
// by commands that carry only their name and help line. Without a manifest (the sources run
// through tsx) every module is loaded, as the manifest itself is made.
import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';

/** A module that adds commands to the program (or subcommands to commands already there). */
export interface CommandModule {
  id: string;
  register(program: Command): Promise<void>;
}

/** A top-level command as the program's help lists it. */
interface ListedCommand {
  name: string;
  aliases: string[];
  term: string;
  description: string;
  hidden: boolean;
}

interface ModuleEntry {
  id: string;
  /** Top-level commands the module adds, in order. */
  adds: ListedCommand[];
  /** Names and aliases of the top-level commands it adds or changes. */
  touches: string[];
}

export interface CommandManifest {
  modules: ModuleEntry[];
}

export const MANIFEST_FILE = new URL('./commands.json', import.meta.url);

/** The top-level command an argument list runs (or asks help for); undefined for the program's own help. */
export function commandTarget(args: string[]): string | undefined {
  const operands = args.filter((arg) => !arg.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

function readManifest(modules: CommandModule[]): CommandManifest | undefined {
  let manifest: CommandManifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as CommandManifest;
  } catch {
    return undefined;
  }
  const same = manifest.modules.length === modules.length && manifest.modules.every((m, i) => m.id === modules[i]!.id);
  return same ? manifest : undefined;
}

/**
 * Registers the command modules on `program`: those the invoked command touches for real, the
 * others as stand-ins from the manifest (all for real when there is none). Returns whether any
 * module was loaded.
 */
export async function registerCommandModules(
  program: Command,
  modules: CommandModule[],
  args: string[],
): Promise<boolean> {
  const manifest = readManifest(modules);
  const target = commandTarget(args);
  const terms = new Map<Command, string>();
  let loaded = false;
  for (const [i, module] of modules.entries()) {
    const entry = manifest?.modules[i];
    if (!entry || (target !== undefined && entry.touches.includes(target))) {
      await module.register(program);
      loaded = true;
      continue;
    }
    for (const listed of entry.adds) {
      const standIn = program.command(listed.name, { hidden: listed.hidden }).description(listed.description);
      standIn.aliases(listed.aliases);
      terms.set(standIn, listed.term);
    }
  }
  if (terms.size) {
    const defaultTerm = Help.prototype.subcommandTerm;
    program.configureHelp({
      subcommandTerm(this: Help, command: Command) {
        return terms.get(command) ?? defaultTerm.call(this, command);
      },
    });
  }
  return loaded;
}

/** What one top-level command looks like, subcommands and options included, to see whether a module changed it. */
function shape(command: Command): string {
  return JSON.stringify({
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    options: command.options.map((option) => option.flags),
    arguments: command.registeredArguments.map((argument) => argument.name()),
    commands: command.commands.map(shape),
  });
}

/** Builds the manifest: registers every module on `program` (which holds the program's own commands). */
export async function buildCommandManifest(program: Command, modules: CommandModule[]): Promise<CommandManifest> {
  const help = program.createHelp();
  const entries: ModuleEntry[] = [];
  for (const module of modules) {
    const before = new Map(program.commands.map((command) => [command, shape(command)]));
    await module.register(program);
    const added = program.commands.filter((command) => !before.has(command));
    const changed = program.commands.filter((command) => before.has(command) && before.get(command) !== shape(command));
    const visible = new Set(help.visibleCommands(program));
    entries.push({
      id: module.id,
      adds: added.map((command) => ({
        name: command.name(),
        aliases: command.aliases(),
        term: help.subcommandTerm(command),
        description: help.subcommandDescription(command),
        hidden: !visible.has(command),
      })),
      touches: [...added, ...changed].flatMap((command) => [command.name(), ...command.aliases()]),
    });
  }
  return { modules: entries };
}
