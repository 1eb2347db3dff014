// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerPeoplePages(web: WebApp, _deps: WebDeps): void {
  web.get('/people', (c) =>
    page(c, { title: 'Cán bộ và đại biểu', section: 'people', body: html`<p>Đang xây dựng.</p>` }),
  );
}
