// civic serve: reloads the page after each rebuild and shows content errors over the page.
// Injected only by `civic serve`, never into a built site.
(() => {
  const overlay = (errors) => {
    let box = document.getElementById("civic-errors");
    if (!errors.length) { box?.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "civic-errors";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-labelledby", "civic-errors-title");
      box.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,monospace;padding:2rem";
      document.body.append(box);
    }
    const title = document.createElement("h2");
    title.id = "civic-errors-title";
    title.style.cssText = "font:700 1.3rem system-ui,sans-serif;color:#ffb4ab;margin:0 0 1rem";
    title.textContent = `civic: ${errors.length} problem(s) in the content; the last good site is shown underneath`;
    const list = document.createElement("ol");
    for (const e of errors) {
      const li = document.createElement("li");
      li.style.margin = "0 0 .8rem";
      li.textContent = e.text;
      list.append(li);
    }
    box.replaceChildren(title, list);
  };
  const events = new EventSource("/__civic/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("errors", (e) => overlay(JSON.parse(e.data)));
  fetch("/__civic/status").then((r) => r.json()).then((s) => overlay(s.errors)).catch(() => {});
})();
