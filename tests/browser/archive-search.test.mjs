// The text of the archive's scanned pages, searched from the site's search page in real
// Chromium: `civic serve` keeps the archive's full-text index in its data folder and the page asks
// the API (/api/arhiva/cautare), under the headers production sends. A hit opens the viewer at
// its page; a restricted unit's pages are never found.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { eventually } from './support.mjs';
import { servedCivic } from './civic.mjs';

describe('archive search', () => {
    const served = servedCivic('civic-archive-search-', { search: true });

    /** Searches `query` (with the year filter `year`) and returns the page and the archive rows. */
    async function search(query, year = '') {
        const page = await served.browser.newPage();
        await page.goto(`${served.base}/cautare/`);
        await page.waitForFunction(() => document.getElementById('an').options.length > 1);
        await page.getByLabel('Ce căutați?').fill(query);
        if (year) await page.getByLabel('An').selectOption({ value: year });
        await page.getByRole('button', { name: 'Caută' }).click();
        await page.waitForFunction(() => {
            const s = document.getElementById('stare-cautare').textContent;
            return s !== '' && !s.startsWith('Se caută');
        });
        const section = page.locator('#arhiva');
        if (await section.isVisible()) {
            await page.waitForFunction(() => {
                const s = document.getElementById('stare-arhiva').textContent;
                return s !== '' && !s.startsWith('Se caută');
            });
        }
        const rows = (await page.locator('#rezultate-arhiva li').allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));
        return { page, rows, status: await page.locator('#stare-arhiva').innerText() };
    }

    it('finds the OCR text of a scanned page without diacritics and opens the viewer at that page', async () => {
        const { page, rows, status } = await search('hidrantul inghetat');
        assert.equal(rows.length, 1, status);
        assert.match(rows[0], /— f\. 2 Arhivă, pagină scanată · RO-AMT-F1-INV2-D005 · /);
        assert.match(status, /^1 pagină scanată pentru „hidrantul inghetat”\.$/);
        const marks = await page.locator('#rezultate-arhiva mark').allInnerTexts();
        assert.ok(marks.some((m) => /^hidrantul/i.test(m)) && marks.some((m) => /^înghețat/i.test(m)), marks.join('|'));
        const link = page.locator('#rezultate-arhiva li a').first();
        assert.match(await link.getAttribute('href'), /^\/arhiva\/ro-amt-f1-inv2-d005\/#pagina-2$/);
        await link.click();
        await eventually(async () => {
            assert.match(await page.locator('.viewer-status').innerText(), /^Pagina 2 din 3/);
            assert.match(await page.locator('.viewer-frame img').getAttribute('src'), /\/p0002\/full\/max\/0\/default\.jpg$/);
        });
        await page.close();
    });

    it('never finds the text of a restricted archive unit', async () => {
        // The name is on every page of the restricted civil-status registers (and nowhere else).
        const { page, rows, status } = await search('Kovacsné Erzsébet');
        assert.deepEqual(rows, []);
        assert.match(status, /Nicio pagină scanată/);
        for (const row of await page.locator('#rezultate li').allInnerTexts()) {
            assert.doesNotMatch(row, /Arhivă, pagină scanată|Kovacsné/);
        }
        await page.close();
    });

    it('leaves the scanned pages out when a year is chosen (they have no year filter)', async () => {
        const { page, rows } = await search('hidrantul', '2025');
        assert.equal(await page.locator('#arhiva').isVisible(), false);
        assert.deepEqual(rows, []);
        await page.close();
    });
});
