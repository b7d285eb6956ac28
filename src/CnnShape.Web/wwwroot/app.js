"use strict";
// cnnshape page: every answer comes from the JSON API (the same engine as the CLI). The page keeps its whole state in
// the URL (#…), so a link reproduces what is on the screen.

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

async function api(path, body, raw, signal) {
  const response = await fetch(path, {
    method: "POST",
    signal,
    headers: raw ? { "Content-Type": "application/octet-stream" } : { "Content-Type": "application/json" },
    body: raw ? body : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) {
    const error = new Error(data.error || `HTTP ${response.status}`);
    error.place = data;
    throw error;
  }
  return data;
}

// A request that a newer one of the same kind supersedes is cancelled (its answer would be stale), never shown.
function superseding() {
  let current = null;
  return () => {
    if (current) current.abort();
    current = new AbortController();
    return current.signal;
  };
}
const isCancelled = (e) => e && e.name === "AbortError";

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function el(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

// ---- state in the URL
const state = new URLSearchParams(location.hash.slice(1));
function saveState() {
  history.replaceState(null, "", "#" + state.toString());
}

// ---- theme: the system's, until the user picks one
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $("theme-name").textContent = theme === "dark" ? "light" : "dark";
}
applyTheme(localStorage.getItem("cnnshape-theme") || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
$("theme").addEventListener("click", () => {
  const theme = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  localStorage.setItem("cnnshape-theme", theme);
  applyTheme(theme);
  if (report) { drawField(); drawPlot(); }
});

// ---- tabs (WAI-ARIA tabs: arrows, Home and End move between them)
const tabs = [...document.querySelectorAll('[role="tab"]')];
function selectTab(name, focus) {
  for (const t of tabs) {
    const on = t.dataset.tab === name;
    t.setAttribute("aria-selected", String(on));
    t.classList.toggle("active", on);
    t.tabIndex = on ? 0 : -1;
    $("tab-" + t.dataset.tab).hidden = !on;
    $("tab-" + t.dataset.tab).classList.toggle("active", on);
    if (on && focus) t.focus();
  }
  state.set("tab", name);
  saveState();
}
for (const t of tabs) t.addEventListener("click", () => selectTab(t.dataset.tab));
document.querySelector('[role="tablist"]').addEventListener("keydown", (e) => {
  const i = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
  const next = { ArrowRight: (i + 1) % tabs.length, ArrowLeft: (i + tabs.length - 1) % tabs.length, Home: 0, End: tabs.length - 1 }[e.key];
  if (next === undefined) return;
  e.preventDefault();
  selectTab(tabs[next].dataset.tab, true);
});

// ---- layer calculator
const layerResult = $("layer-result");
const layerSignal = superseding();
let lastKey = 0, errorTimer;
async function updateLayer() {
  // the shape goes as typed: the server reads it as the CLI does (1x3x32x32, (1, 3, 32, 32), torch.Size([…]), "1 3 32 32")
  const input = $("layer-input").value.trim();
  state.set("layer", $("layer-text").value);
  state.set("input", input);
  if ($("layer-eval").checked) state.set("eval", "1"); else state.delete("eval");
  saveState();
  try {
    if (!input) throw new Error("write the input shape, e.g. 1x3x224x224 or torch.Size([1, 3, 224, 224])");
    const d = await api("/api/layer", { layer: $("layer-text").value, input, eval: $("layer-eval").checked }, false, layerSignal());
    const steps = d.steps.map((s) => `  ${s.axis}: ${s.formula}`).join("\n");
    layerResult.classList.remove("error", "pending");
    layerResult.dataset.output = JSON.stringify(d.output);
    layerResult.textContent = `output  [${d.output.join(", ")}]\n${steps}${steps ? "\n" : ""}params  ${d.params.toLocaleString("en")}    MACs  ${d.macs.toLocaleString("en")}`;
  } catch (e) {
    if (isCancelled(e)) return;
    layerResult.dataset.output = "";
    // while the user is still typing, a half-written layer is not an error yet: say so quietly, and show the
    // refusal once the typing pauses
    const wait = lastKey + 700 - Date.now();
    if (wait > 0) {
      layerResult.classList.remove("error");
      layerResult.classList.add("pending");
      layerResult.textContent = "…";
      clearTimeout(errorTimer);
      errorTimer = setTimeout(updateLayer, wait);
      return;
    }
    layerResult.classList.remove("pending");
    layerResult.classList.add("error");
    layerResult.textContent = e.message;
  }
}
const updateLayerSoon = debounce(updateLayer, 120);
for (const id of ["layer-text", "layer-input"]) {
  $(id).addEventListener("input", () => { lastKey = Date.now(); updateLayerSoon(); });
}
$("layer-eval").addEventListener("change", updateLayer);

// ---- network analyser
let report = null;
let upload = null;
const netText = $("net-text");
function gutter(bad) {
  const lines = netText.value.split("\n").length;
  $("net-gutter").innerHTML = Array.from({ length: lines }, (_, i) => (i + 1 === bad ? `<span class="bad">${i + 1}</span>` : `${i + 1}`)).join("\n");
  $("net-gutter").scrollTop = netText.scrollTop;
  // the gutter's width from its widest number (the tab may be hidden, with nothing measured yet)
  const width = `calc(${Math.max(3, String(lines).length)}ch + 1.1rem)`;
  $("net-gutter").style.width = width;
  netText.style.marginLeft = width;
}
netText.addEventListener("input", () => {
  gutter();
  // the text owns the view again once it is edited after an upload
  if (upload) clearUpload();
});
netText.addEventListener("scroll", () => { $("net-gutter").scrollTop = netText.scrollTop; });
netText.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("net-run").click(); } });
gutter();

