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

    it('one portal: from the home page to alerts for a district, the phone menu, and the header knowing who is signed in', async () => {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/`);
        // Wide screen: the menu is open and its "Meniu" toggle hidden.
        assert.equal(await page.locator('.site-menu > summary').isVisible(), false);
        assert.ok(await page.getByRole('navigation', { name: 'Meniu principal' }).getByRole('link').first().isVisible());
        // The home page's block: choose a district, land on the alert form with it ticked.
        await page.selectOption('#alerta-cartier', 'cetate');
        await Promise.all([page.waitForURL(/\/api\/alerte\?district=cetate$/), page.click('#h-alerte ~ form button[type="submit"]')]);
        assert.equal(await page.isChecked('#district-cetate'), true);
        assert.equal(await page.isChecked('#district-fabric'), false);
        await axe(page, 'alerts form for a district');
        // The header's links, by clicking.
        await Promise.all([page.waitForURL(/\/api\/petitii$/), page.getByRole('link', { name: 'Petiții', exact: true }).click()]);
        await axe(page, 'petitions from the header');
        // "Contul meu" answers with the login page when nobody is signed in.
        await Promise.all([page.waitForURL(/\/api\/cont\/autentificare\?next=/), page.click('#cont-meu')]);
        await page.fill('#link-email', 'portal@example.ro');
        await Promise.all([page.waitForURL(/verificati-emailul/), page.click('text=Trimite linkul')]);
        const url = await linkFromMail(served.work, 'portal@example.ro', /http:\/\/\S+\/api\/auth\/link\?token=[\w-]+/);
        await page.goto(url);
        await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('main button[type="submit"]')]);
        assert.match(await page.textContent('main'), /Nu aveți alerte/);
        await axe(page, 'my account with its petitions and alerts sections');
        // Static pages, too, show the signed-in person and "Ieșire" once the status arrives.
        await page.goto(`${served.base}/hotarari/`);
        await eventually(async () => assert.equal((await page.textContent('#cont-meu')).trim(), 'portal@example.ro'));
        assert.ok(await page.locator('#iesire button').isVisible());
        await axe(page, 'a list page, signed in');
        await Promise.all([page.waitForURL(`${served.base}/`), page.click('#iesire button')]);
        await eventually(async () => assert.equal((await page.textContent('#cont-meu')).trim(), 'Contul meu'));
        assert.equal(await page.locator('#iesire').isVisible(), false);
        await context.close();

        // A phone: the two navigation bars fold into "Meniu", which opens without JavaScript.
        const phone = await served.browser.newContext({ locale: 'ro-RO', viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
        const small = await phone.newPage();
        await small.goto(`${served.base}/`);
        const header = await small.locator('header.site-header').boundingBox();
        assert.ok(header.height < 200, `the header takes ${header.height}px of a phone's 844`);
        const firstNav = small.getByRole('navigation', { name: 'Meniu principal' }).getByRole('link').first();
        assert.equal(await firstNav.isVisible(), false);
        assert.ok(await small.getByRole('link', { name: 'Contul meu' }).isVisible());
        await small.click('.site-menu > summary');
        await eventually(async () => assert.ok(await firstNav.isVisible()));
        await phone.close();
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
