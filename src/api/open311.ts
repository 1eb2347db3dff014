// A petition as an Open311 GeoReport v2 service request (the fields other civic systems know),
// with the office's own additions: the authority level and the meeting. Built from a redacted
// row of the petitions table, so it carries no voter's identity and no personal data.
import type { Labels } from '../classify/labels.ts';
import { zoneOffsetMs } from '../core/time.ts';
import type { PetitionRow } from '../petitions/query.ts';

/** Statuses after which nothing more is done on a petition (Open311 "closed"). */
const CLOSED = new Set(['resolved', 'duplicate', 'rejected', 'not_petition']);

/** ISO 8601 with the zone's offset ("2026-12-05T08:30:00+07:00"), as Open311 writes times. */
export function isoWithOffset(date: Date, timeZone: string): string {
  const offset = zoneOffsetMs(date.getTime(), timeZone);
  const local = new Date(date.getTime() + offset).toISOString().slice(0, 19);
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export interface ServiceRequest {
  service_request_id: string;
  /** open | closed, as Open311 has it; `petition_status` says which of ours. */
  status: 'open' | 'closed';
  petition_status: string;
  status_notes: string;
  agency_responsible: string | null;
  service_code: string | null;
  service_name: string;
  description: string;
  requested_datetime: string;
  updated_datetime: string;
  /** When the agency's answer is due (forwarded petitions). */
  expected_datetime: string | null;
  authority_level: string | null;
  authority_level_name: string;
  meeting_code: string | null;
  channel: string;
  needs_review: boolean;
}

/** One service request from a redacted table row. */
export function serviceRequest(row: PetitionRow, labels: Labels, timeZone: string): ServiceRequest {
  const statusLabel = labels.status(row.status);
  return {
    service_request_id: row.trackingCode,
    status: CLOSED.has(row.status) ? 'closed' : 'open',
    petition_status: row.status,
    status_notes: row.statusNote ? `${statusLabel}: ${row.statusNote}` : statusLabel,
    agency_responsible: row.forwardedTo ?? row.agency,
    service_code: row.field,
    service_name: labels.field(row.field),
    description: row.text,
    requested_datetime: isoWithOffset(row.receivedAt, timeZone),
    updated_datetime: isoWithOffset(row.updatedAt, timeZone),
    expected_datetime: row.answerDueAt ? isoWithOffset(row.answerDueAt, timeZone) : null,
    authority_level: row.authority,
    authority_level_name: labels.level(row.authority),
    meeting_code: row.meetingCode,
    channel: row.channel,
    needs_review: row.needsReview,
  };
}