function showPythonFields() {
  const python = $("net-format").value === "python" || ($("net-format").value === "auto" && /^(class |import torch|from torch)/m.test(netText.value));
  for (const label of document.querySelectorAll("label.python")) label.hidden = !python;
}
$("net-format").addEventListener("change", showPythonFields);
netText.addEventListener("input", debounce(showPythonFields, 200));
showPythonFields();

function clearUpload() {
  upload = null;
  $("net-onnx").value = "";
  $("net-upload").hidden = true;
}
$("net-onnx").addEventListener("change", () => {
  upload = $("net-onnx").files[0] || null;
  $("net-upload").hidden = !upload;
  if (upload) {
    $("net-upload-name").textContent = upload.name;
    $("net-run").click();
  }
});
$("net-upload-clear").addEventListener("click", clearUpload);

function clearViews() {
  report = null;
  view = null;
  $("net-table").innerHTML = "";
  $("net-graph").innerHTML = "";
  $("net-summary").innerHTML = "";
  $("net-warnings").innerHTML = "";
  $("rf-layer").innerHTML = "";
  $("rf-output").innerHTML = "";
  $("rf-input").innerHTML = "";
  $("rf-plot").innerHTML = "";
  $("rf-caption").textContent = "";
  // no empty boxes: the field card shows only for a network that ran
  $("rf-card").hidden = true;
  $("net-views").hidden = true;
}

function showError(message, place) {
  $("net-error").textContent = message;
  const line = place && Number.isInteger(place.line) && !place.file?.endsWith(".onnx") ? place.line : undefined;
  gutter(line);
  if (line) {
    const lines = netText.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    netText.setSelectionRange(start, start + (lines[line - 1] || "").length);
    // bring the user's line into view, in the text and in the gutter
    const lineHeight = parseFloat(getComputedStyle(netText).lineHeight) || 18;
    netText.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }
}

function fieldText(rf) {
  if (rf === null || rf === undefined) return ["—", "", ""];
  if (rf.global) return ["global", "", ""];
  const j = (a) => a.map((v) => (Number.isInteger(v) ? v : v.toFixed(3))).join(" × ");
  return [j(rf.size), j(rf.jump), j(rf.start)];
}

const dims = (a) => `[${a.join(", ")}]`;
const count = (v) => (typeof v === "number" ? v.toLocaleString("en") : v);
const bytes = (v) => (typeof v === "number" ? CnnGraph.human(v, "B") : v);

// ---- the module tree (table and graph fold alike, as the CLI's --depth) and the graph view
let shown = null;       // { rows, tree, folded, failing } of what the table and the graph show
let graph = null;       // the drawn graph: nodeOf(index)
let graphZoom = 1;

function setupTree(rows, modules, failing) {
  const tree = CnnGraph.moduleTree(rows, modules);
  const max = Math.max(0, ...tree.groups.map((g) => g.level));
  const select = $("net-depth");
  select.innerHTML = "";
  select.add(new Option("every row", "all"));
  for (let d = 1; d <= max; d++) select.add(new Option(`depth ${d}`, String(d)));
  $("net-depth-label").hidden = max === 0;
  const wanted = state.get("depth");
  const depth = wanted === "all" ? 0 : wanted && Number(wanted) >= 1 && Number(wanted) <= max ? Number(wanted) : CnnGraph.autoDepth(tree, rows);
  select.value = depth === 0 ? "all" : String(depth);
  shown = { rows, tree, folded: foldedAt(tree, depth), failing, modules };
}

const foldedAt = CnnGraph.foldedAt;

$("net-depth").addEventListener("change", () => {
  if (!shown) return;
  const v = $("net-depth").value;
  state.set("depth", v);
  saveState();
  shown.folded = foldedAt(shown.tree, v === "all" ? 0 : Number(v));
  renderViews();
});

function toggle(key) {
  if (shown.folded.has(key)) shown.folded.delete(key); else shown.folded.add(key);
  renderViews();
}

