"use strict";
// cnnshape page: every answer comes from the JSON API (the same engine as the CLI).

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

function parseShape(text) {
  const t = text.trim();
  if (!t) return null;
  return t.replace(/^[\[(]|[\])]$/g, "").split(/[x×,X]/).map((s) => Number(s.trim()));
}

// ---- tabs
for (const button of document.querySelectorAll("nav button")) {
  button.addEventListener("click", () => {
    for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b === button);
    for (const s of document.querySelectorAll(".tab")) s.classList.toggle("active", s.id === "tab-" + button.dataset.tab);
  });
}

// ---- layer calculator
const layerResult = $("layer-result");
const layerSignal = superseding();
async function updateLayer() {
  const input = parseShape($("layer-input").value);
  try {
    if (!input || input.some((d) => !Number.isInteger(d))) throw new Error("write the input shape like 1x3x224x224");
    const d = await api("/api/layer", { layer: $("layer-text").value, input }, false, layerSignal());
    const steps = d.steps.map((s) => `  ${s.axis}: ${s.formula}`).join("\n");
    layerResult.classList.remove("error");
    layerResult.dataset.output = JSON.stringify(d.output);
    layerResult.textContent = `output  [${d.output.join(", ")}]\n${steps}${steps ? "\n" : ""}params  ${d.params.toLocaleString("en")}    MACs  ${d.macs.toLocaleString("en")}`;
  } catch (e) {
    if (isCancelled(e)) return;
    layerResult.classList.add("error");
    layerResult.dataset.output = "";
    layerResult.textContent = e.message;
  }
}
const updateLayerSoon = debounce(updateLayer, 120);
$("layer-text").addEventListener("input", updateLayerSoon);
$("layer-input").addEventListener("input", updateLayerSoon);
updateLayer();

// ---- network analyser
let report = null;
const netText = $("net-text");
function gutter(bad) {
  const lines = netText.value.split("\n").length;
  $("net-gutter").innerHTML = Array.from({ length: lines }, (_, i) => (i + 1 === bad ? `<span class="bad">${i + 1}</span>` : `${i + 1}`)).join("\n");
}
netText.addEventListener("input", () => gutter());
netText.addEventListener("scroll", () => { $("net-gutter").scrollTop = netText.scrollTop; });
gutter();

function showError(message, place) {
  $("net-error").textContent = message;
  const line = place && Number.isInteger(place.line) && !place.file?.endsWith(".onnx") ? place.line : undefined;
  gutter(line);
  if (line) {
    const lines = netText.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    netText.setSelectionRange(start, start + (lines[line - 1] || "").length);
  }
}

function fieldText(rf) {
  if (rf === null) return ["—", "", ""];
  if (rf.global) return ["global", "", ""];
  const j = (a) => a.map((v) => (Number.isInteger(v) ? v : v.toFixed(3))).join(" × ");
  return [j(rf.size), j(rf.jump), j(rf.start)];
}

