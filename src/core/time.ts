// Dates shown to people are in the office's zone (TZ, default Asia/Ho_Chi_Minh).

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building an Intl formatter costs far more than using one: one per zone and style. */
export function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) formatters.set(key, (made = new Intl.DateTimeFormat(locale, options)));
  return made;
}

export function formatDateTime(date: Date, timeZone: string): string {
  return formatter('vi-VN', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hourCycle: 'h23',
  }).format(date);
}

export function formatDate(date: Date, timeZone: string): string {
  return formatter('vi-VN', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

export function yearIn(date: Date, timeZone: string): number {
  return Number(formatter('en-US', { timeZone, year: 'numeric' }).format(date));
}

/** Milliseconds the zone is ahead of UTC at that instant (to the second). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = formatter('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}
