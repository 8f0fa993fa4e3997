// What a citizen's search costs in Chromium on loopback, on a site `civic build` (or civic-bench)
// made: for each query, from pressing "Caută" to the first result shown, and the bytes the
// browser fetched for the search (the first query loads the index's entry files and client;
// later ones only the word chunks and result fragments they need). A benchmark, not a test:
// it prints figures.
//
//   node tests/browser/search-bench.mjs /dev/shm/civic-bench/public [query …]

import { launch, startServer } from './support.mjs';

const [root, ...given] = process.argv.slice(2);
if (!root) {
    console.error('usage: node tests/browser/search-bench.mjs <site folder> [query …]');
    process.exit(2);
}
const queries = given.length ? given : ['regulament parcare', 'sedinta consiliului', 'hotarare 1200 2019', 'străzi iluminat'];

const server = await startServer(root);
const browser = await launch();
const page = await browser.newPage();
let bytes = 0;
let requests = 0;
let last = performance.now();
page.on('requestfinished', async (request) => {
    if (!new URL(request.url()).pathname.startsWith('/pagefind/')) return;
    const sizes = await request.sizes().catch(() => null);
    if (sizes) {
        bytes += sizes.responseBodySize + sizes.responseHeadersSize;
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
    [bytes, requests] = [0, 0];
    await page.getByLabel('Ce căutați?').fill(query);
    const start = performance.now();
    await page.getByRole('button', { name: 'Caută' }).click();
    await page.waitForFunction(() => {
        const s = document.getElementById('stare-cautare').textContent;
        return s !== '' && !s.startsWith('Se caută');
    }, null, { timeout: 60_000 });
    const ms = performance.now() - start;
    const status = await page.locator('#stare-cautare').innerText();
    await settled();
    console.log(`"${query}": ${status.trim()} in ${ms.toFixed(0)} ms; ${(bytes / 1024).toFixed(0)} KB in ${requests} requests`);
}
await browser.close();
await server.close();
