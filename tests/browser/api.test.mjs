// The API's pages in a real browser, served by `civic serve` with the API on the same port: a
// citizen files a report from the site's form and lands on the receipt; a form sent with
// mistakes comes back with the problems listed; logging in with a magic link; a member of staff
// opens the case list. axe-core (WCAG 2.1 A/AA) runs on every one of those pages, each under the
// API's own Content-Security-Policy.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { eventually } from './support.mjs';
import { axe, linkFromMail, servedCivic, staffLogin } from './civic.mjs';

describe('the API in a browser (civic serve)', () => {
    const served = servedCivic('civic-api-');

    it('a citizen files a report from the site and lands on the receipt with the number', async () => {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/formulare/sesizare/`);
        await page.selectOption('select[name="categorie"]', 'iluminat');
        await page.fill('textarea[name="descriere"]', 'Trei stâlpi de iluminat nu funcționează pe strada Țebea.');
        await page.fill('input[name="nume"]', 'Ioana Țărănescu');
        await page.fill('input[name="email"]', 'ioana@example.ro');
        await Promise.all([page.waitForURL(/\/api\/dosar\/TM-2026-\d{6}\?cheie=/), page.click('form.civic-form button[type="submit"]')]);
        const heading = await page.textContent('h1');
        assert.match(heading, /^Cererea nr\. TM-2026-\d{6}$/);
        assert.match(await page.textContent('main'), /Trei stâlpi de iluminat nu funcționează pe strada Țebea\./);
        await axe(page, 'receipt');
        await context.close();
    });

    it('a form sent with mistakes comes back with each problem named and a way back', async () => {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/formulare/sesizare/`);
        // Past the browser's own checks, as an old browser or a script would send it.
        await page.evaluate(() => { document.querySelector('form.civic-form').noValidate = true; });
        await page.fill('input[name="email"]', 'nu-este-o-adresa');
        const [response] = await Promise.all([page.waitForNavigation(), page.click('form.civic-form button[type="submit"]')]);
        assert.equal(response.status(), 422);
        const summary = await page.textContent('.error-summary');
        assert.match(summary, /Despre ce este sesizarea/);
        assert.match(summary, /Adresa de e-mail/);
        assert.equal(await page.getAttribute('a.button', 'href'), '/formulare/sesizare/');
        await axe(page, 'error page');
        await context.close();
    });

    it('logging in with a link from the e-mail, then my account', async () => {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/api/cont/autentificare`);
        await axe(page, 'login');
        await page.fill('#link-email', 'ioana@example.ro');
        await Promise.all([page.waitForURL(/verificati-emailul/), page.click('text=Trimite linkul')]);
        await axe(page, 'check your e-mail');
        const url = await linkFromMail(served.work, 'ioana@example.ro', /http:\/\/\S+\/api\/auth\/link\?token=[\w-]+/);
        await page.goto(url);
        await axe(page, 'confirm link');
        await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('main button[type="submit"]')]);
        assert.match(await page.textContent('main'), /ioana@example\.ro/);
        assert.match(await page.textContent('main'), /TM-2026-\d{6}/, 'the report filed earlier with this address shows');
        await axe(page, 'my account');
        await page.goto(`${served.base}/api/cont/inregistrare`);
        await axe(page, 'sign up');
        await context.close();
    });

    it('an alert for a polygon drawn on the map, and the form without JavaScript', async () => {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/api/alerte`);
        // The districts' outlines are drawn once /data/district.json arrives.
        await page.waitForFunction(() => document.querySelectorAll('#alert-map path').length > 1);
        await axe(page, 'alerts form');
        await page.fill('#email', 'harta@example.ro');
        for (const [x, y] of [[120, 80], [260, 90], [200, 220]]) {
            await page.click('#alert-map', { position: { x, y } });
        }
        await eventually(async () => {
            const corners = JSON.parse(await page.inputValue('#polygon') || '[]');
            assert.equal(corners.length, 3, 'three corners, as [lon, lat]');
            assert.ok(corners.every(([lon, lat]) => lon > 21 && lon < 21.5 && lat > 45.6 && lat < 45.9), JSON.stringify(corners));
            assert.ok(await page.isChecked('#area-polygon'), 'three corners choose the drawn area');
        });
        await Promise.all([page.waitForURL(/\/api\/alerte\/trimis$/), page.click('text=Creează alerta')]);
        await axe(page, 'alert sent');
        await context.close();
        // Without JavaScript: no map, the districts to choose from.
        const plain = await served.browser.newContext({ locale: 'ro-RO', javaScriptEnabled: false });
        const noJs = await plain.newPage();
        await noJs.goto(`${served.base}/api/alerte`);
        assert.equal(await noJs.isVisible('#alert-map'), false);
        assert.ok(await noJs.isVisible('#district-cetate'));
        await plain.close();
    });

    it('a member of staff sees the case list and a case', async () => {
        const { context, page } = await staffLogin(served, 'staff@primariatm.ro');
        await page.goto(`${served.base}/api/admin/dosare`);
        await axe(page, 'case list');
        await Promise.all([page.waitForURL(/\/api\/admin\/dosare\/TM-/), page.click('tbody a')]);
        await axe(page, 'case');
        await context.close();
    });
});