// The table: a row per module entered (its rows' sums, a toggle) and its rows indented under it; a folded module's
// rows hidden under its one row.
function renderTable() {
  const { rows, tree, folded, failing } = shown;
  const out = [];
  const headerAt = new Map();
  for (const g of tree.groups) {
    if (!headerAt.has(g.first)) headerAt.set(g.first, []);
    headerAt.get(g.first).push(g);
  }
  const hiddenBy = (i) => (tree.within[i] || []).find((g) => folded.has(g.key));
  const line = (r) => (r.line ?? "");
  rows.forEach((r, i) => {
    for (const g of headerAt.get(i) || []) {
      let hidden = false;
      for (let p = g.parent; p; p = p.parent) if (folded.has(p.key)) hidden = true;
      if (hidden) continue;
      const members = rows.slice(g.first, g.last + 1);
      const last = members[members.length - 1];
      const sum = (k) => members.reduce((s, m) => (typeof m[k] === "number" && typeof s === "number" ? s + m[k] : "?"), 0);
      const [size, jump, start] = fieldText(last.rf);
      const isFolded = folded.has(g.key);
      out.push(`<tr class="module${isFolded ? " folded" : ""}" data-group="${escapeHtml(g.key)}" data-index="${g.last}"><td style="padding-left:${0.6 + (g.level - 1) * 1.1}rem"><button type="button" class="toggle" aria-expanded="${!isFolded}" aria-label="${isFolded ? "Unfold" : "Fold"} ${escapeHtml(g.name)}">${isFolded ? "▸" : "▾"}</button> ${escapeHtml(g.label)}</td><td>${escapeHtml(g.type || "")}${isFolded ? ` <span class="muted">(${members.length} rows)</span>` : ""}</td><td>${dims(last.output ?? ["?"])}</td><td class="num">${count(sum("params"))}</td><td class="num" title="${count(sum("macs"))}">${CnnGraph.human(sum("macs"))}</td><td class="num">${bytes(sum("activation_bytes"))}</td><td>${size}</td><td>${jump}</td><td>${start}</td><td class="num"></td></tr>`);
    }
    if (hiddenBy(i)) return;
    const [size, jump, start] = fieldText(r.rf);
    const level = (tree.within[i] || []).length;
    const label = level ? CnnGraph.modulePath(r.name, shown.modules).pop() : r.name;
    out.push(`<tr data-index="${i}" title="${escapeHtml(r.name)}"><td style="padding-left:${0.6 + level * 1.1 + (level ? 1.3 : 0)}rem">${escapeHtml(label)}</td><td>${escapeHtml(r.type)}</td><td>${dims(r.output ?? ["?"])}</td><td class="num">${count(r.params)}</td><td class="num" title="${count(r.macs)}">${CnnGraph.human(r.macs)}</td><td class="num" title="${count(r.activation_bytes)} bytes">${bytes(r.activation_bytes)}</td><td>${size}</td><td>${jump}</td><td>${start}</td><td class="num">${line(r)}</td></tr>`);
  });
  if (failing) out.push(`<tr class="failing"><td>${escapeHtml(failing.name)}</td><td>✗ refused</td><td>line ${failing.line ?? "?"}</td><td></td><td></td><td></td><td></td><td></td><td></td><td class="num">${failing.line ?? ""}</td></tr>`);
  $("net-table").innerHTML = `<table id="net-layers"><thead><tr><th>name</th><th>type</th><th>output</th><th>params</th><th>MACs</th><th>memory</th><th>RF size</th><th>jump</th><th>start</th><th>line</th></tr></thead><tbody>${out.join("")}</tbody></table>`;
  for (const tr of document.querySelectorAll("#net-layers tbody tr[data-index]")) {
    tr.addEventListener("click", (e) => {
      if (tr.dataset.group && e.target.closest("button.toggle")) toggle(tr.dataset.group);
      else selectLayer(Number(tr.dataset.index), "table");
    });
  }
}

function renderGraph() {
  const { failing } = shown;
  const d = report || shown.diagnosis;
  graph = CnnGraph.drawGraph($("net-graph"), {
    report: { ...d, layers: shown.rows },
    tree: shown.tree,
    folded: shown.folded,
    selected: Number(state.get("sel") ?? -1),
    failing,
    onSelect: (i) => selectLayer(i, "graph"),
    onToggle: toggle,
  });
  fitGraph();
}

function fitGraph(reset) {
  const svgEl = $("net-graph");
  const w = Number(svgEl.dataset.width || 0), h = Number(svgEl.dataset.height || 0);
  if (!w) return;
  const box = $("net-graph-box").clientWidth - 4;
  if (reset || !graphZoom) graphZoom = Math.min(1, box / w);
  graphZoom = Math.max(0.25, Math.min(graphZoom, 2.5));
  svgEl.setAttribute("width", String(Math.round(w * graphZoom)));
  svgEl.setAttribute("height", String(Math.round(h * graphZoom)));
  $("net-graph-box").dataset.zoom = graphZoom.toFixed(2);
}
$("graph-zoom-in").addEventListener("click", () => { graphZoom *= 1.25; fitGraph(); });
$("graph-zoom-out").addEventListener("click", () => { graphZoom /= 1.25; fitGraph(); });
$("graph-zoom-fit").addEventListener("click", () => fitGraph(true));

function renderViews() {
  $("net-views").hidden = false;
  renderTable();
  renderGraph();
  const sel = Number(state.get("sel") ?? -1);
  if (sel >= 0) markSelected(sel, null);
}

