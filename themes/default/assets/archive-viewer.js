// The archive page viewer: turns the plain list of page images (which works without
// JavaScript) into a pager with zoom. Keyboard: ← → change page, + − zoom, 0 resets;
// every control is a real button; the page status is announced politely.
(function () {
  "use strict";
  var root = document.querySelector(".archive-viewer");
  if (!root) return;
  var imgs = Array.prototype.slice.call(root.querySelectorAll(".archive-pages img[data-full]"));
  if (!imgs.length) return;
  var current = 0;
  var zoom = 1;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  var viewer = el("div", { "class": "viewer" });
  var bar = el("div", { "class": "viewer-bar", role: "toolbar", "aria-label": "Navigare între pagini și mărire" });
  var prev = el("button", { type: "button" }, "‹ Pagina anterioară");
  var next = el("button", { type: "button" }, "Pagina următoare ›");
  var zin = el("button", { type: "button", "aria-label": "Mărește imaginea" }, "+");
  var zout = el("button", { type: "button", "aria-label": "Micșorează imaginea" }, "−");
  var zreset = el("button", { type: "button" }, "Dimensiune potrivită");
  var status = el("p", { "class": "viewer-status", "aria-live": "polite" });
  [prev, next, zout, zin, zreset].forEach(function (b) { bar.appendChild(b); });
  var frame = el("div", { "class": "viewer-frame", tabindex: "0", role: "region", "aria-label": "Pagina afișată (săgețile schimbă pagina, + și − măresc)" });
  var big = el("img", { alt: "" });
  frame.appendChild(big);
  viewer.appendChild(bar);
  viewer.appendChild(status);
  viewer.appendChild(frame);
  root.insertBefore(viewer, root.querySelector(".archive-pages"));

  function show(i, focus) {
    current = Math.max(0, Math.min(imgs.length - 1, i));
    var src = imgs[current];
    big.src = src.getAttribute("data-full");
    big.alt = src.alt;
    big.width = src.getAttribute("data-width");
    big.height = src.getAttribute("data-height");
    setZoom(1);
    status.textContent = "Pagina " + (current + 1) + " din " + imgs.length + " (" + src.alt + ")";
    prev.disabled = current === 0;
    next.disabled = current === imgs.length - 1;
    if (focus) frame.focus();
  }

  function setZoom(z) {
    zoom = Math.max(1, Math.min(4, z));
    big.style.width = zoom * 100 + "%";
    big.style.maxWidth = zoom === 1 ? "100%" : "none";
    zout.disabled = zoom === 1;
    zin.disabled = zoom === 4;
  }

  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  zin.addEventListener("click", function () { setZoom(zoom * 1.5); });
  zout.addEventListener("click", function () { setZoom(zoom / 1.5); });
  zreset.addEventListener("click", function () { setZoom(1); });
  frame.addEventListener("keydown", function (e) {
    var handled = true;
    if (e.key === "ArrowRight" || e.key === "PageDown") show(current + 1);
    else if (e.key === "ArrowLeft" || e.key === "PageUp") show(current - 1);
    else if (e.key === "+" || e.key === "=") setZoom(zoom * 1.5);
    else if (e.key === "-") setZoom(zoom / 1.5);
    else if (e.key === "0") setZoom(1);
    else handled = false;
    if (handled) e.preventDefault();
  });
  imgs.forEach(function (img, i) {
    img.parentNode.addEventListener("click", function (e) {
      e.preventDefault();
      show(i, true);
      viewer.scrollIntoView();
    });
  });
  // A search hit links to #pagina-N: open that page.
  var m = /^#pagina-(\d+)$/.exec(location.hash);
  show(m ? parseInt(m[1], 10) - 1 : 0, false);
  if (m) viewer.scrollIntoView();
})();
