// Small pieces the office pages (themes, reports, people, audit) share: reading form fields
// and days, answering a POST with a redirect that carries a short notice or an error.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { addIsoDays, parseIsoDay, startOfLocalDay } from '../digests/calendar.ts';
import type { Html } from './layout.ts';
import type { WebEnv } from './types.ts';

/** A parsed form, as `parseBody({ all: true })` gives it. */
export type FormFields = Record<string, string | File | (string | File)[]>;

/** Reads the request's form, repeated fields as lists. */
export async function readForm(c: Context<WebEnv>): Promise<FormFields> {
  return (await c.req.parseBody({ all: true })) as FormFields;
}

/** Every text value of a field (checkboxes send one per ticked box). */
export function fieldValues(form: FormFields, name: string): string[] {
  const value = form[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((item): item is string => typeof item === 'string');
}

/** A field's first text value, trimmed ('' when absent). */
export function fieldText(form: FormFields, name: string): string {
  return fieldValues(form, name)[0]?.trim() ?? '';
}

/** A positive whole number from a field or parameter, else null. */
export function positiveId(value: string | undefined): number | null {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : null;
}

/**
 * A day typed in a form (the date picker's YYYY-MM-DD, or dd/mm/yyyy as the office types it):
 * YYYY-MM-DD; undefined when left empty; null when it is not a day.
 */
export function dayField(value: string | undefined): string | null | undefined {
  const text = value?.trim() ?? '';
  if (!text) return undefined;
  return parseIsoDay(text);
}

/** The instants of local days `from` and `to` (both included); either end may be open. */
export function openDayRange(
  from: string | undefined,
  to: string | undefined,
  timeZone: string,
): { start?: Date; end?: Date } {
  return {
    ...(from ? { start: startOfLocalDay(from, timeZone) } : {}),
    ...(to ? { end: startOfLocalDay(addIsoDays(to, 1), timeZone) } : {}),
  };
}

/** Back to a page after a POST (303), with a short Vietnamese notice or error shown there. */
export function redirectBack(
  c: Context<WebEnv>,
  path: string,
  message: { notice: string } | { error: string },
): Response {
  const [key, text] = 'notice' in message ? ['notice', message.notice] : ['error', message.error];
  const separator = path.includes('?') ? '&' : '?';
  return c.redirect(`${path}${separator}${key}=${encodeURIComponent(text)}`, 303);
}

/** The `error` a redirect carried, as a box (nothing when there is none). */
export function errorBox(c: Context<WebEnv>, error = c.req.query('error')): Html | string {
  return error ? html`<p class="error" role="alert">${error}</p>` : '';
}