function renderReport(d) {
  report = d;
  $("net-error").textContent = "";
  $("net-fixes").innerHTML = "";
  gutter();
  const total = d.totals;
  const out = d.outputs[Object.keys(d.outputs)[0]];
  const [size, jump, start] = fieldText(out?.rf);
  const field = out?.rf?.global ? "global" : size === "—" ? "" : `${size} (jump ${jump}, start ${start})`;
  const frozen = typeof total.params === "number" && typeof total.trainable_params === "number" ? total.params - total.trainable_params : 0;
  $("net-summary").innerHTML = `<div class="io">input ${dims(d.input)} → output ${dims(d.output)}</div>`
    + `<dl><div><dt>params</dt><dd title="${count(total.params)}">${CnnGraph.human(total.params)}${frozen ? ` <span class="muted">(${CnnGraph.human(frozen)} frozen)</span>` : ""}</dd></div>`
    + `<div><dt>MACs</dt><dd title="${count(total.macs)}">${CnnGraph.human(total.macs)}</dd></div>`
    + `<div><dt>activations</dt><dd title="${count(total.activation_bytes)} bytes: every row's output">${bytes(total.activation_bytes)}</dd></div>`
    + `<div><dt>rows</dt><dd>${d.layers.length}</dd></div>`
    + (field ? `<div><dt>output field</dt><dd>${escapeHtml(field)}</dd></div>` : "") + `</dl>`;
  $("net-warnings").innerHTML = d.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("");
  setupTree(d.layers, d.graph?.modules, null);
  graphZoom = 0;
  $("rf-card").hidden = false;
  const select = $("rf-layer");
  select.innerHTML = "";
  d.layers.forEach((l, i) => {
    if (l.rf && !l.rf.global && l.rf.size.length >= 1 && l.output) select.add(new Option(`${l.name} (${l.type}) ${dims(l.output)}`, String(i)));
  });
  const wanted = state.get("sel");
  const initial = wanted !== null && [...select.options].some((o) => o.value === wanted) ? Number(wanted) : select.options.length ? Number(select.options[select.options.length - 1].value) : -1;
  if (initial >= 0) state.set("sel", String(initial));
  renderViews();
  selectLayer(initial, null);
  drawPlot();
  const unit = state.get("unit");
  if (unit && view) {
    const [i, j] = unit.split(",").map(Number);
    if (Number.isInteger(i) && Number.isInteger(j)) view.hover(i, j);
  }
}

// The selected row, marked in the table, the graph and the plot; `from` says which view was clicked (the other ones
// scroll to it).
function markSelected(index, from) {
  for (const tr of document.querySelectorAll("#net-layers tbody tr")) tr.classList.remove("selected");
  let tr = document.querySelector(`#net-layers tbody tr[data-index="${index}"]:not(.module)`);
  if (!tr && shown) {
    // inside a folded module: its row stands for it
    const g = (shown.tree.within[index] || []).find((x) => shown.folded.has(x.key));
    if (g) tr = document.querySelector(`#net-layers tbody tr[data-group="${CSS.escape(g.key)}"]`);
  }
  if (tr) {
    tr.classList.add("selected");
    if (from === "graph") scrollInto($("net-table-box"), tr);
  }
  for (const n of document.querySelectorAll("#net-graph .node.selected")) n.classList.remove("selected");
  const node = graph?.nodeOf(index);
  if (node) {
    node.classList.add("selected");
    if (from === "table") scrollInto($("net-graph-box"), node);
  }
}

// scrolls a box (not the page) so the element is in view
function scrollInto(box, element) {
  const b = box.getBoundingClientRect(), e = element.getBoundingClientRect();
  if (e.top < b.top || e.bottom > b.bottom) box.scrollTop += e.top - b.top - b.height / 2 + e.height / 2;
  if (e.left < b.left || e.right > b.right) box.scrollLeft += e.left - b.left - b.width / 2 + e.width / 2;
}

function selectLayer(index, from) {
  if (!report) return;
  state.set("sel", String(index));
  saveState();
  markSelected(index, from);
  drawPlot();
  const select = $("rf-layer");
  if (index < 0 || ![...select.options].some((o) => o.value === String(index))) {
    $("rf-caption").textContent = report.layers[index] ? `'${report.layers[index].name}' has no spatial field to show.` : "";
    $("rf-output").innerHTML = "";
    $("rf-input").innerHTML = "";
    return;
  }
  select.value = String(index);
  drawField();
  if (from === "table") $("rf-card").scrollIntoView({ behavior: "smooth", block: "nearest" });
}
$("rf-layer").addEventListener("change", () => selectLayer(Number($("rf-layer").value), "select"));

// ---- diagnosis: the cause and the checked fixes; each fix shows its edit (the - and + lines) before a button applies it
function applyEdits(text, edits) {
  const lines = text.split("\n");
  const out = [];
  for (let i = 0; i <= lines.length; i++) {
    if (i > 0) {
      const replaced = edits.filter((e) => e.line === i);
      out.push(replaced.length ? replaced[replaced.length - 1].text : lines[i - 1]);
    }
    for (const e of edits) if (e.after === i) out.push(e.text);
  }
  return out.join("\n");
}