function renderReport(d) {
  report = d;
  $("net-error").textContent = "";
  gutter();
  const total = d.totals;
  $("net-summary").textContent = `input [${d.input.join(", ")}] → output [${d.output.join(", ")}]; ${d.layers.length} layers, ${total.params.toLocaleString("en")} params, ${total.macs.toLocaleString("en")} MACs`;
  const rows = d.layers.map((l) => {
    const [size, jump, start] = fieldText(l.rf);
    return `<tr><td>${escapeHtml(l.name)}</td><td>${escapeHtml(l.type)}</td><td>[${l.output.join(", ")}]</td><td class="num">${l.params.toLocaleString("en")}</td><td class="num">${l.macs.toLocaleString("en")}</td><td>${size}</td><td>${jump}</td><td>${start}</td></tr>`;
  });
  $("net-table").innerHTML = `<table id="net-layers"><thead><tr><th>name</th><th>type</th><th>output</th><th>params</th><th>MACs</th><th>RF size</th><th>jump</th><th>start</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  const select = $("rf-layer");
  select.innerHTML = "";
  d.layers.forEach((l, i) => {
    if (l.rf && !l.rf.global && l.rf.size.length >= 1) select.add(new Option(`${l.name} (${l.type})`, String(i)));
  });
  if (select.options.length) select.selectedIndex = select.options.length - 1;
  drawField();
  drawPlot();
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// ---- diagnosis: the cause and the checked fixes; a fix button applies its edits to the text and runs again
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

function renderDiagnosis(d) {
  const box = $("net-fixes");
  box.innerHTML = "";
  const cause = document.createElement("p");
  cause.className = "cause";
  cause.textContent = d.cause;
  box.appendChild(cause);
  d.fixes.forEach((fix, i) => {
    const button = document.createElement("button");
    button.className = "fix";
    button.dataset.index = String(i);
    button.textContent = `Fix ${i + 1}: ${fix.why} → [${fix.output.join(", ")}]`;
    button.addEventListener("click", () => {
      netText.value = applyEdits(netText.value, fix.edits);
      if (fix.input) $("net-input").value = fix.input.join("x");
      gutter();
      $("net-run").click();
    });
    box.appendChild(button);
  });
  const rows = d.layers.map((l) => `<tr><td>${escapeHtml(l.name)}</td><td>${escapeHtml(l.type)}</td><td>[${l.output.join(", ")}]</td></tr>`);
  rows.push(`<tr class="failing"><td>${escapeHtml(d.at.layer)}</td><td>✗ refused</td><td>line ${d.at.line ?? "?"}</td></tr>`);
  $("net-table").innerHTML = `<table id="net-layers"><thead><tr><th>name</th><th>type</th><th>output</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const netSignal = superseding();
$("net-run").addEventListener("click", async () => {
  $("net-fixes").innerHTML = "";
  try {
    const file = $("net-onnx").files[0];
    const input = $("net-input").value.trim();
    let d;
    if (file) {
      d = await api("/api/onnx" + (input ? "?input=" + encodeURIComponent(input) : ""), await file.arrayBuffer(), true, netSignal());
    } else {
      const cls = $("net-class").value.trim(), args = $("net-args").value.trim();
      d = await api("/api/net", { text: netText.value, format: $("net-format").value, input: input || null, class: cls || null, args: args || null }, false, netSignal());
    }
    renderReport(d);
  } catch (e) {
    if (isCancelled(e)) return;
    report = null;
    $("net-table").innerHTML = "";
    $("net-summary").textContent = "";
    $("rf-output").innerHTML = "";
    $("rf-input").innerHTML = "";
    $("rf-plot").innerHTML = "";
    $("rf-caption").textContent = "";
    showError(e.message, e.place?.at ? { line: e.place.at.line } : e.place);
    if (e.place?.fixes) renderDiagnosis(e.place);
  }
});

// ---- receptive-field picture: the input grid with the field of the hovered output unit
function el(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function spatialDims(shape, n) { return shape.slice(shape.length - n); }

function drawField() {
  const out = $("rf-output"), inp = $("rf-input");
  out.innerHTML = "";
  inp.innerHTML = "";
  $("rf-caption").textContent = "";
  if (!report || !$("rf-layer").value) return;
  const layer = report.layers[Number($("rf-layer").value)];
  const n = layer.rf.size.length;
  const [oh, ow] = n === 1 ? [1, spatialDims(layer.output, 1)[0]] : spatialDims(layer.output, 2);
  const [ih, iw] = n === 1 ? [1, spatialDims(report.input, 1)[0]] : spatialDims(report.input, 2);
  const axis = (k) => (n === 1 ? { size: 1, jump: 1, start: 0 } : { size: layer.rf.size[n - 2 + k], jump: layer.rf.jump[n - 2 + k], start: layer.rf.start[n - 2 + k] });
  const [ay, ax] = n === 1 ? [{ size: 1, jump: 1, start: 0 }, { size: layer.rf.size[0], jump: layer.rf.jump[0], start: layer.rf.start[0] }] : [axis(0), axis(1)];
  const cell = 300 / Math.max(oh, ow);
  el("rect", { x: 0, y: 0, width: ow * cell, height: oh * cell, fill: "#eef1f6" }, out);
  // the input drawn in its own coordinates; the view grows to show padding the field reaches
  const margin = Math.max(ax.size, ay.size);
  inp.setAttribute("viewBox", `${-margin} ${-margin} ${iw + 2 * margin} ${ih + 2 * margin}`);
  el("rect", { x: -margin, y: -margin, width: iw + 2 * margin, height: ih + 2 * margin, fill: "#fafafa" }, inp);
  el("rect", { id: "rf-image", x: 0, y: 0, width: iw, height: ih, fill: "#dde3ec" }, inp);
  const box = el("rect", { id: "rf-box", fill: "none", stroke: "#a4161a", "stroke-dasharray": "0.6 0.4", "stroke-width": Math.max(0.15, margin / 60), visibility: "hidden" }, inp);
  const inside = el("rect", { id: "rf-box-inside", fill: "rgba(164,22,26,0.35)", stroke: "none", visibility: "hidden" }, inp);
  const marker = el("rect", { id: "rf-unit", fill: "#a4161a", visibility: "hidden", width: cell, height: cell }, out);
  // the region comes from the server (ReceptiveFields.Region, the one function the table and the tests use)
  let pending = null;
  const index = Number($("rf-layer").value);
  const hover = async (i, j) => {
    for (const [k, v] of Object.entries({ x: j * cell, y: i * cell, visibility: "visible" })) marker.setAttribute(k, v);
    pending?.abort();
    const request = (pending = new AbortController());
    let d;
    try {
      d = await api("/api/region", { id: report.id, layer: index, unit: n === 1 ? [j] : [i, j] }, false, request.signal);
    } catch (e) {
      if (e.name !== "AbortError") $("rf-caption").textContent = e.message;
      return;
    }
    if (request !== pending) return;
    const x = d.axes[n - 1], y = n === 1 ? { first: 0, last: 0, inside: [0, 0], exact: "[0, 0]" } : d.axes[0];
    for (const [k, v] of Object.entries({ x: x.first, y: y.first, width: x.last - x.first + 1, height: y.last - y.first + 1, visibility: "visible" })) box.setAttribute(k, v);
    if (x.inside && y.inside) {
      for (const [k, v] of Object.entries({ x: x.inside[0], y: y.inside[0], width: x.inside[1] - x.inside[0] + 1, height: y.inside[1] - y.inside[0] + 1, visibility: "visible" })) inside.setAttribute(k, v);
    } else inside.setAttribute("visibility", "hidden");
    const part = (a) => (a.inside ? `${a.exact}, inside the image [${a.inside[0]}, ${a.inside[1]}]` : `${a.exact}, all in the padding`);
    $("rf-caption").textContent = `unit (${n === 1 ? j : i + ", " + j}) sees ${n === 1 ? "" : `rows ${part(y)}; `}columns ${part(x)}`;
  };
  for (let i = 0; i < oh && i < 64; i++) {
    for (let j = 0; j < ow && j < 64; j++) {
      const r = el("rect", { class: "unit", "data-i": i, "data-j": j, x: j * cell, y: i * cell, width: cell, height: cell, fill: "transparent", stroke: "#c5ccd8", "stroke-width": 0.5 }, out);
      r.addEventListener("mouseenter", () => hover(i, j));
    }
  }
}
$("rf-layer").addEventListener("change", drawField);

function drawPlot() {
  const svg = $("rf-plot");
  svg.innerHTML = "";
  if (!report) return;
  const points = report.layers.map((l, i) => (l.rf && !l.rf.global ? { i, size: l.rf.size[l.rf.size.length - 1], jump: l.rf.jump[l.rf.jump.length - 1] } : null)).filter(Boolean);
  if (!points.length) return;
  const w = 620, h = 180, left = 36, top = 10;
  const maxY = Math.max(...points.map((p) => Math.max(p.size, p.jump)), 1);
  const maxX = Math.max(report.layers.length - 1, 1);
  const px = (i) => left + (i / maxX) * w, py = (v) => top + h - (v / maxY) * h;
  el("line", { x1: left, y1: top + h, x2: left + w, y2: top + h, stroke: "#8893a8" }, svg);
  el("text", { x: 2, y: top + 10, "font-size": 10 }, svg).textContent = String(maxY);
  el("polyline", { id: "plot-size", points: points.map((p) => `${px(p.i)},${py(p.size)}`).join(" "), fill: "none", stroke: "#a4161a", "stroke-width": 2 }, svg);
  el("polyline", { id: "plot-jump", points: points.map((p) => `${px(p.i)},${py(p.jump)}`).join(" "), fill: "none", stroke: "#1f6feb", "stroke-width": 2 }, svg);
  el("text", { x: left + 8, y: top + 12, fill: "#a4161a", "font-size": 11 }, svg).textContent = "field size (last axis)";
  el("text", { x: left + 150, y: top + 12, fill: "#1f6feb", "font-size": 11 }, svg).textContent = "jump";
}

// ---- padding solver
const padSignal = superseding();
async function updatePad() {
  const body = {};
  for (const k of ["input", "output", "kernel", "stride", "dilation"]) body[k] = Number($("pad-" + k).value);
  body.transposed = $("pad-transposed").checked;
  const out = $("pad-result");
  try {
    const d = await api("/api/pad", body, false, padSignal());
    out.classList.remove("error");
    out.textContent = body.transposed
      ? `padding=${d.padding}, output_padding=${d.output_padding}`
      : `symmetric: ${d.symmetric === null ? "none (no even total fits)" : "padding=" + d.symmetric}\nsmallest total ${d.total_min} (every total up to ${d.total_max} gives the same output)\nasymmetric: before ${d.before}, after ${d.after}`;
  } catch (e) {
    if (isCancelled(e)) return;
    out.classList.add("error");
    out.textContent = e.message;
  }
}
for (const k of ["input", "output", "kernel", "stride", "dilation", "transposed"]) $("pad-" + k).addEventListener("input", debounce(updatePad, 120));
updatePad();
