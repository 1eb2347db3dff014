// PLACEHOLDER: filled in by its owner.
import { html } from 'hono/html';
import { page } from '../layout.ts';
import type { WebApp, WebDeps } from '../types.ts';

export function registerPetitionsPage(web: WebApp, _deps: WebDeps): void {
  web.get('/petitions', (c) =>
    page(c, { title: 'Kiến nghị', section: 'petitions', body: html`<p>Đang xây dựng.</p>` }),
  );
}