function diffOf(fix) {
  const lines = netText.value.split("\n");
  const out = [];
  if (fix.input) out.push(`<span class="del">- input ${escapeHtml($("net-input").value || "(from the text)")}</span>`, `<span class="add">+ input ${escapeHtml(fix.input.join("x"))}</span>`);
  for (const e of fix.edits) {
    if (e.line) {
      out.push(`<span class="del">-${String(e.line).padStart(4)}  ${escapeHtml(lines[e.line - 1] ?? "")}</span>`);
      out.push(`<span class="add">+${String(e.line).padStart(4)}  ${escapeHtml(e.text)}</span>`);
    } else out.push(`<span class="add">+      ${escapeHtml(e.text)}<span class="where">   (a new line after line ${e.after})</span></span>`);
  }
  // one block per line: the pre's own line breaks would double them
  return out.join("");
}

function renderDiagnosis(d) {
  const box = $("net-fixes");
  box.innerHTML = "";
  const cause = document.createElement("p");
  cause.className = "cause";
  cause.textContent = d.cause;
  box.appendChild(cause);
  d.fixes.forEach((fix, i) => {
    const card = document.createElement("div");
    card.className = "fix-card";
    card.innerHTML = `<div class="why"><strong>Fix ${i + 1}</strong> ${escapeHtml(fix.why)} <span class="muted">→ output ${dims(fix.output)}</span></div><pre class="diff" aria-label="The edit">${diffOf(fix)}</pre>`;
    const button = document.createElement("button");
    button.className = "fix";
    button.type = "button";
    button.dataset.index = String(i);
    button.textContent = `Apply fix ${i + 1}`;
    button.addEventListener("click", () => {
      netText.value = applyEdits(netText.value, fix.edits);
      if (fix.input) $("net-input").value = fix.input.join("x");
      gutter();
      $("net-run").click();
    });
    card.appendChild(button);
    box.appendChild(card);
  });
  const failing = { name: d.at.layer, line: d.at.line, from: d.graph?.failing || [], fix: d.fixes[0] ? "fix: " + d.fixes[0].why : null };
  shown = null;
  setupTree(d.layers, d.graph?.modules, failing);
  graphZoom = 0;
  shown.diagnosis = { ...d, input: d.graph?.input || ["?"] };
  $("net-views").hidden = false;
  renderTable();
  renderGraph();
}

const netSignal = superseding();
$("net-run").addEventListener("click", async () => {
  $("net-fixes").innerHTML = "";
  const input = $("net-input").value.trim();
  for (const [k, v] of [["text", upload ? "" : netText.value], ["format", $("net-format").value], ["netinput", input], ["class", $("net-class").value.trim()], ["args", $("net-args").value.trim()]]) {
    if (v && !(k === "format" && v === "auto")) state.set(k, v); else state.delete(k);
  }
  if ($("net-eval").checked) state.set("neval", "1"); else state.delete("neval");
  saveState();
  try {
    let d;
    if (upload) {
      d = await api("/api/onnx" + (input ? "?input=" + encodeURIComponent(input) : ""), await upload.arrayBuffer(), true, netSignal());
    } else {
      const cls = $("net-class").value.trim(), args = $("net-args").value.trim();
      d = await api("/api/net", { text: netText.value, format: $("net-format").value, input: input || null, class: cls || null, args: args || null, eval: $("net-eval").checked }, false, netSignal());
    }
    renderReport(d);
  } catch (e) {
    if (isCancelled(e)) return;
    // no stale picture: the views of the last good run go with it
    clearViews();
    showError(e.message, e.place?.at ? { line: e.place.at.line } : e.place);
    if (e.place?.fixes) renderDiagnosis(e.place);
  }
});

// ---- receptive-field view: the whole output grid at any size (zoom and pan), the input with its padding, axes in
// pixels, the field of the hovered unit (its region comes from the server: ReceptiveFields.Region, the one function
// the table and the tests use), and a picture under the input if the user drops one
let view = null;
let picture = null;

function spatialDims(shape, n) { return shape.slice(shape.length - n); }

