// What voters do with the follow-up: say an answer did not resolve their petition (from
// /tracuu, which reopens it for follow-up) and see everything held about them (/dulieucuatoi).
import type { Turn } from '../core/types.ts';
import { followupVoterMsg } from '../core/messages.ts';
import type { Choice, OutgoingMessage } from '../core/types.ts';
import type { Tx } from '../db/client.ts';
import { normalizeTrackingCode } from '../intake/petitions.ts';
import { audit } from '../staff/access.ts';

/** Choice ids of "the answer did not resolve it", carrying the tracking code (well under 64 bytes). */
export const REOPEN_PREFIX = 'fu:reopen:';
/** Statuses whose answer a voter (or staff) can say did not resolve the petition. */
const REOPENABLE = ['answered', 'resolved'];

/** /tracuu on an answered petition: the detail, and a way to say the answer did not resolve it. */
export function withReopenChoice(detail: string, petition: { trackingCode: string; status: string }): OutgoingMessage {
  if (!REOPENABLE.includes(petition.status)) return { text: detail };
  const choices: Choice[] = [
    { id: `${REOPEN_PREFIX}${petition.trackingCode}`, label: followupVoterMsg.reopenChoice() },
  ];
  return { text: `${detail}\n${followupVoterMsg.reopenHint()}`, choices };
}

/**
 * Back to "forwarded" for follow-up, with the event and audit entry; the notice time is
 * cleared so the next answer reaches the voter too. Returns false when it was not answered.
 */
export async function reopenPetition(
  tx: Tx,
  petitionId: number,
  actor: string,
  now: Date,
  note: string,
): Promise<boolean> {
  const petition = await tx.petition.findUniqueOrThrow({ where: { id: petitionId } });
  if (!REOPENABLE.includes(petition.status)) return false;
  const data = { status: 'forwarded', reopenedAt: now, resolvedAt: null, answerNotifiedAt: null };
  await tx.petition.update({ where: { id: petition.id }, data });
  await tx.petitionEvent.create({
    data: { petitionId: petition.id, fromStatus: petition.status, toStatus: 'forwarded', note, actor },
  });
  await audit(tx, {
    actor,
    action: 'petition.reopened',
    entity: 'Petition',
    entityId: petition.trackingCode,
    before: { status: petition.status, resolvedAt: petition.resolvedAt },
    after: { status: 'forwarded', reopenedAt: now },
  });
  return true;
}

/** The voter pressed (or typed the number of) "the answer did not resolve it". */
export async function reopenByVoter(turn: Turn, choiceId: string): Promise<void> {
  const code = normalizeTrackingCode(choiceId.slice(REOPEN_PREFIX.length));
  const { voter } = turn;
  // Only the sender's own petition: anybody else learns nothing.
  const petition = voter
    ? await turn.tx.petition.findFirst({ where: { trackingCode: code, voterId: voter.id } })
    : null;
  if (!petition) return turn.reply(followupVoterMsg.reopenUnknown(code));
  const actor = `${turn.event.channel}:${turn.event.userId} (voter)`;
  const reopened = await reopenPetition(turn.tx, petition.id, actor, turn.now, followupVoterMsg.reopenNote());
  turn.reply(reopened ? followupVoterMsg.reopened(code) : followupVoterMsg.reopenNotAnswered(code));
}

/** /dulieucuatoi: the voter's record, consent and petitions with their statuses; the view is audited. */
export async function showMyData(turn: Turn): Promise<void> {
  const { channel, userId } = turn.event;
  const voter = await turn.tx.voter.findUnique({
    where: { channel_channelUserId: { channel, channelUserId: userId } },
    include: {
      petitions: {
        orderBy: { id: 'asc' },
        select: { trackingCode: true, status: true, receivedAt: true, textNormalized: true },
      },
    },
  });
  if (!voter) return turn.reply(followupVoterMsg.noData());
  await audit(turn.tx, {
    actor: `${channel}:${userId} (voter)`,
    action: 'voter.data_view',
    entity: 'Voter',
    entityId: voter.id,
  });
  turn.reply(followupVoterMsg.myData(voter, turn.config.TZ));
}
