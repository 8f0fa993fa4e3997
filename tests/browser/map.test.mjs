// The map page and its list twin in real Chromium: Leaflet (copied from npm into the site)
// draws the published GeoJSON layers; the time filter and the layer choice change what is
// drawn; every feature can be reached from the keyboard through the list under the map and
// opens a popup that links its page; without JavaScript the same page offers the lists, and
// every work drawn is also on its district's page.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { eventually, launch, siteDir, startServer } from './support.mjs';

const ROOT = siteDir();
const HAS_MAP = existsSync(path.join(ROOT, 'harta', 'index.html'));

function pageFile(p) {
    return path.join(ROOT, p.endsWith('/') ? p + 'index.html' : p);
}

const geo = (layer) => JSON.parse(readFileSync(path.join(ROOT, `data/geo/${layer}.geojson`), 'utf8'));

/**
 * How many rows the list under the map has for `period` ('now' or 'planned') at the moment `at`
 * (ms) with the layers checked at first, works and restrictions: each feature once, by id, not
 * cancelled nor finished, going on at `at` or starting after it (map.js decides by the
 * reader's clock).
 */
function listed(period, at) {
    const ids = new Set();
    if (!HAS_MAP) return 0;
    for (const layer of ['works', 'restrictions']) {
        for (const f of geo(layer).features) {
            const p = f.properties;
            if (p.status === 'anulat' || p.status === 'finalizat') continue;
            const [start, end] = [Date.parse(p.start), Date.parse(p.end)];
            if (period === 'now' ? start <= at && end >= at : start > at) ids.add(f.id);
        }
    }
    return ids.size;
}

// The reader's clock in the browser: fixed an hour after a work starts, at the first such moment
// when something goes on, something is planned and the two lists differ in length (on the
// machine's own clock they need not: the sample works are dated around the present). Without
// it, the test would depend on the hour it runs at.
const AT = HAS_MAP ? geo('works').features.map((f) => Date.parse(f.properties.start) + 3_600_000).sort((a, b) => a - b)
    .find((t) => listed('now', t) > 0 && listed('planned', t) > 0 && listed('now', t) !== listed('planned', t)) : null;

describe('the map page and its lists', { skip: !HAS_MAP && 'the site has no map page' }, () => {
    let server;
    let browser;
    let context;
    let page;
    const external = [];

    before(async () => {
        server = await startServer(ROOT);
        browser = await launch();
        context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ro-RO' });
        // Tiles come from the tile server in the configuration; this machine has no internet,
        // so they are answered empty. Nothing else may leave the site.
        await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
            external.push(route.request().url());
            route.fulfill({ status: 204, body: '' });
        });
        assert.ok(AT, 'no moment in the published works when the map lists something now and something planned, apart');
        await context.clock.setFixedTime(AT);
        page = await context.newPage();
        await page.goto(server.url('/harta/'), { waitUntil: 'load' });
        await page.waitForFunction(() => document.querySelector('#harta-stare')?.textContent.trim(), null, { timeout: 15_000 });
    });

    after(async () => {
        await context?.close();
        await browser?.close();
        await server?.close();
    });

    it('draws the layers with Leaflet from the site itself', async () => {
        assert.equal(await page.locator('.leaflet-container').count(), 1);
        await eventually(async () => assert.ok(await page.locator('path.leaflet-interactive').count() > 0, 'nothing drawn'));
        await eventually(async () => assert.match(await page.locator('#harta-stare').innerText(),
            /^\d+ elemente pe hartă\.$|^Un element pe hartă\.$/));
        assert.ok(external.every((u) => u.startsWith('https://tile.openstreetmap.org/')), `left the site: ${external}`);
        assert.equal(server.notFound.length, 0, `404s: ${server.notFound}`);
    });

    it('the time filter and the layers change what is listed, from the keyboard', async () => {
        // The list is redrawn after each key press: every count is waited for, not read once.
        const count = async () => page.locator('#harta-lista > li').count();
        const [now, planned] = [listed('now', AT), listed('planned', AT)];
        await eventually(async () => assert.equal(await count(), now, `going on at ${new Date(AT).toISOString()}`));
        await page.getByRole('radio', { name: 'Planificate' }).focus();
        await page.keyboard.press('Space');
        await eventually(async () => assert.equal(await count(), planned, 'the period filter did not list the planned ones'));
        await page.getByRole('checkbox', { name: 'Colectarea deșeurilor' }).focus();
        await page.keyboard.press('Space');
        await eventually(async () => assert.ok(await count() > planned, 'the collection zones were not added'));
        await page.getByRole('checkbox', { name: 'Colectarea deșeurilor' }).focus();
        await page.keyboard.press('Space');
        await eventually(async () => assert.equal(await count(), planned, 'the collection zones were not removed'));
        await page.getByRole('radio', { name: 'Acum' }).focus();
        await page.keyboard.press('Space');
        await eventually(async () => assert.equal(await count(), now, 'back to what goes on now'));
    });

    it('a feature reached from the list opens a popup that links its page', async () => {
        const first = page.locator('#harta-lista > li').first();
        const href = await first.getByRole('link').getAttribute('href');
        await first.getByRole('button', { name: 'Arată pe hartă' }).focus();
        await page.keyboard.press('Enter');
        const popup = page.locator('.leaflet-popup-content');
        await popup.waitFor({ timeout: 5_000 });
        assert.equal(await popup.getByRole('link').getAttribute('href'), href);
        assert.ok(existsSync(pageFile(href)), `${href} has no page`);
    });

    it('every work on the map is also on its district pages and in the works list', async () => {
        const layer = JSON.parse(readFileSync(path.join(ROOT, 'data/geo/works.geojson'), 'utf8'));
        let works = readFileSync(pageFile('/lucrari/'), 'utf8');
        for (let n = 2; existsSync(pageFile(`/lucrari/pagina/${n}/`)); n += 1) {
            works += readFileSync(pageFile(`/lucrari/pagina/${n}/`), 'utf8');
        }
        for (const f of layer.features) {
            const { url, districts } = f.properties;
            assert.ok(districts.length > 0, `${url}: in no district`);
            for (const d of districts) {
                assert.ok(readFileSync(pageFile(d.url), 'utf8').includes(`href="${url}"`), `${url} missing from ${d.url}`);
            }
            assert.ok(works.includes(`href="${url}"`), `${url} missing from /lucrari/`);
        }
    });

    it('without JavaScript the page offers the lists and hides the controls', async () => {
        const plain = await browser.newContext({ javaScriptEnabled: false });
        try {
            const p = await plain.newPage();
            await p.goto(server.url('/harta/'), { waitUntil: 'load' });
            assert.equal(await p.locator('#harta-filtre').isVisible(), false);
            assert.ok(await p.getByRole('link', { name: 'În desfășurare acum' }).count() === 1);
            assert.ok(await p.locator('a[href^="/cartiere/"]').count() >= 10);
            assert.equal(await p.getByRole('link', { name: 'Pe străzi' }).getAttribute('href'), '/strazi/');
        } finally {
            await plain.close();
        }
    });
});
