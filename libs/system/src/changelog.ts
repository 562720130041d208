import { escapeMarkup } from './escape-markup.js';

/**
 * Atrium's release notes, newest first, in the shape Open WebUI's "What's new" dialog reads:
 * version -> {date, <section>: [{title, content, raw}]}. Sections the dialog colours are
 * added, fixed, changed and removed; `raw` is the item as HTML.
 */
export interface ChangelogItem {
  title: string;
  content: string;
  raw: string;
}

export type ChangelogSection = 'added' | 'changed' | 'fixed' | 'removed';

export type ChangelogRelease = { date: string } & Partial<
  Record<ChangelogSection, ChangelogItem[]>
>;

function item(title: string, content: string): ChangelogItem {
  return {
    title,
    content,
    raw: `<li><strong>${escapeMarkup(title)}</strong>: ${escapeMarkup(content)}</li>`,
  };
}

export const CHANGELOG: Readonly<Record<string, ChangelogRelease>> = {
  '0.1.0': {
    date: '2026-11-21',
    added: [
      item(
        'Drop-in backend',
        'Atrium serves the Open WebUI frontend with the same HTTP API, on SQLite, PostgreSQL or MySQL.',
      ),
      item(
        'Accounts and run-time settings',
        'Users, groups, permissions and admin settings are stored in the database and shared by every instance.',
      ),
      item(
        'Probes',
        'GET /health, /health/db and /ready report liveness, database reachability and readiness for orchestrators.',
      ),
    ],
  },
};

/** How many releases /api/changelog returns, newest first (Open WebUI's limit). */
export const CHANGELOG_RELEASES_SHOWN = 5;
