// Themes for digests and reports: stored groups first, then the petitions not grouped yet
// clustered on the fly by text similarity, so a fresh petition is counted with its twins
// even before a grouping run. Pure: no database, no clock.
import { redactPersonalData } from '../classify/pii.ts';
import { excerpt } from '../core/messages.ts';
import { themeTitle } from './grouping.ts';
import { clusterBySimilarity } from './similarity.ts';

export const QUOTE_CHARS = 220;

export interface ThemePetition {
  id: number;
  text: string;
  summary: string | null;
  anonymous: boolean;
  groupId: number | null;
  groupTitle: string | null;
  voterKey: string;
  meetingId: number | null;
}

export interface Theme {
  title: string;
  groupId: number | null;
  petitionIds: number[];
  petitions: number;
  voters: number;
  meetings: number;
  /** One or two verbatim quotes; an anonymous sender's phone numbers and ids are masked. */
  quotes: string[];
}

/**
 * A verbatim quote; an anonymous petition's (or, with `redactAll`, any petition's: what a
 * deputy reads) personal data is removed first.
 */
export function quoteOf(petition: { text: string; anonymous: boolean }, redactAll = false): string {
  const text = petition.anonymous || redactAll ? redactPersonalData(petition.text) : petition.text.trim();
  return excerpt(text.replace(/\s+/g, ' '), QUOTE_CHARS);
}

function themeFrom(members: ThemePetition[], title: string, groupId: number | null, quotes: number): Theme {
  const seen = new Set<string>();
  const picked: string[] = [];
  for (const petition of members) {
    const quote = quoteOf(petition);
    if (picked.length >= quotes || seen.has(quote)) continue;
    seen.add(quote);
    picked.push(quote);
  }
  return {
    title,
    groupId,
    petitionIds: members.map((p) => p.id),
    petitions: members.length,
    voters: new Set(members.map((p) => p.voterKey)).size,
    meetings: new Set(members.map((p) => p.meetingId).filter((id) => id !== null)).size,
    quotes: picked,
  };
}

/** Themes, most voters first (then most petitions, then oldest). */
export function themesOf(petitions: ThemePetition[], quotes = 2): Theme[] {
  const byGroup = new Map<number, ThemePetition[]>();
  const loose: ThemePetition[] = [];
  for (const petition of petitions) {
    if (petition.groupId === null) loose.push(petition);
    else byGroup.set(petition.groupId, [...(byGroup.get(petition.groupId) ?? []), petition]);
  }
  const themes = [...byGroup.entries()].map(([groupId, members]) =>
    themeFrom(members, members[0]!.groupTitle ?? themeTitle(members[0]!), groupId, quotes),
  );
  const byId = new Map(loose.map((p) => [p.id, p]));
  for (const ids of clusterBySimilarity(loose)) {
    const members = ids.map((id) => byId.get(id)!);
    themes.push(themeFrom(members, themeTitle(members[0]!), null, quotes));
  }
  return themes.sort(
    (a, b) => b.voters - a.voters || b.petitions - a.petitions || a.petitionIds[0]! - b.petitionIds[0]!,
  );
}
