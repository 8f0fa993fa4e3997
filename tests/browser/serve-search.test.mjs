// `civic serve` with the search index on, in Chromium: an edited title is found by the rebuilt
// index (only the edited page's part of the index is rebuilt; parts of 40 pages here, so the
// sample makes several and the search page merges them).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { eventually, launch } from './support.mjs';
import { ROOT, startCivic } from './civic.mjs';

const WORD = 'Zăvoiulstrălucitor';

describe('civic serve keeps the search index up to date', () => {
    const served = {};
    before(async () => {
        served.work = mkdtempSync(path.join(os.tmpdir(), 'civic-serve-search-'));
        served.content = path.join(served.work, 'content');
        cpSync(path.join(ROOT, 'content'), served.content, { recursive: true });
        served.civic = await startCivic(served.work, { content: served.content, search: true, args: ['--search-part', '40'] });
        served.browser = await launch();
    });
    after(async () => {
        await served.browser?.close();
        served.civic?.child.kill();
        if (served.work) rmSync(served.work, { recursive: true, force: true });
    });

    /** The result rows for `query` on a freshly opened search page. */
    async function search(query) {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.civic.base}/cautare/`);
        await page.getByLabel('Ce căutați?').fill(query);
        await page.getByRole('button', { name: 'Caută' }).click();
        await page.waitForFunction(() => {
            const s = document.getElementById('stare-cautare').textContent;
            return s !== '' && !s.startsWith('Se caută');
        });
        const rows = await page.locator('#rezultate li').allInnerTexts();
        await context.close();
        return rows;
    }

    it('a title edited while serving is found by the new index', async () => {
        const parts = await (await fetch(`${served.civic.base}/pagefind/parts.json`)).json();
        assert.ok(parts.parts.length > 3, JSON.stringify(parts));
        assert.deepEqual(await search(WORD), [], 'nobody has written the word yet');
        const file = path.join(served.content, 'council_decisions/hcl-2025-009.md');
        const text = readFileSync(file, 'utf8');
        assert.match(text, /^title: /m);
        writeFileSync(file, text.replace(/^title: /m, `title: ${WORD} — `));
        await eventually(async () => {
            const rows = await search(WORD.normalize('NFD').replace(/\p{M}/gu, ''));
            assert.equal(rows.length, 1, 'found, without its diacritics too');
            assert.ok(rows[0].includes(WORD), rows[0]);
        }, { timeout: 30_000, interval: 500 });
    });
});
