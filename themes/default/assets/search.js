// The search page: queries the static Pagefind index built by `civic build`.
// Without JavaScript the page still offers the filterable lists (see search.html).
const form = document.getElementById("cautare");
const input = document.getElementById("q");
const type = document.getElementById("tip");
const year = document.getElementById("an");
const state = document.getElementById("stare");
const status = document.getElementById("stare-cautare");
const list = document.getElementById("rezultate");
let pagefind;

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

function row(result) {
  const li = document.createElement("li");
  li.className = "row";
  const a = document.createElement("a");
  a.className = "row-title";
  a.href = result.url;
  a.textContent = result.meta.title;
  const facts = document.createElement("p");
  facts.className = "row-meta";
  const number = result.meta.number ? `nr. ${result.meta.number}` : "";
  facts.textContent = [result.meta.kind, number, result.meta.date, result.meta.status].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "row-summary";
  // The excerpt marks matches with <mark>; keep the text only.
  excerpt.textContent = new DOMParser().parseFromString(result.excerpt, "text/html").body.textContent;
  li.append(a, facts, excerpt);
  return li;
}

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
