// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerReviewPage(web: WebApp, _deps: WebDeps): void {
  web.get('/review', (c) =>
    page(c, { title: 'Rà soát phân loại', section: 'review', body: html`<p>Đang xây dựng.</p>` }),
  );
}
