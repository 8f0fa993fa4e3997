// The search page: queries the static Pagefind index built by `civic build`.
// Without JavaScript the page still offers the filterable lists (see search.html).
const form = document.getElementById("cautare");
const input = document.getElementById("q");
const type = document.getElementById("tip");
const status = document.getElementById("stare-cautare");
const list = document.getElementById("rezultate");
let pagefind;

async function engine() {
  if (!pagefind) {
    pagefind = await import("/pagefind/pagefind.js");
    await pagefind.options({ excerptLength: 24 });
  }
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

async function run(query, kind) {
  if (!query.trim()) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Se caută…";
  try {
    const pf = await engine();
    const search = await pf.search(query, kind ? { filters: { tip: kind } } : {});
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
  const params = new URLSearchParams();
  params.set("q", input.value);
  if (type.value) params.set("tip", type.value);
  history.replaceState(null, "", `?${params}`);
  run(input.value, type.value);
});

const params = new URLSearchParams(location.search);
input.value = params.get("q") ?? "";
type.value = params.get("tip") ?? "";
run(input.value, type.value);
