// Petitions in a real browser, served by `civic serve`: a citizen logs in with a link from the
// e-mail and starts a petition, five supporters back it through the private link, a moderator
// publishes it, three people sign it from the form and confirm from their e-mails; the petition
// page then shows the count and a map of the signatures by district (each district shaded by its
// count, a legend), with the table by district as its twin, which is all a browser without
// JavaScript gets. axe-core (WCAG 2.1 A/AA) runs on every page of the way.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { OUTPUT_DIR, eventually } from './support.mjs';
import { axe, linkFromMail, servedCivic, staffLogin } from './civic.mjs';

const TITLE = 'Pistă de biciclete pe Bulevardul Take Ionescu';

describe('petitions in a browser (civic serve)', () => {
    const served = servedCivic('civic-petitions-');

    /** A browser context logged in as `email` through the link the API e-mails. */
    async function loggedIn(email) {
        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/api/cont/autentificare`);
        await page.fill('#link-email', email);
        await Promise.all([page.waitForURL(/verificati-emailul/), page.click('text=Trimite linkul')]);
        await page.goto(await linkFromMail(served.work, email, /http:\/\/\S+\/api\/auth\/link\?token=[\w-]+/));
        await Promise.all([page.waitForURL(/\/api\/cont$/), page.click('main button[type="submit"]')]);
        return { context, page };
    }

    let id;

    it('a citizen starts a petition, five supporters back it, a moderator publishes it', async () => {
        const author = await loggedIn('autoare@example.ro');
        const page = author.page;
        await page.goto(`${served.base}/api/petitii/noua`);
        await axe(page, 'new petition form');
        await page.fill('#title', TITLE);
        await page.fill('#action', 'Să amenajeze o pistă de biciclete separată de trotuar, pe toată lungimea bulevardului.');
        await page.fill('#body', 'Bulevardul este folosit zilnic de mii de bicicliști care merg pe trotuar sau printre mașini; '
            + 'o pistă separată ar face drumul sigur pentru toți, inclusiv pentru pietoni.');
        await Promise.all([page.waitForURL(/\/api\/petitii\/\d+$/), page.click('text=Trimite petiția')]);
        id = Number(new URL(page.url()).pathname.split('/').pop());
        assert.equal(await page.textContent('h1'), TITLE);
        const sponsorLink = (await page.textContent('code.hash')).trim();
        assert.match(sponsorLink, /\/api\/petitii\/\d+\/sustine\?cheie=/);
        await axe(page, 'petition collecting supporters');
        await author.context.close();

        for (let i = 1; i <= 5; i++) {
            const supporter = await loggedIn(`sustinator${i}@example.ro`);
            await supporter.page.goto(sponsorLink);
            if (i === 1) await axe(supporter.page, 'supporting a petition');
            await Promise.all([supporter.page.waitForNavigation(), supporter.page.click('text=Susțin această petiție')]);
            await supporter.context.close();
        }

        const { context, page: staff } = await staffLogin(served, 'moderator@primariatm.ro');
        await staff.goto(`${served.base}/api/admin/petitii`);
        assert.match(await staff.textContent('main'), new RegExp(TITLE), 'in the moderation queue after five supporters');
        await axe(staff, 'moderation queue');
        await staff.goto(`${served.base}/api/admin/petitii/${id}`);
        await axe(staff, 'moderating a petition');
        await Promise.all([staff.waitForNavigation(), staff.click('button:has-text("Publică")')]);
        await context.close();
    });

    it('three people sign and confirm; the page maps the signatures by district next to the table', async () => {
        assert.ok(id, 'the petition of the test before');
        const signers = [['Ana Popescu', 'ana@example.ro', 'cetate'], ['Mihai Șerban', 'mihai@example.ro', 'cetate'],
            ['Ștefania Țuțea', 'stefania@example.ro', 'fabric']];
        for (const [i, [name, email, district]] of signers.entries()) {
            const context = await served.browser.newContext({ locale: 'ro-RO' });
            const page = await context.newPage();
            await page.goto(`${served.base}/api/petitii/${id}`);
            if (i === 0) {
                assert.equal(await page.isVisible('#petition-map'), false, 'no map before the first signature');
                await axe(page, 'open petition with the sign form');
            }
            await page.fill('#name', name);
            await page.fill('#email', email);
            await page.selectOption('#district', district);
            await Promise.all([page.waitForURL(/\/api\/petitii\/semnatura\/trimisa$/), page.click('text=Semnez')]);
            if (i === 0) await axe(page, 'signature sent');
            await page.goto(await linkFromMail(served.work, email, /http:\/\/\S+\/api\/petitii\/semnatura\?token=[\w-]+/));
            if (i === 0) await axe(page, 'confirming a signature');
            await Promise.all([page.waitForURL(new RegExp(`/api/petitii/${id}\\?semnat=1$`)), page.click('text=Confirm semnătura')]);
            await context.close();
        }

        // Counts are aggregated in rounds (every second); wait for the three confirmations.
        await eventually(async () => {
            const counts = await (await fetch(`${served.base}/api/petitii/${id}/numar.json`)).json();
            assert.equal(counts.confirmed, 3);
            assert.deepEqual(counts.by_district, { cetate: 2, fabric: 1 });
        });

        const context = await served.browser.newContext({ locale: 'ro-RO' });
        const page = await context.newPage();
        await page.goto(`${served.base}/api/petitii/${id}`);
        await page.waitForSelector('#petition-map path.district-cetate');
        await eventually(async () => assert.equal(await page.textContent('[data-field="confirmed"]'), '3'));
        const shade = (n) => page.evaluate((k) => {
            const probe = document.createElement('span');
            probe.className = `swatch shade-${k}`;
            document.body.append(probe);
            return getComputedStyle(probe).backgroundColor;
        }, n);
        const [darkest, lightest] = [await shade(5), await shade(0)];
        const fill = (d) => page.getAttribute(`#petition-map path.district-${d}`, 'fill');
        await eventually(async () => {
            const [cetate, fabric, iosefin] = [await fill('cetate'), await fill('fabric'), await fill('iosefin')];
            assert.notEqual(cetate, fabric, 'two signatures are shaded apart from one');
            assert.notEqual(fabric, iosefin, 'one signature is shaded apart from none');
            assert.equal(cetate, darkest, 'the biggest count has the darkest shade');
            assert.equal(iosefin, lightest, 'a district without signatures has the lightest shade');
        });
        await eventually(async () => {
            const legend = (await page.locator('#petition-map-legend li').allTextContents()).map((t) => t.trim());
            assert.deepEqual(legend, ['fără semnături', '1', '2']);
        });
        await page.hover('#petition-map path.district-fabric');
        await eventually(async () => assert.match(await page.textContent('.leaflet-tooltip'), /Fabric: 1 semnătură/));
        const table = await page.locator('table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
        assert.deepEqual(table, [['Cetate', '2'], ['Fabric', '1']]);
        await axe(page, 'petition with its map of signatures');
        mkdirSync(path.join(OUTPUT_DIR, 'screenshots'), { recursive: true });
        await page.locator('section[aria-labelledby="h-semnaturi"]').screenshot({ path: path.join(OUTPUT_DIR, 'screenshots', 'petition-map.png') });
        await page.goto(`${served.base}/api/petitii`);
        assert.match(await page.textContent('main'), new RegExp(`${TITLE}[\\s\\S]*3 semnături confirmate`));
        await axe(page, 'list of petitions');
        // The home page's "Petiții" block lists it, from the API's open data.
        await page.goto(`${served.base}/`);
        await eventually(async () => assert.match(await page.textContent('#petitii-deschise'), new RegExp(`${TITLE} — 3 semnături`)));
        assert.equal(await page.getAttribute(`#petitii-deschise a:has-text("${TITLE}")`, 'href'), `/api/petitii/${id}`);
        await axe(page, 'home page with the open petitions');
        await context.close();

        // Without JavaScript: no map, the same figures in the table.
        const plain = await served.browser.newContext({ locale: 'ro-RO', javaScriptEnabled: false });
        const noJs = await plain.newPage();
        await noJs.goto(`${served.base}/api/petitii/${id}`);
        assert.equal(await noJs.isVisible('#petition-map'), false);
        assert.equal(await noJs.isVisible('#petition-map-legend'), false);
        assert.ok(await noJs.isVisible('table:has-text("Cetate")'));
        await plain.close();
    });
});