function drawField() {
  const out = $("rf-output"), inp = $("rf-input");
  out.innerHTML = "";
  inp.innerHTML = "";
  $("rf-caption").textContent = "";
  view = null;
  if (!report || $("rf-layer").value === "") return;
  const index = Number($("rf-layer").value);
  const layer = report.layers[index];
  const n = layer.rf.size.length;
  const [oh, ow] = n === 1 ? [1, spatialDims(layer.output, 1)[0]] : spatialDims(layer.output, 2);
  const [ih, iw] = n === 1 ? [1, spatialDims(report.input, 1)[0]] : spatialDims(report.input, 2);
  const size = 340;

  // output: one cell per unit, scaled to fit; zoom and pan move the group
  let zoom = 1, panX = 0, panY = 0;
  const fit = size / Math.max(oh, ow);
  const grid = el("g", {}, out);
  const place = () => grid.setAttribute("transform", `translate(${panX} ${panY}) scale(${fit * zoom})`);
  place();
  el("rect", { x: 0, y: 0, width: ow, height: oh, fill: css("--soft") }, grid);
  const small = oh <= 64 && ow <= 64;
  if (small) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        el("rect", { class: "unit", "data-i": i, "data-j": j, x: j, y: i, width: 1, height: 1, fill: "transparent", stroke: css("--line"), "stroke-width": 1, "vector-effect": "non-scaling-stroke" }, grid);
      }
    }
  }
  const marker = el("rect", { id: "rf-unit", fill: css("--unit"), visibility: "hidden", width: 1, height: 1, "pointer-events": "none" }, grid);

  // input: pixels in their own coordinates, with room around them for the padding the field reaches
  const margin = Math.max(...layer.rf.size.map((s) => Math.min(s, 4096)), 1) / 2 + 1;
  const span = Math.max(ih, iw) + 2 * margin;
  const scale = (size - 40) / span;
  const left = 34, top = 6;
  const world = el("g", { transform: `translate(${left + margin * scale} ${top + margin * scale}) scale(${scale})` }, inp);
  el("rect", { x: -margin, y: n === 1 ? -0.5 : -margin, width: iw + 2 * margin, height: n === 1 ? 2 : ih + 2 * margin, fill: css("--padding") }, world);
  el("rect", { id: "rf-image", x: 0, y: 0, width: iw, height: ih, fill: css("--image") }, world);
  if (picture) el("image", { id: "rf-picture", href: picture, x: 0, y: 0, width: iw, height: ih, preserveAspectRatio: "none", opacity: 0.85 }, world);
  const box = el("rect", { id: "rf-box", fill: "none", stroke: css("--field"), "stroke-dasharray": "5 3", "stroke-width": 2, "vector-effect": "non-scaling-stroke", visibility: "hidden" }, world);
  const inside = el("rect", { id: "rf-box-inside", fill: css("--inside"), stroke: css("--field"), "stroke-width": 1.5, "vector-effect": "non-scaling-stroke", visibility: "hidden" }, world);
  // axes in pixel coordinates: 0, the middle and the last pixel
  const tick = (v, horizontal) => {
    const p = (v + 0.5) * scale + margin * scale;
    if (horizontal) el("text", { x: left + p, y: size - 8, "font-size": 10, "text-anchor": "middle", fill: css("--muted") }, inp).textContent = String(v);
    else el("text", { x: left - 4, y: top + p + 3, "font-size": 10, "text-anchor": "end", fill: css("--muted") }, inp).textContent = String(v);
  };
  for (const v of [...new Set([0, Math.floor((iw - 1) / 2), iw - 1])]) tick(v, true);
  if (n > 1) for (const v of [...new Set([0, Math.floor((ih - 1) / 2), ih - 1])]) tick(v, false);

  let pending = null;
  const hover = async (i, j) => {
    if (i < 0 || j < 0 || i >= oh || j >= ow) return;
    for (const [k, v] of Object.entries({ x: j, y: i, visibility: "visible", "data-i": i, "data-j": j })) marker.setAttribute(k, v);
    state.set("unit", `${i},${j}`);
    saveState();
    pending?.abort();
    const request = (pending = new AbortController());
    let d;
    try {
      d = await api("/api/region", { id: report.id, layer: index, unit: n === 1 ? [j] : [i, j] }, false, request.signal);
    } catch (e) {
      if (!isCancelled(e)) $("rf-caption").textContent = e.message;
      return;
    }
    if (request !== pending) return;
    const axes = Object.values(d.axes); // by name, in order: H, W (as net --unit --json)
    const x = axes[n - 1], y = n === 1 ? { first: 0, last: 0, inside: [0, 0], exact: "[0, 0]" } : axes[0];
    for (const [k, v] of Object.entries({ x: x.first, y: y.first, width: x.last - x.first + 1, height: y.last - y.first + 1, visibility: "visible" })) box.setAttribute(k, v);
    if (x.inside && y.inside) {
      for (const [k, v] of Object.entries({ x: x.inside[0], y: y.inside[0], width: x.inside[1] - x.inside[0] + 1, height: y.inside[1] - y.inside[0] + 1, visibility: "visible" })) inside.setAttribute(k, v);
    } else inside.setAttribute("visibility", "hidden");
    const part = (a) => (a.inside ? `${a.exact}, inside the image [${a.inside[0]}, ${a.inside[1]}]` : `${a.exact}, all in the padding`);
    $("rf-caption").textContent = `unit (${n === 1 ? j : i + ", " + j}) of '${layer.name}' sees ${n === 1 ? "" : `rows ${part(y)}; `}columns ${part(x)}`;
  };

  // the unit under the pointer, from the pointer's position (any grid size, zoomed or not)
  const unitAt = (event) => {
    const r = out.getBoundingClientRect();
    const sx = ((event.clientX - r.left) / r.width) * size, sy = ((event.clientY - r.top) / r.height) * size;
    return [Math.floor((sy - panY) / (fit * zoom)), Math.floor((sx - panX) / (fit * zoom))];
  };
  let drag = null, last = "";
  out.onpointermove = (e) => {
    if (drag) {
      const r = out.getBoundingClientRect();
      panX = drag.panX + ((e.clientX - drag.x) / r.width) * size;
      panY = drag.panY + ((e.clientY - drag.y) / r.height) * size;
      place();
      return;
    }
    const [i, j] = unitAt(e);
    if (`${i},${j}` !== last) {
      last = `${i},${j}`;
      hover(i, j);
    }
  };
  out.onpointerdown = (e) => { if (zoom > 1) { drag = { x: e.clientX, y: e.clientY, panX, panY }; out.setPointerCapture(e.pointerId); } };
  out.onpointerup = () => { drag = null; };
  const zoomBy = (factor, cx = size / 2, cy = size / 2) => {
    const next = Math.min(Math.max(zoom * factor, 1), Math.max(oh, ow));
    panX = cx - ((cx - panX) * next) / zoom;
    panY = cy - ((cy - panY) * next) / zoom;
    zoom = next;
    if (zoom === 1) { panX = 0; panY = 0; }
    place();
  };
  out.onwheel = (e) => {
    e.preventDefault();
    const r = out.getBoundingClientRect();
    zoomBy(e.deltaY < 0 ? 1.25 : 0.8, ((e.clientX - r.left) / r.width) * size, ((e.clientY - r.top) / r.height) * size);
  };
  $("rf-zoom-in").onclick = () => zoomBy(1.5);
  $("rf-zoom-out").onclick = () => zoomBy(1 / 1.5);
  $("rf-zoom-reset").onclick = () => zoomBy(1 / zoom);
  out.dataset.zoom = "1";
  const observer = new MutationObserver(() => { out.dataset.zoom = String(zoom); });
  observer.observe(grid, { attributes: true });
  view = { hover, layer: index, small };
}

