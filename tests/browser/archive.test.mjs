// The archive's page viewer, as a citizen uses it: without JavaScript every page image is a
// plain list of links; with it, a pager with zoom that works from the keyboard alone.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { eventually, launch, startServer } from './support.mjs';

const UNIT = '/arhiva/ro-amt-f1-inv2-d005/';

describe('archive viewer', () => {
    let server;
    let browser;

    before(async () => {
        server = await startServer();
        browser = await launch();
    });

    after(async () => {
        await browser?.close();
        await server?.close();
    });

    it('lists every page image as a link without JavaScript', async () => {
        const context = await browser.newContext({ javaScriptEnabled: false });
        const page = await context.newPage();
        await page.goto(server.url(UNIT));
        const images = page.locator('.archive-pages img');
        assert.equal(await images.count(), 3);
        assert.equal(await page.locator('.viewer').count(), 0, 'no viewer without JavaScript');
        const link = page.getByRole('link', { name: /imaginea/ }).nth(1);
        const response = await page.request.get(new URL(await link.getAttribute('href'), page.url()).href);
        assert.equal(response.status(), 200);
        assert.equal(response.headers()['content-type'], 'image/jpeg');
        await context.close();
    });

    it('pages and zooms from the keyboard', async () => {
        const page = await browser.newPage();
        await page.goto(server.url(UNIT));
        const status = page.locator('.viewer-status');
        const image = page.locator('.viewer-frame img');
        await eventually(async () => assert.match(await status.innerText(), /^Pagina 1 din 3/));
        assert.ok(await page.getByRole('button', { name: '‹ Pagina anterioară' }).isDisabled(), 'no page before the first');
        await page.locator('.viewer-frame').focus();
        await page.keyboard.press('ArrowRight');
        await eventually(async () => {
            assert.match(await status.innerText(), /^Pagina 2 din 3/);
            assert.match(await image.getAttribute('src'), /\/p0002\/full\/max\/0\/default\.jpg$/);
        });
        const zoomOut = page.getByRole('button', { name: 'Micșorează imaginea' });
        assert.ok(await zoomOut.isDisabled(), 'not zoomed in yet');
        await page.keyboard.press('+');
        await eventually(async () => {
            assert.ok(await zoomOut.isEnabled(), 'zoomed in');
            assert.equal(await image.evaluate((img) => img.style.width), '150%');
        });
        // The buttons are real buttons: Tab reaches them and Enter presses them.
        await page.getByRole('button', { name: 'Pagina următoare ›' }).focus();
        await page.keyboard.press('Enter');
        await eventually(async () => assert.match(await status.innerText(), /^Pagina 3 din 3/));
        await page.close();
    });
});
