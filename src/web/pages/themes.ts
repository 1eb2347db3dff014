// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerThemePages(web: WebApp, _deps: WebDeps): void {
  web.get('/themes', (c) => page(c, { title: 'Chủ đề', section: 'themes', body: html`<p>Đang xây dựng.</p>` }));
}