// a picture under the input grid, stretched to the input's size (dropped on the input, or chosen)
function usePicture(file) {
  if (!file || !file.type.startsWith("image/")) return;
  const reader = new FileReader();
  reader.onload = () => { picture = reader.result; drawField(); };
  reader.readAsDataURL(file);
}
$("rf-picture-file").addEventListener("change", () => usePicture($("rf-picture-file").files[0]));
$("rf-input").addEventListener("dragover", (e) => e.preventDefault());
$("rf-input").addEventListener("drop", (e) => { e.preventDefault(); usePicture(e.dataTransfer.files[0]); });

// the field's growth across the layers: size on the left axis, jump on its own axis on the right (it is usually far
// smaller), labelled by layer; the selected layer marked; a click on a point picks its layer
function drawPlot() {
  const svg = $("rf-plot");
  svg.innerHTML = "";
  if (!report) return;
  const points = report.layers.map((l, i) => (l.rf && !l.rf.global ? { i, size: l.rf.size[l.rf.size.length - 1], jump: l.rf.jump[l.rf.jump.length - 1] } : null)).filter(Boolean);
  if (!points.length) return;
  const width = Math.max(660, report.layers.length * 14 + 110);
  svg.setAttribute("width", width);
  const left = 56, right = 52, top = 18, h = 170, w = width - left - right;
  const maxSize = Math.max(...points.map((p) => p.size), 1);
  const maxJump = Math.max(...points.map((p) => p.jump), 1);
  const maxX = Math.max(report.layers.length - 1, 1);
  const px = (i) => left + (i / maxX) * w;
  const pySize = (v) => top + h - (v / maxSize) * h, pyJump = (v) => top + h - (v / maxJump) * h;
  const ink = css("--muted"), sizeInk = css("--field"), jumpInk = css("--unit");
  el("line", { x1: left, y1: top + h, x2: left + w, y2: top + h, stroke: ink }, svg);
  el("line", { x1: left, y1: top, x2: left, y2: top + h, stroke: sizeInk }, svg);
  el("line", { x1: left + w, y1: top, x2: left + w, y2: top + h, stroke: jumpInk }, svg);
  const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  for (const v of [0, maxSize / 2, maxSize]) {
    el("line", { x1: left - 4, y1: pySize(v), x2: left, y2: pySize(v), stroke: sizeInk }, svg);
    el("text", { x: left - 6, y: pySize(v) + 3, "font-size": 10, "text-anchor": "end", fill: sizeInk }, svg).textContent = fmt(v);
  }
  for (const v of [0, maxJump / 2, maxJump]) {
    el("line", { x1: left + w, y1: pyJump(v), x2: left + w + 4, y2: pyJump(v), stroke: jumpInk }, svg);
    el("text", { x: left + w + 6, y: pyJump(v) + 3, "font-size": 10, "text-anchor": "start", fill: jumpInk }, svg).textContent = fmt(v);
  }
  const selected = Number(state.get("sel") ?? -1);
  if (selected >= 0 && selected < report.layers.length) {
    el("line", { id: "plot-selected", x1: px(selected), y1: top - 6, x2: px(selected), y2: top + h, stroke: css("--text"), "stroke-dasharray": "3 3", "data-index": selected }, svg);
  }
  const every = Math.max(1, Math.ceil(report.layers.length / (w / 14)));
  report.layers.forEach((l, i) => {
    el("line", { x1: px(i), y1: top + h, x2: px(i), y2: top + h + 3, stroke: ink }, svg);
    if (i % every === 0 || i === selected) {
      const label = el("text", { x: px(i), y: top + h + 8, "font-size": 9, fill: i === selected ? css("--text") : ink, "font-weight": i === selected ? 700 : 400, transform: `rotate(45 ${px(i)} ${top + h + 8})`, class: "tick" }, svg);
      label.textContent = l.name.length > 14 ? l.name.slice(0, 13) + "…" : l.name;
    }
  });
  el("polyline", { id: "plot-size", points: points.map((p) => `${px(p.i)},${pySize(p.size)}`).join(" "), fill: "none", stroke: sizeInk, "stroke-width": 2 }, svg);
  el("polyline", { id: "plot-jump", points: points.map((p) => `${px(p.i)},${pyJump(p.jump)}`).join(" "), fill: "none", stroke: jumpInk, "stroke-width": 2, "stroke-dasharray": "6 3" }, svg);
  for (const p of points) {
    const on = p.i === selected;
    const dot = el("circle", { cx: px(p.i), cy: pySize(p.size), r: on ? 6 : 3.5, fill: sizeInk, stroke: on ? css("--text") : "none", "stroke-width": 2, class: "point" + (on ? " selected" : ""), "data-index": p.i }, svg);
    dot.style.cursor = "pointer";
    el("title", {}, dot).textContent = `${report.layers[p.i].name}: field ${p.size}, jump ${p.jump}`;
    dot.addEventListener("click", () => selectLayer(p.i, "plot"));
    if (on) el("circle", { cx: px(p.i), cy: pyJump(p.jump), r: 5, fill: jumpInk, class: "point selected-jump" }, svg);
  }
  el("text", { x: left + 8, y: top - 5, fill: sizeInk, "font-size": 11 }, svg).textContent = "field size (last axis, left scale)";
  el("text", { x: left + w - 8, y: top - 5, fill: jumpInk, "font-size": 11, "text-anchor": "end" }, svg).textContent = "jump (right scale)";
}

