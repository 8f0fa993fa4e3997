// A citizen's walk through the built site in real Chromium, by visible text and roles only:
// the main menu, a year filter, a decision and the acts it is linked with, a job contest's
// calendar download, and the keyboard's skip link.

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { eventually, launch, siteDir, startServer } from './support.mjs';

const ROOT = siteDir();

/** The page's one h1, as read on screen. */
async function h1(page) {
    const headings = page.getByRole('heading', { level: 1 });
    assert.equal(await headings.count(), 1, `${page.url()}: expected exactly one h1`);
    return (await headings.innerText()).replace(/\s+/g, ' ').trim();
}

function pathOf(page) {
    return new URL(page.url()).pathname;
}

/** Clicks `link` and waits for the page it leads to; returns that page's path. */
async function follow(page, link, what) {
    assert.equal(await link.count(), 1, `${pathOf(page)}: expected one link for ${what}, found ${await link.count()}`);
    const href = await link.getAttribute('href');
    const target = new URL(href, page.url());
    const [response] = await Promise.all([
        page.waitForEvent('response', (r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === target.pathname),
        link.click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(response.status(), 200, `${what}: ${target.pathname} answered ${response.status()}`);
    assert.equal(pathOf(page), target.pathname, `${what}: landed on the wrong page`);
    return target.pathname;
}

describe('a citizen walks the site', () => {
    let server;
    let browser;
    let context;
    let page;
    let problems;

    before(async () => {
        server = await startServer(ROOT);
        browser = await launch();
    });

    after(async () => {
        await browser?.close();
        await server?.close();
    });

    beforeEach(async () => {
        problems = [];
        server.notFound.length = 0;
        context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ro-RO', acceptDownloads: true });
        context.setDefaultTimeout(10_000);
        page = await context.newPage();
        page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
        page.on('console', (m) => {
            // Failed loads are counted by the server's 404 list and 'requestfailed' below.
            if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error on ${page.url()}: ${m.text()}`);
        });
        page.on('requestfailed', (r) => {
            // A navigation that turns into a download (the .ics link) ends as ERR_ABORTED.
            if (r.isNavigationRequest() && r.failure()?.errorText === 'net::ERR_ABORTED') return;
            // The header's account status and the home page's petitions ask the API (absent here)
            // after the page loaded; moving on to the next page cuts those requests short.
            if (new URL(r.url()).pathname.startsWith('/api/') && r.failure()?.errorText === 'net::ERR_ABORTED') return;
            problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
        });
    });

    afterEach(async () => {
        await context?.close();
        // Every page, stylesheet and image the walk touched must exist. (/favicon.ico is the
        // browser's own guess, asked for when a page declares no icon; no page links to it.)
        const missing = server.notFound.filter((u) => new URL(u, 'http://x').pathname !== '/favicon.ico');
        assert.deepEqual(missing, [], `404s during the walk: ${missing.join(', ')}`);
        assert.deepEqual(problems, [], problems.join('\n'));
    });

    it('home → decisions → 2025 → a decision → the act that modifies it (or that it modifies)', async (t) => {
        await page.goto(server.url('/'));
        assert.equal(await h1(page), 'Primăria Municipiului Timișoara');

        // The main menu.
        const menuLink = page.getByRole('navigation')
            .getByRole('link', { name: 'Hotărâri ale consiliului local', exact: true });
        await follow(page, menuLink, 'the menu link "Hotărâri ale consiliului local"');
        assert.equal(await h1(page), 'Hotărâri ale consiliului local');

        // The year filter, in the filters' "An" group.
        const yearGroup = page.locator('section').filter({ has: page.getByRole('heading', { name: 'An', exact: true }) });
        const year = yearGroup.getByRole('link', { name: /^2025\b/ });
        const yearPath = await follow(page, year, 'the year filter "2025"');
        assert.match(await h1(page), /2025/, 'the filtered list says which year it shows');
        assert.equal(await yearGroup.getByRole('link', { name: /^2025\b/ }).getAttribute('aria-current'), 'page',
            'the chosen year is marked as the current filter');

        // Every decision listed is one of 2025.
        const decisions = page.getByRole('main').getByRole('link', { name: /^Hotărâre\b/ });
        const listed = await decisions.count();
        assert.ok(listed > 0, `${yearPath}: no decision listed`);
        const rows = page.getByRole('main').getByRole('listitem').filter({ has: decisions });
        for (const row of await rows.all()) {
            const text = (await row.innerText()).replace(/\s+/g, ' ');
            assert.match(text, /nr\. \d+\/2025\b/, `${yearPath}: a decision not of 2025 is listed: ${text.slice(0, 160)}`);
        }

        // The first decision.
        const first = decisions.first();
        const title = (await first.innerText()).replace(/\s+/g, ' ').trim();
        const decisionPath = await follow(page, first, `the first decision of 2025 ("${title}")`);
        assert.equal(await h1(page), title, 'the decision page is titled as its row in the list');

        // "Modificată de" (modified by) or "Modifică" (modifies) rows under "Legături cu alte acte".
        const modifyRows = (p) => p.getByRole('region', { name: 'Legături cu alte acte' })
            .getByRole('listitem')
            .filter({ hasText: /^\s*(Modificată de|Modifică)\s/ });
        const modifyLinks = (p) => modifyRows(p).getByRole('link');

        let fromPath = decisionPath;
        if (await modifyLinks(page).count() === 0) {
            // The first decision has no such relation: go on to one that does, by the status
            // filter "Modificată", so that following a relation is always walked.
            await page.goBack();
            await page.waitForURL((u) => u.pathname === yearPath);
            const statusGroup = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Stare', exact: true }) });
            await follow(page, statusGroup.getByRole('link', { name: /^Modificată(\s|$)/ }), 'the status filter "Modificată"');
            const modified = page.getByRole('main').getByRole('link', { name: /^Hotărâre\b/ }).first();
            const modifiedTitle = (await modified.innerText()).replace(/\s+/g, ' ').trim();
            fromPath = await follow(page, modified, `the first modified decision ("${modifiedTitle}")`);
            assert.equal(await h1(page), modifiedTitle);
            assert.ok(await modifyLinks(page).count() > 0,
                `${fromPath}: a decision with status "Modificată" links to no act under "Modificată de"`);
            t.diagnostic(`${decisionPath} has no "Modificată de"/"Modifică" link; went on by the status filter to ${fromPath}`);
        }

        const row = modifyRows(page).first();
        const relation = (await row.innerText()).trim();
        const related = row.getByRole('link');
        const linkText = (await related.innerText()).replace(/\s+/g, ' ').trim();
        // "Hotărâre a consiliului local nr. 462/2025 — Hotărâre privind …": the title follows the first dash.
        const cut = linkText.indexOf(' — ');
        const expected = cut >= 0 ? linkText.slice(cut + 3) : linkText;
        const targetPath = await follow(page, related, `the related act "${linkText}"`);
        const relLabel = relation.startsWith('Modificată de') ? 'Modificată de' : 'Modifică';
        t.diagnostic(`${fromPath} “${relLabel}” → ${targetPath}`);
        assert.equal(await h1(page), expected, `${targetPath}: the related act's page has another title than its link`);
        if (cut >= 0) {
            const number = linkText.slice(0, cut).match(/nr\. (\S+)/)?.[1];
            assert.ok(number, `cannot read the act's number in "${linkText}"`);
            assert.match((await page.getByRole('article').innerText()), new RegExp(`nr\\. ${number.replace('/', '\\/')}`),
                `${targetPath}: the page does not show number ${number}`);
        }

        // The relation is shown from the other side too, pointing back.
        const back = relLabel === 'Modificată de' ? 'Modifică' : 'Modificată de';
        const backLinks = page.getByRole('region', { name: 'Legături cu alte acte' }).getByRole('listitem')
            .filter({ hasText: new RegExp(`^\\s*${back}\\s`) }).getByRole('link');
        const hrefs = await backLinks.evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
        assert.ok(hrefs.includes(fromPath),
            `${targetPath}: no "${back}" link back to ${fromPath} (found: ${hrefs.join(', ') || 'none'})`);
    });

    it('a job contest: its calendar downloads as iCalendar', async () => {
        await page.goto(server.url('/'));
        await follow(page, page.getByRole('navigation').getByRole('link', { name: 'Cariere', exact: true }), 'the menu link "Cariere"');
        const contest = page.getByRole('main').getByRole('link', { name: /^Concurs\b/ }).first();
        assert.ok(await contest.count() > 0, '/cariere/ lists no job contest');
        const title = (await contest.innerText()).replace(/\s+/g, ' ').trim();
        const contestPath = await follow(page, contest, `the job contest "${title}"`);
        assert.equal(await h1(page), title);

        const link = page.getByRole('link', { name: 'Descarcă calendarul concursului (iCalendar)', exact: true });
        assert.equal(await link.count(), 1, `${contestPath}: no link "Descarcă calendarul concursului (iCalendar)"`);
        const href = new URL(await link.getAttribute('href'), page.url());
        const [download, response] = await Promise.all([
            page.waitForEvent('download'),
            page.waitForEvent('response', (r) => new URL(r.url()).pathname === href.pathname),
            link.click(),
        ]);
        assert.equal(response.status(), 200, `${href.pathname}: HTTP status`);
        const type = (await response.allHeaders())['content-type'] ?? '';
        assert.match(type, /^text\/calendar\b/, `${href.pathname}: Content-Type is "${type}"`);
        assert.equal(download.failure ? await download.failure() : null, null, 'the download failed');
        assert.match(download.suggestedFilename(), /\.ics$/, 'the saved file is named *.ics');
        const ics = await readFile(await download.path(), 'utf8');
        assert.match(ics, /^BEGIN:VCALENDAR\r?\n/, 'the file starts with BEGIN:VCALENDAR');
        assert.match(ics, /\r?\nEND:VCALENDAR\r?\n?$/, 'the file ends with END:VCALENDAR');
        assert.match(ics, /^BEGIN:VTIMEZONE\r?$/m, 'the calendar carries its time zone (VTIMEZONE)');
        assert.match(ics, /^BEGIN:VEVENT\r?$/m, 'the calendar holds at least one event');
    });

    it('keyboard: the first Tab focuses the skip link, which leads to the content', async () => {
        await page.goto(server.url('/'));
        await page.keyboard.press('Tab');
        const focused = await eventually(async () => {
            const el = await page.evaluate(() => {
                const a = document.activeElement;
                return { tag: a?.tagName, text: a?.innerText?.trim(), href: a?.getAttribute('href') };
            });
            assert.deepEqual({ tag: el.tag, text: el.text }, { tag: 'A', text: 'Sari la conținut' },
                `the first Tab focused ${JSON.stringify(el)}`);
            return el;
        });
        const skip = page.getByRole('link', { name: 'Sari la conținut', exact: true });
        const viewport = page.viewportSize();
        // Shown on focus, possibly with a transition: on screen once it settles.
        await eventually(async () => {
            assert.ok(await skip.isVisible(), 'the focused skip link is visible');
            const box = await skip.boundingBox();
            assert.ok(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height,
                `the focused skip link is on screen (box ${JSON.stringify(box)})`);
        });

        await page.keyboard.press('Enter');
        const target = focused.href.replace(/^#/, '');
        await eventually(async () => {
            const now = await page.evaluate(() => ({ id: document.activeElement?.id, role: document.activeElement?.tagName }));
            assert.equal(now.id, target, `Enter on the skip link moved focus to ${JSON.stringify(now)}, not #${target}`);
        }, { timeout: 5000 });
        assert.equal(await page.locator(`#${target}`).evaluate((el) => el.closest('main') !== null || el.tagName === 'MAIN'), true,
            'the skip link leads into the main content');
    });
});
