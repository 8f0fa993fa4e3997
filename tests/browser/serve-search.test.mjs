// `civic serve` with the search index on, in Chromium: an edited title is found by the rebuilt
// index (only the edited page's part of the index is rebuilt; parts of 40 pages here, so the
// sample makes several and the search page merges them).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { eventually } from './support.mjs';
import { servedCivic } from './civic.mjs';

const WORD = 'Zăvoiulstrălucitor';

describe('civic serve keeps the search index up to date', () => {
    const served = servedCivic('civic-serve-search-', { copyContent: true, search: true, args: ['--search-part', '40'] });

    /** The result rows for `query` on a freshly opened search page. */
    async function search(query) {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        try {
            const page = await context.newPage();
            await page.goto(`${served.base}/cautare/`);
            await page.getByLabel('Ce căutați?').fill(query);
            await page.getByRole('button', { name: 'Caută' }).click();
            // Searching while the rebuild is being written may catch a part half replaced; then
            // the search is tried again (`eventually`), as a person would.
            await page.waitForFunction(() => {
                const s = document.getElementById('stare-cautare').textContent;
                return s !== '' && !s.startsWith('Se caută');
            }, null, { timeout: 5_000 });
            return await page.locator('#rezultate li').allInnerTexts();
        } finally {
            await context.close();
        }
    }

    it('a title edited while serving is found by the new index', async () => {
        const parts = await (await fetch(`${served.base}/pagefind/parts.json`)).json();
        assert.ok(parts.parts.length > 3, JSON.stringify(parts));
        assert.deepEqual(await search(WORD), [], 'nobody has written the word yet');
        const file = path.join(served.content, 'council_decisions/hcl-2025-009.md');
        const text = readFileSync(file, 'utf8');
        assert.match(text, /^title: /m);
        writeFileSync(file, text.replace(/^title: /m, `title: ${WORD} — `));
        await eventually(async () => {
            const rows = await search(WORD.normalize('NFD').replace(/\p{M}/gu, ''));
            assert.equal(rows.length, 1, `found, without its diacritics too: ${JSON.stringify(rows)}`);
            assert.ok(rows[0].includes(WORD), rows[0]);
        }, { timeout: 60_000, interval: 500 });
    });
});
