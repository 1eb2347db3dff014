// The dispatcher: each turn's event to the feature that handles it. A typed command goes to
// the command list (which checks the role); free input goes by the rule of `Feature`.
import { CommandList } from './commands.ts';
import { msg } from './messages.ts';
import { answerKey } from './text.ts';
import type { Choice, Feature, IncomingEvent, Turn } from './types.ts';

export class Dispatcher {
  readonly commands = new CommandList();
  private readonly owners = new Map<string, Feature>();
  private readonly claimants: Feature[] = [];
  private fallback: Feature | undefined;

  /** Adds a feature; throws on a second feature of the same name, priority or default. */
  use(feature: Feature): void {
    if (this.owners.has(feature.name)) throw new Error(`feature ${feature.name} is added twice`);
    const { claims } = feature;
    if (claims && this.claimants.some((other) => other.claims!.priority === claims.priority)) {
      throw new Error(`feature ${feature.name}: another feature claims input at priority ${claims.priority}`);
    }
    if (feature.defaultInput && this.fallback) {
      throw new Error(`feature ${feature.name}: ${this.fallback.name} already takes the default input`);
    }
    this.commands.addFeature(feature);
    this.owners.set(feature.name, feature);
    if (claims) this.claimants.push(feature);
    this.claimants.sort((a, b) => b.claims!.priority - a.claims!.priority);
    if (feature.defaultInput) this.fallback = feature;
  }

  async dispatch(turn: Turn): Promise<void> {
    const event = parseEvent(turn);
    if (event === 'expired') return turn.reply(msg.expiredChoice());
    (turn as { event: IncomingEvent }).event = event;
    if (event.kind === 'command') {
      const command = this.commands.find(event.command);
      if (!command) return turn.reply(msg.unknownCommand(event.command));
      return this.commands.run(command, turn, event.args);
    }
    await this.inputFeature(turn)?.onInput?.(turn);
  }

  /** The owner of the conversation state, else the first claimant by priority, else the default. */
  private inputFeature(turn: Turn): Feature | undefined {
    const owner = this.owners.get(turn.conversation.state.split('.')[0]!);
    if (owner?.onInput) return owner;
    return this.claimants.find((feature) => feature.claims!.when(turn)) ?? this.fallback;
  }
}

/** Turns typed commands into command events and typed answers into the offered choice. */
function parseEvent(turn: Turn): IncomingEvent | 'expired' {
  const { event } = turn;
  const offered = turn.conversation.data.choices ?? [];
  if (event.kind === 'text') {
    const command = parseCommand(event.text);
    if (command) return { ...event, kind: 'command', ...command };
    const choice = matchChoice(event.text, offered);
    if (choice) return { ...event, kind: 'choice', choiceId: choice.id };
  }
  if (event.kind === 'choice' && !offered.some((choice) => choice.id === event.choiceId)) return 'expired';
  return event;
}

/** `/lenh@bot args` as the command's name (lowercase) and its arguments. */
export function parseCommand(text: string): { command: string; args: string } | null {
  const match = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { command: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

/** "1", "1.", "số 1", "Đồng ý", "dong y" all pick the same choice. */
function matchChoice(text: string, choices: Choice[]): Choice | undefined {
  const key = answerKey(text).replace(/^so /, '');
  if (!key) return undefined;
  return choices.find((choice, index) => key === String(index + 1) || key === answerKey(choice.label));
}
