// The command list: every feature's commands by name, the role check before a command
// runs, and the help lists and menus built from the same declarations.
import { helpMsg } from './messages-help.ts';
import { staffMsg } from './messages-staff.ts';
import type { Command, Feature, Role, Turn } from './types.ts';

/** What the parser reads as a command name, within what Telegram's menus accept. */
const COMMAND_NAME = /^[a-z_]{1,32}$/;
/** Telegram's limit on a command's description. */
const MAX_DESCRIPTION = 256;
const STAFF_ROLES: readonly Role[] = ['admin', 'staff', 'deputy'];

/** A command as a platform menu shows it. */
export interface MenuEntry {
  command: string;
  description: string;
}

/** Every command of every feature, by name and alias; a name is taken once. */
export class CommandList {
  private readonly byName = new Map<string, Command>();
  private readonly listed: Command[] = [];
  private readonly notes: { roles: readonly Role[]; text: string }[] = [];

  constructor() {
    this.add({
      name: 'trogiup',
      aliases: ['help'],
      roles: ['admin', 'staff', 'deputy', 'voter'],
      usage: '/trogiup',
      help: helpMsg.votersCommand(),
      run: (turn) => turn.reply(this.voterHelp()),
    });
    this.add({
      name: 'canbo',
      roles: STAFF_ROLES,
      usage: '/canbo',
      help: helpMsg.staffCommand(),
      run: (turn) => turn.reply(this.staffHelp(turn.role)),
    });
  }

  /** Adds a feature's commands and notes; throws on a name or alias already taken. */
  addFeature(feature: Feature): void {
    for (const command of feature.commands ?? []) this.add(command, feature.name);
    this.notes.push(...(feature.notes ?? []));
  }

  find(name: string): Command | undefined {
    return this.byName.get(name);
  }

  /** Runs a command if the turn's role may, else replies its refusal. */
  async run(command: Command, turn: Turn, args: string): Promise<void> {
    if (!command.roles.includes(turn.role)) return turn.reply((command.refusal ?? staffMsg.notAllowed)());
    await command.run(turn, args);
  }

  /** /trogiup: what voters can do, and the commands open to them. */
  voterHelp(): string {
    return helpMsg.voters([...this.notesFor('voter'), ...this.linesFor((c) => c.roles.includes('voter'))]);
  }

  /** /canbo: the commands of `role` that voters do not have. */
  staffHelp(role: Role): string {
    const lines = this.linesFor((c) => c.roles.includes(role) && !c.roles.includes('voter'));
    return helpMsg.staff(role, [
      ...lines,
      ...this.notesFor(role).filter((note) => !this.notesFor('voter').includes(note)),
    ]);
  }

  /** The commands `role` may run, for a platform's command menu. */
  menuFor(role: Role): MenuEntry[] {
    return this.listed
      .filter((command) => command.roles.includes(role))
      .map((command) => ({ command: command.name, description: command.help.slice(0, MAX_DESCRIPTION) }));
  }

  private add(command: Command, feature = 'core'): void {
    for (const name of [command.name, ...(command.aliases ?? [])]) {
      if (!COMMAND_NAME.test(name)) throw new Error(`command /${name} of ${feature}: not a valid command name`);
      if (this.byName.has(name)) throw new Error(`command /${name} of ${feature}: the name is already taken`);
      this.byName.set(name, command);
    }
    if (!command.hidden) this.listed.push(command);
  }

  private linesFor(wanted: (command: Command) => boolean): string[] {
    return this.listed.filter(wanted).map((command) => `${command.usage} — ${command.help}`);
  }

  private notesFor(role: Role): string[] {
    return this.notes.filter((note) => note.roles.includes(role)).map((note) => note.text);
  }
}
