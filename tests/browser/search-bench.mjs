// What a citizen's search costs in Chromium on loopback, on a site `civic build` (or civic-bench)
// made: for each query, from pressing "Caută" to the first result shown, and the bytes the
// browser fetched for the search (the first query loads the index's entry files and client;
// later ones only the word chunks and result fragments they need). A benchmark, not a test:
// it prints figures. With `--api URL` (a running `civic api`), `/api/` is passed to it, and the
// archive's scanned pages found (its full-text index) are timed too: to the first page shown.
//
//   node tests/browser/search-bench.mjs /dev/shm/civic-bench/public [--api http://127.0.0.1:8001] [query …]

import { createServer } from 'node:http';
import { launch, startServer } from './support.mjs';

const args = process.argv.slice(2);
const apiAt = args.indexOf('--api');
const api = apiAt >= 0 ? args.splice(apiAt, 2)[1] : null;
const [root, ...given] = args;
if (!root) {
    console.error('usage: node tests/browser/search-bench.mjs <site folder> [--api URL] [query …]');
    process.exit(2);
}
const queries = given.length ? given : ['regulament parcare', 'sedinta consiliului', 'hotarare 1200 2019', 'străzi iluminat'];

const site = await startServer(root);
/** The site, with `/api/` passed to the API when there is one: one origin, as behind nginx. */
const front = api && createServer(async (req, res) => {
    const upstream = new URL(req.url, req.url.startsWith('/api/') ? api : site.url('/'));
    const answer = await fetch(upstream, { headers: { accept: req.headers.accept ?? '*/*' }, redirect: 'manual' });
    const body = Buffer.from(await answer.arrayBuffer());
    const headers = Object.fromEntries([...answer.headers].filter(([k]) => !['content-encoding', 'content-length', 'transfer-encoding'].includes(k)));
    res.writeHead(answer.status, { ...headers, 'content-length': body.length }).end(body);
});
if (front) await new Promise((ok) => front.listen(0, '127.0.0.1', ok));
const server = front ? { url: (p) => `http://127.0.0.1:${front.address().port}${p}`, close: () => site.close() } : site;
const browser = await launch();
const page = await browser.newPage();
let bytes = 0;
let requests = 0;
let archiveBytes = 0;
let last = performance.now();
page.on('requestfinished', async (request) => {
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/pagefind/') && !path.startsWith('/api/arhiva/')) return;
    const sizes = await request.sizes().catch(() => null);
    if (sizes) {
        const size = sizes.responseBodySize + sizes.responseHeadersSize;
        if (path.startsWith('/api/')) archiveBytes += size;
        else bytes += size;
        requests += 1;
        last = performance.now();
    }
});
/** Resolves once the index has had no request for half a second (fragments load after results). */
async function settled() {
    while (performance.now() - last < 500) await new Promise((ok) => setTimeout(ok, 100));
}

await page.goto(server.url('/cautare/'));
await page.waitForFunction(() => document.getElementById('an').options.length > 1, null, { timeout: 60_000 });
await settled();
console.log(`search page ready (filters loaded): ${(bytes / 1024).toFixed(0)} KB in ${requests} requests of the index`);
for (const query of queries) {
    [bytes, requests, archiveBytes] = [0, 0, 0];
    await page.getByLabel('Ce căutați?').fill(query);
    const start = performance.now();
    await page.getByRole('button', { name: 'Caută' }).click();
    /** Resolves with the time from the click until the status `id` says the search is done. */
    const done = (id) => page.waitForFunction((id) => {
        const s = document.getElementById(id).textContent;
        return s !== '' && !s.startsWith('Se caută');
    }, id, { timeout: 60_000 }).then(() => performance.now() - start);
    // Both searches run at once: each is timed to its own results.
    const [ms, archiveMs] = await Promise.all([done('stare-cautare'), api ? done('stare-arhiva') : null]);
    const status = await page.locator('#stare-cautare').innerText();
    let archive = '';
    if (api) {
        const archiveStatus = await page.locator('#stare-arhiva').innerText();
        archive = `; scanned pages: ${archiveStatus.trim()} in ${archiveMs.toFixed(0)} ms`;
    }
    await settled();
    console.log(`"${query}": ${status.trim()} in ${ms.toFixed(0)} ms; ${(bytes / 1024).toFixed(0)} KB of the index in ${requests} requests`
        + (api ? `${archive}, ${(archiveBytes / 1024).toFixed(1)} KB from the API` : ''));
}
await browser.close();
await server.close();
front?.close();