// ---- padding solver
const padSignal = superseding();
async function updatePad() {
  const body = {};
  for (const k of ["input", "output", "kernel", "stride", "dilation"]) {
    body[k] = Number($("pad-" + k).value);
    state.set("pad-" + k, $("pad-" + k).value);
  }
  body.transposed = $("pad-transposed").checked;
  if (body.transposed) state.set("pad-transposed", "1"); else state.delete("pad-transposed");
  saveState();
  const out = $("pad-result");
  try {
    const d = await api("/api/pad", body, false, padSignal());
    out.classList.remove("error");
    const answer = body.transposed
      ? `padding=${d.padding}, output_padding=${d.output_padding}`
      : `symmetric: ${d.symmetric === null ? "none (no even total fits)" : "padding=" + d.symmetric}\nasymmetric: before ${d.before}, after ${d.after}`;
    // the answer, then what `cnnshape pad` prints: the arithmetic and how each framework writes it
    out.innerHTML = `<div class="answer">${escapeHtml(answer)}</div><div class="worked">${escapeHtml(d.text)}</div>`;
  } catch (e) {
    if (isCancelled(e)) return;
    out.classList.add("error");
    out.textContent = e.message;
  }
}
for (const k of ["input", "output", "kernel", "stride", "dilation", "transposed"]) $("pad-" + k).addEventListener("input", debounce(updatePad, 120));

// ---- restore what the URL holds, then answer; a link changed in an open tab (its #…) applies too
function applyState() {
  if (state.has("layer")) $("layer-text").value = state.get("layer");
  if (state.has("input")) $("layer-input").value = state.get("input");
  $("layer-eval").checked = state.get("eval") === "1";
  for (const k of ["input", "output", "kernel", "stride", "dilation"]) if (state.has("pad-" + k)) $("pad-" + k).value = state.get("pad-" + k);
  $("pad-transposed").checked = state.get("pad-transposed") === "1";
  if (state.has("text")) { netText.value = state.get("text"); gutter(); }
  $("net-format").value = state.get("format") || "auto";
  $("net-input").value = state.get("netinput") || "";
  $("net-class").value = state.get("class") || "";
  $("net-args").value = state.get("args") || "";
  $("net-eval").checked = state.get("neval") === "1";
  showPythonFields();
  selectTab(state.get("tab") || "layer");
  updateLayer();
  updatePad();
  if (state.has("text")) $("net-run").click();
}
window.addEventListener("hashchange", () => {
  const next = new URLSearchParams(location.hash.slice(1));
  for (const k of [...state.keys()]) state.delete(k);
  for (const [k, v] of next) state.set(k, v);
  applyState();
});
clearViews();
applyState();
