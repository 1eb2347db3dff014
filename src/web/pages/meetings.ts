// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerMeetingPages(web: WebApp, _deps: WebDeps): void {
  web.get('/meetings', (c) =>
    page(c, { title: 'Hội nghị tiếp xúc cử tri', section: 'meetings', body: html`<p>Đang xây dựng.</p>` }),
  );
}
