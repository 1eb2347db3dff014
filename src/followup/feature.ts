// The follow-up in chat: staff say an answer did not resolve a petition (/chuagiaiquyet,
// which reopens it for follow-up); the durable follow-up jobs start with the feature.
import type { Command, Feature, Turn } from '../core/types.ts';
import { followupStaffMsg } from '../core/messages-staff.ts';
import { normalizeText } from '../core/text.ts';
import { normalizeTrackingCode } from '../intake/petitions.ts';
import { actorOf, rolesWith } from '../staff/access.ts';
import { FollowupJobs, type FollowupDeps } from './jobs.ts';
import { reopenPetition } from './voter.ts';

/** /chuagiaiquyet KN-… | ghi chú: the answer did not resolve it; back to "forwarded" for follow-up. */
async function notResolved(turn: Turn, args: string): Promise<void> {
  const [first, ...rest] = normalizeText(args).split('|');
  const code = normalizeTrackingCode(first ?? '');
  if (!code) return turn.reply(followupStaffMsg.notResolvedUsage());
  const petition = await turn.tx.petition.findUnique({ where: { trackingCode: code } });
  if (!petition) return turn.reply(followupStaffMsg.unknown(code));
  const note = rest.join('|').trim() || followupStaffMsg.notResolvedNote();
  const reopened = await reopenPetition(turn.tx, petition.id, actorOf(turn), turn.now, note);
  turn.reply(reopened ? followupStaffMsg.reopened(code) : followupStaffMsg.notAnswered(code));
}

const commands: Command[] = [
  {
    name: 'chuagiaiquyet',
    roles: rolesWith('review'),
    usage: '/chuagiaiquyet KN-… | ghi chú',
    help: 'trả lời chưa giải quyết được kiến nghị: theo dõi tiếp',
    run: notResolved,
  },
];

/** The follow-up feature; registers and starts its durable jobs. */
export function followupFeature(deps: FollowupDeps): Feature {
  const jobs = new FollowupJobs(deps);
  jobs.register();
  void jobs.start().catch((error: unknown) => deps.log.error({ err: error }, 'followup: could not book the tick'));
  return { name: 'followup', commands };
}
