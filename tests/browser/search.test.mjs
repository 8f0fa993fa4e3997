// Search as a citizen types it, in real Chromium, against the Pagefind index `civic build` made:
// known documents come first for known queries, with or without diacritics, and results say
// what they are (type, number, date, status).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { eventually, launch, startServer } from './support.mjs';

describe('search', () => {
    let server;
    let browser;
    let page;

    before(async () => {
        server = await startServer();
        browser = await launch();
        page = await browser.newPage();
    });

    after(async () => {
        await browser?.close();
        await server?.close();
    });

    /** Types `query` into the search form and returns the result rows' text. */
    async function search(query, type = '', year = '', state = '') {
        await page.goto(server.url("/cautare/"));
        // The year and status lists are filled from the index.
        await page.waitForFunction(() => document.getElementById('an').options.length > 1);
        await page.getByLabel('Ce căutați?').fill(query);
        if (type) await page.getByLabel('Tip').selectOption(type);
        if (year) await page.getByLabel('An').selectOption({ value: year });
        if (state) await page.getByLabel('Stare').selectOption({ value: state });
        await page.getByRole('button', { name: 'Caută' }).click();
        const status = page.locator('#stare-cautare');
        await page.waitForFunction(() => {
            const s = document.getElementById('stare-cautare').textContent;
            return s !== '' && !s.startsWith('Se caută');
        });
        const rows = await page.locator('#rezultate li').allInnerTexts();
        return { status: await status.innerText(), rows: rows.map((r) => r.replace(/\s+/g, ' ')) };
    }

    it('finds a decision by number and year, first, showing what it is', async () => {
        const { rows } = await search('hotarare 244 2026');
        assert.ok(rows.length >= 1, 'no result');
        assert.match(rows[0], /Zonei cu emisii reduse/);
        assert.match(rows[0], /Hotărâre a consiliului local · nr\. 244\/2026 · 28 mai 2026 · Suspendată de drept/);
    });

    it('finds words without diacritics', async () => {
        const plain = await search('sedinta ordinara');
        assert.ok(plain.rows.length >= 3, plain.status);
        assert.match(plain.rows[0], /Ședința ordinară/);
        const withDiacritics = await search('ședința ordinară');
        assert.equal(withDiacritics.rows[0], plain.rows[0]);
    });

    it('filters by type', async () => {
        const all = await search('parcare');
        const services = await search('parcare', 'Servicii');
        assert.ok(services.rows.length >= 1 && services.rows.length < all.rows.length, `${services.status} / ${all.status}`);
        for (const row of services.rows) assert.match(row, /Serviciu ·/);
    });

    it('filters by year and status', async () => {
        const all = await search('hotarare');
        const filtered = await search('hotarare', 'Hotărâri ale consiliului local', '2025', 'Modificată');
        assert.ok(filtered.rows.length >= 1 && filtered.rows.length < all.rows.length, `${filtered.status} / ${all.status}`);
        for (const row of filtered.rows) assert.match(row, /Hotărâre a consiliului local · nr\. \d+\/2025 · [^·]+ · Modificată /);
    });

    it('says so when nothing matches', async () => {
        const { status, rows } = await search('xylofonzzz');
        assert.equal(rows.length, 0);
        assert.match(status, /Niciun rezultat/);
    });

    it('keeps register-only dispositions out of the index', async () => {
        const { rows } = await search('ajutor de urgență');
        for (const row of rows) assert.doesNotMatch(row, /Dispoziție a primarului .*ajutor de urgență/);
    });
});
