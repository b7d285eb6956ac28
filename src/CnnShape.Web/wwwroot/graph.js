"use strict";
// cnnshape's graph view and module tree: the rows of a net answer grouped by module (as the CLI's --depth folds
// them), and the network drawn as a layered (Sugiyama) graph laid out by dagre — branches, merges and skip
// connections, each edge labelled with the shape it carries, folded modules as single nodes.

(() => {
  const SVGNS = "http://www.w3.org/2000/svg";

  // A row name's module path: dotted parts, a function's name kept whole (layer1.0.F.relu → layer1, 0, F.relu), and a
  // ModuleList's index kept with it (downs.0): such a container is never called itself. The CLI's NetTable does the same.
  function modulePath(name, modules) {
    let parts = name.replace(/#\d+$/, "").split(".");
    const f = parts.findIndex((p) => p === "F" || p === "torch" || p === "nn" || p === "functional");
    if (f >= 0) parts = [...parts.slice(0, f), parts.slice(f).join(".")];
    if (!modules || name.includes("/")) return parts;
    const path = [];
    let qualified = "";
    for (const part of parts) {
      const parent = qualified;
      qualified = qualified ? qualified + "." + part : part;
      if (path.length && (modules[parent] === "ModuleList" || modules[parent] === "ModuleDict")) path[path.length - 1] += "." + part;
      else path.push(part);
    }
    return path;
  }

  // The module tree of the rows: every module entered, as a group over the consecutive rows inside it (a module run
  // twice apart gives two groups). Returns the groups (outermost first) and, per row, the groups holding it.
  function moduleTree(rows, modules) {
    const groups = [];
    const within = rows.map(() => []);
    if (rows.some((r) => r.name.includes("/"))) return { groups, within };
    let open = [];
    rows.forEach((row, i) => {
      const path = modulePath(row.name, modules);
      let keep = 0;
      while (keep < open.length && keep < path.length - 1 && open[keep].parts[keep] === path[keep]) keep++;
      open = open.slice(0, keep);
      for (let level = keep; level < path.length - 1; level++) {
        const parts = path.slice(0, level + 1);
        const name = parts.join(".");
        const group = { key: `${name}@${i}`, name, parts, label: parts[level], type: modules?.[name] || "", level: level + 1, first: i, last: i, parent: open.length ? open[open.length - 1] : null };
        groups.push(group);
        open.push(group);
      }
      for (const g of open) g.last = i;
      within[i] = open.slice();
    });
    return { groups, within };
  }

  // The deepest level that keeps the graph readable: at most `limit` nodes when modules that deep are folded.
  function autoDepth(tree, rows, limit = 36) {
    const max = Math.max(0, ...tree.groups.map((g) => g.level));
    if (max === 0) return 0;
    // deeper only while it shows more: a module holding one module is folded at the outer one
    let best = 1, shown = visibleCount(tree, rows, foldedAt(tree, 1));
    for (let depth = 2; depth <= max + 1; depth++) {
      const n = visibleCount(tree, rows, foldedAt(tree, depth));
      if (n > limit) break;
      if (n > shown) { best = depth; shown = n; }
    }
    return best > max ? 0 : best;
  }

  // the modules folded when the tree is shown to `depth` (0: none)
  function foldedAt(tree, depth) {
    return new Set(depth === 0 ? [] : tree.groups.filter((g) => g.level >= depth).map((g) => g.key));
  }

  function visibleCount(tree, rows, folded) {
    const seen = new Set();
    rows.forEach((_, i) => seen.add(representative(tree, folded, i)));
    return seen.size;
  }

  // What shows a row: the outermost folded module holding it, or the row itself.
  function representative(tree, folded, i) {
    for (const g of tree.within[i] || []) if (folded.has(g.key)) return g.key;
    return "r" + i;
  }

  const shapeText = (dims) => (dims ? dims.join("×") : "?");
  const count = (v) => (typeof v === "number" ? v.toLocaleString("en") : String(v));

  function human(v, unit) {
    if (typeof v !== "number") return String(v);
    const steps = ["", " k", " M", " G", " T"];
    let i = 0;
    let x = v;
    while (Math.abs(x) >= 999.95 && i < steps.length - 1) { x /= 1000; i++; }
    if (i === 0) return unit ? `${v} ${unit}` : String(v);
    return unit ? `${x.toFixed(1)}${steps[i]}${unit}` : `${x.toFixed(2)}${steps[i]}`;
  }

  function fieldShort(rf) {
    if (!rf) return "";
    if (rf.global) return "RF global";
    const f = (a) => a.map((v) => (Number.isInteger(v) ? v : v.toFixed(2))).join("×");
    return `RF ${f(rf.size)}`;
  }

  // The family a layer type belongs to, for its colour (as Netron colours its nodes).
  function family(type) {
    if (/^(Lazy)?Conv|^Linear|Gemm|MatMul|Einsum/.test(type)) return "conv";
    if (/Pool|Upsampl|Interpolat|Resize|PixelShuffle|PixelUnshuffle/.test(type)) return "pool";
    if (/Norm/.test(type)) return "norm";
    if (/ReLU|GELU|SiLU|Sigmoid|Tanh|Softmax|ELU|Mish|Hardswish|Hardsigmoid|Softplus|LogSoftmax|Threshold|PReLU|Dropout/.test(type)) return "act";
    if (/^(Add|Sub|Mul|Div|Concat|Stack|Sum|Cat)/i.test(type)) return "merge";
    return "other";
  }

  function svg(tag, attrs, parent) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  const CHAR = 6.9;        // px per character of the 11.5px monospace labels
  const LINE = 15;         // px per label line

  // Lays the visible graph out and draws it into `host` (an <svg>). `view` = { report, tree, folded, selected,
  // failing: {name, fix} | null, onSelect(index), onToggle(groupKey) }. Returns { nodeOf(index) } for scrolling.
  function drawGraph(host, view) {
    const { report, tree, folded } = view;
    const rows = report.layers;
    const from = report.graph?.from || rows.map((_, i) => (i === 0 ? [-1] : [i - 1]));
    const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
    g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 30, edgesep: 14, marginx: 16, marginy: 16 });
    g.setDefaultEdgeLabel(() => ({}));

    const nodes = new Map();
    const addNode = (id, data) => {
      const lines = data.lines.map((l) => (l.length > 34 ? l.slice(0, 33) + "…" : l));
      const width = Math.max(128, Math.ceil(Math.max(...lines.map((l) => l.length)) * CHAR) + 24);
      const height = lines.length * LINE + 14;
      nodes.set(id, { ...data, lines, width, height });
      g.setNode(id, { width, height });
    };
    addNode("in", { kind: "input", lines: ["input", shapeText(report.input)], index: -1 });
    const members = new Map();
    rows.forEach((row, i) => {
      const id = representative(tree, folded, i);
      if (!members.has(id)) members.set(id, []);
      members.get(id).push(i);
    });
    const groupByKey = new Map(tree.groups.map((grp) => [grp.key, grp]));
    for (const [id, list] of members) {
      if (id.startsWith("r")) {
        const i = list[0], row = rows[i];
        const args = report.graph?.args?.[i] || "";
        const info = [count(row.params) !== "0" ? `${human(row.params)} params` : "", fieldShort(row.rf)].filter(Boolean).join(" · ");
        addNode(id, { kind: "row", index: i, type: row.type, lines: [row.type, row.name, ...(args ? [args] : []), ...(info ? [info] : [])] });
      } else {
        const grp = groupByKey.get(id);
        const last = rows[list[list.length - 1]];
        const params = list.reduce((s, i) => s + (typeof rows[i].params === "number" ? rows[i].params : 0), 0);
        addNode(id, {
          kind: "group", index: list[list.length - 1], group: grp, type: grp.type || "module",
          lines: [`${grp.type || "module"}  ⊞`, grp.name, `${list.length} rows folded`, [`${human(params)} params`, fieldShort(last.rf)].filter(Boolean).join(" · ")],
        });
      }
    }
    if (view.failing) {
      addNode("fail", { kind: "fail", index: -2, lines: ["✗ refused", view.failing.name, ...(view.failing.fix ? [view.failing.fix] : [])] });
    }

    // the expanded modules around their visible members (dagre's compound nodes): only those whose parents are expanded too
    const clusters = [];
    for (const grp of tree.groups) {
      if (folded.has(grp.key)) continue;
      let hidden = false;
      for (let p = grp.parent; p; p = p.parent) if (folded.has(p.key)) hidden = true;
      // a box around one node says nothing
      const inside = new Set();
      for (let i = grp.first; i <= grp.last; i++) inside.add(representative(tree, folded, i));
      if (hidden || inside.size < 2) continue;
      g.setNode("c:" + grp.key, { label: grp.name, paddingTop: 22 });
      clusters.push(grp);
    }
    for (const grp of clusters) if (grp.parent && clusters.includes(grp.parent)) g.setParent("c:" + grp.key, "c:" + grp.parent.key);
    for (const [id, list] of members) {
      const holder = tree.within[list[0]].filter((grp) => clusters.includes(grp)).pop();
      const node = nodes.get(id);
      if (holder && (node.kind === "row" || node.group !== holder)) g.setParent(id, "c:" + holder.key);
    }

    // edges: each row's sources, between what shows them, labelled with the shape they carry
    const edges = new Map();
    const addEdge = (u, v, dims) => {
      if (u === v) return;
      const key = u + "→" + v;
      if (edges.has(key)) return;
      const label = shapeText(dims);
      edges.set(key, { u, v, label });
      g.setEdge(u, v, { width: label.length * 6.2 + 6, height: 13, labelpos: "c" });
    };
    rows.forEach((row, i) => {
      const v = representative(tree, folded, i);
      for (const s of from[i] || []) addEdge(s < 0 ? "in" : representative(tree, folded, s), v, s < 0 ? report.input : rows[s].output);
    });
    if (view.failing) for (const s of view.failing.from || []) addEdge(s < 0 ? "in" : representative(tree, folded, s), "fail", s < 0 ? report.input : rows[s].output);

    dagre.layout(g);
    const size = g.graph();
    host.innerHTML = "";
    host.setAttribute("viewBox", `0 0 ${Math.ceil(size.width)} ${Math.ceil(size.height)}`);
    host.dataset.width = String(Math.ceil(size.width));
    host.dataset.height = String(Math.ceil(size.height));
    const defs = svg("defs", {}, host);
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }, marker);

    for (const grp of clusters) {
      const c = g.node("c:" + grp.key);
      const box = svg("g", { class: "cluster", "data-group": grp.key }, host);
      svg("rect", { x: c.x - c.width / 2, y: c.y - c.height / 2, width: c.width, height: c.height, rx: 10 }, box);
      // the module's name on the box's top edge, at its right (the edges come in at the middle), like a legend
      const title = svg("text", { x: c.x + c.width / 2 - 10, y: c.y - c.height / 2 + 4, class: "cluster-label", "text-anchor": "end" }, box);
      title.textContent = `⊟ ${grp.name}${grp.type ? "  " + grp.type : ""}`;
      title.addEventListener("click", (e) => { e.stopPropagation(); view.onToggle(grp.key); });
    }
    for (const { u, v, label } of edges.values()) {
      const e = g.edge(u, v);
      const pts = e.points;
      let d = `M ${pts[0].x} ${pts[0].y}`;
      for (let k = 1; k < pts.length - 1; k++) {
        const mx = (pts[k].x + pts[k + 1].x) / 2, my = (pts[k].y + pts[k + 1].y) / 2;
        d += ` Q ${pts[k].x} ${pts[k].y} ${mx} ${my}`;
      }
      d += ` L ${pts[pts.length - 1].x} ${pts[pts.length - 1].y}`;
      svg("path", { d, class: "edge" + (v === "fail" ? " failing" : ""), "marker-end": "url(#arrow)", "data-from": u, "data-to": v }, host);
      const t = svg("text", { x: e.x, y: e.y + 4, class: "edge-label", "text-anchor": "middle" }, host);
      t.textContent = label;
    }
    const byIndex = new Map();
    for (const [id, data] of nodes) {
      const n = g.node(id);
      const x = n.x - data.width / 2, y = n.y - data.height / 2;
      const cls = `node ${data.kind} fam-${data.kind === "row" ? family(data.type) : data.kind}` + (data.index >= 0 && data.index === view.selected ? " selected" : "");
      const box = svg("g", { class: cls, transform: `translate(${x} ${y})`, "data-id": id, "data-index": data.index, tabindex: 0, role: "button" }, host);
      svg("rect", { width: data.width, height: data.height, rx: 7 }, box);
      svg("rect", { width: 5, height: data.height, rx: 2, class: "bar" }, box);
      data.lines.forEach((line, k) => {
        const t = svg("text", { x: 13, y: 19 + k * LINE, class: k === 0 ? "title" : k === 1 ? "name" : "info" }, box);
        t.textContent = line;
      });
      const title = svg("title", {}, box);
      title.textContent = data.kind === "group" ? `${data.group.name} (${data.type}): click to select its last row, double-click or ⊞ to unfold` : data.lines.join("\n");
      if (data.kind === "row" || data.kind === "group") {
        box.addEventListener("click", (e) => {
          if (data.kind === "group" && (e.detail === 2 || e.target.textContent?.includes("⊞"))) view.onToggle(data.group.key);
          else view.onSelect(data.index);
        });
        box.addEventListener("keydown", (e) => {
          if (e.key === "Enter") view.onSelect(data.index);
          if ((e.key === "+" || e.key === "-") && data.kind === "group") view.onToggle(data.group.key);
        });
      }
      if (data.index >= 0) byIndex.set(data.index, box);
      for (const i of members.get(id) || []) byIndex.set(i, box);
    }
    return { nodeOf: (i) => byIndex.get(i), width: size.width, height: size.height };
  }

  window.CnnGraph = { modulePath, moduleTree, autoDepth, foldedAt, representative, drawGraph, human, family };
})();
