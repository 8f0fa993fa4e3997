// The search page: queries the static Pagefind index built by `civic build` and, for the text of
// the archive's scanned pages, the API's archive search (/api/arhiva/cautare), ten pages at a time
// (on a site with an open archive unit: the page then has the #arhiva section).
// Without JavaScript the page still offers the filterable lists (see search.html).
const form = document.getElementById("cautare");
const input = document.getElementById("q");
const type = document.getElementById("tip");
const year = document.getElementById("an");
const state = document.getElementById("stare");
const status = document.getElementById("stare-cautare");
const list = document.getElementById("rezultate");
const archive = document.getElementById("arhiva");
const archiveStatus = document.getElementById("stare-arhiva");
const archiveList = document.getElementById("rezultate-arhiva");
const archiveMore = document.getElementById("mai-multe-arhiva");
let pagefind;
let archiveQuery = { q: "", next: 0 };

// The index comes in parts (pagefind/parts.json): the first is loaded, the others merged into it.
// Loaded once: the filters and a search asked for at the same time share the same load (two
// loads would merge every part twice and show every result twice).
function engine() {
  pagefind ??= (async () => {
    const { parts } = await (await fetch("/pagefind/parts.json")).json();
    const first = await import(`/pagefind/${parts[0]}/pagefind.js`);
    await first.options({ excerptLength: 24 });
    await Promise.all(parts.slice(1).map((part) => first.mergeIndex(`/pagefind/${part}/`)));
    return first;
  })();
  return pagefind;
}

/** A result: its title linking to it, what it is, and the text around the match (nodes). */
function resultRow(href, title, facts, excerpt) {
  const li = document.createElement("li");
  li.className = "row";
  const a = document.createElement("a");
  a.className = "row-title";
  a.href = href;
  a.textContent = title;
  const meta = document.createElement("p");
  meta.className = "row-meta";
  meta.textContent = facts.filter(Boolean).join(" · ");
  const summary = document.createElement("p");
  summary.className = "row-summary";
  summary.append(...excerpt);
  li.append(a, meta, summary);
  return li;
}

function row(result) {
  const number = result.meta.number ? `nr. ${result.meta.number}` : "";
  // The excerpt marks matches with <mark>; keep the text only.
  const excerpt = new DOMParser().parseFromString(result.excerpt, "text/html").body.textContent;
  return resultRow(result.url, result.meta.title, [result.meta.kind, number, result.meta.date, result.meta.status], [excerpt]);
}

// A scanned page found: the unit and page, what it is, and the words around the match, the
// matched words marked (the API sends plain text in pieces; each becomes a text node).
function archiveRow(hit) {
  const excerpt = hit.snippet.map((piece) => {
    if (!piece.hit) return piece.text;
    const mark = document.createElement("mark");
    mark.textContent = piece.text;
    return mark;
  });
  return resultRow(hit.url, `${hit.unit} — ${hit.page}`, ["Arhivă, pagină scanată", hit.reference_code, hit.dates], excerpt);
}

// The archive's pages have no year or status filter: they are searched without filters, or
// when the archive is the type chosen.
async function runArchive(query, more = false) {
  if (!archive) return;
  const wanted = query.trim() && !year.value && !state.value && (!type.value || type.value === archive.dataset.tip);
  archive.hidden = !wanted;
  archiveMore.hidden = true;
  if (!wanted) return;
  if (!more) {
    archiveQuery = { q: query, next: 0 };
    archiveList.replaceChildren();
  }
  archiveStatus.textContent = "Se caută în paginile scanate…";
  try {
    const params = new URLSearchParams({ q: query, de_la: archiveQuery.next });
    const response = await fetch(`/api/arhiva/cautare?${params}`, { headers: { Accept: "application/json" } });
    const body = await response.json();
    if (archiveQuery.q !== query) return;
    if (!response.ok) {
      archiveStatus.textContent = body.error ?? "Căutarea în paginile scanate nu este disponibilă acum.";
      return;
    }
    archiveList.append(...body.hits.map(archiveRow));
    archiveQuery.next += body.hits.length;
    const n = archiveList.children.length;
    archiveStatus.textContent = n === 0 ? `Nicio pagină scanată nu conține „${query}”.`
      : `${n}${body.more ? "+" : ""} ${n === 1 ? "pagină scanată" : n < 20 ? "pagini scanate" : "de pagini scanate"} pentru „${query}”.`
        + (body.ranked ? "" : " Cuvintele apar pe foarte multe pagini: acestea sunt primele, în ordinea arhivei. Adăugați un cuvânt ca să restrângeți căutarea.");
    archiveMore.hidden = !body.more;
  } catch (e) {
    archiveStatus.textContent = "Căutarea în paginile scanate nu este disponibilă acum.";
  }
}

archiveMore?.addEventListener("click", () => runArchive(archiveQuery.q, true));

// Years and statuses come from the index itself, newest year first.
async function fillFilters() {
  const filters = await (await engine()).filters();
  const fill = (select, values, order) => {
    for (const value of Object.keys(values ?? {}).sort(order)) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = `${value} (${values[value]})`;
      select.append(option);
    }
  };
  fill(year, filters.an, (a, b) => b.localeCompare(a));
  fill(state, filters.stare, (a, b) => a.localeCompare(b, "ro"));
}

function chosen() {
  const filters = {};
  if (type.value) filters.tip = type.value;
  if (year.value) filters.an = year.value;
  if (state.value) filters.stare = state.value;
  return filters;
}

async function run(query) {
  runArchive(query);
  if (!query.trim()) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Se caută…";
  try {
    const pf = await engine();
    const search = await pf.search(query, { filters: chosen() });
    const results = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
    list.replaceChildren(...results.map(row));
    const n = search.results.length;
    status.textContent = n === 0 ? `Niciun rezultat pentru „${query}”.`
      : `${n} ${n === 1 ? "rezultat" : n < 20 ? "rezultate" : "de rezultate"} pentru „${query}”${n > 30 ? " (primele 30)" : ""}.`;
  } catch (e) {
    status.textContent = "Căutarea nu este disponibilă acum. Folosiți listele de mai jos.";
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams({ q: input.value, ...chosen() });
  history.replaceState(null, "", `?${params}`);
  run(input.value);
});

const params = new URLSearchParams(location.search);
input.value = params.get("q") ?? "";
type.value = params.get("tip") ?? "";
fillFilters()
  .then(() => {
    year.value = params.get("an") ?? "";
    state.value = params.get("stare") ?? "";
  })
  .catch(() => {})
  .finally(() => run(input.value));
