// scenepal gallery: slideshow, overview and the turnable pixel cloud.
// Everything comes from the JSON document above; nothing is fetched, and
// text from the data is only ever set as text (never parsed as HTML).
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("gallery-data").textContent);
  const stills = data.stills;
  const $ = (id) => document.getElementById(id);

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children || []) node.append(child);
    return node;
  }

  function rgbOf(hex) {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function toHex(rgb) {
    return "#" + rgb.map((v) => v.toString(16).padStart(2, "0")).join("");
  }

  // Black or white, whichever contrasts more (WCAG), as on the swatch cards.
  function labelColour(rgb) {
    const lin = (v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    const l = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
    return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
  }

  let copiedTimer = 0;
  function copy(hex) {
    const done = () => {
      const note = $("copied");
      note.textContent = hex + " copied";
      note.hidden = false;
      clearTimeout(copiedTimer);
      copiedTimer = setTimeout(() => (note.hidden = true), 1500);
    };
    const fallback = () => {
      const area = el("textarea", { value: hex });
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(hex).then(done, fallback);
    } else {
      fallback();
    }
  }

  const shareText = (share) => (share * 100).toFixed(1) + "%";

  // A palette bar: one cell per colour, as wide as its share, each labelled
  // where its label fits. The legend rule (as on the swatch pictures): when
  // a cell is too narrow for its label, `legend` (the list under the bar)
  // shows every colour's chip, hex code and share; no code goes missing at
  // any width. Measured in the page, so it holds for any font and window.
  function fillBar(bar, legend, palette) {
    bar.replaceChildren();
    for (const [hex, share] of palette) {
      const cell = el("button", { type: "button", className: "cell", title: hex + " (click to copy)" });
      cell.style.background = hex;
      cell.style.color = labelColour(rgbOf(hex));
      cell.style.width = (share * 100).toFixed(4) + "%";
      cell.dataset.hex = hex;
      if (legend) cell.append(el("span", { className: "label" }, [hex, el("small", { textContent: shareText(share) })]));
      cell.setAttribute("aria-label", hex + ", " + (share * 100).toFixed(1) + " percent");
      cell.addEventListener("click", () => copy(hex));
      bar.append(cell);
    }
    if (!legend) return;
    let complete = bar.clientWidth > 0;
    for (const cell of bar.children) {
      const label = cell.firstChild;
      // A label spilling over its neighbours would read as theirs.
      if (label.getBoundingClientRect().width + 6 > cell.getBoundingClientRect().width) {
        label.remove();
        complete = false;
      }
    }
    legend.replaceChildren();
    legend.hidden = complete;
    if (complete) return;
    for (const [hex, share] of palette) {
      const key = el("button", { type: "button", className: "key", title: hex + " (click to copy)" });
      const chip = el("span", { className: "chip" });
      chip.style.background = hex;
      key.append(chip, el("span", { className: "hex", textContent: hex }), el("small", { textContent: shareText(share) }));
      key.dataset.hex = hex;
      key.addEventListener("click", () => copy(hex));
      legend.append(el("li", {}, [key]));
    }
  }

  function decodeSample(text) {
    const bytes = atob(text || "");
    const points = [];
    for (let i = 0; i + 2 < bytes.length; i += 3) {
      points.push([bytes.charCodeAt(i), bytes.charCodeAt(i + 1), bytes.charCodeAt(i + 2)]);
    }
    return points;
  }

  // ---- the pixel cloud -------------------------------------------------
  // Colours are placed by their grey part (up: black at the bottom, white at
  // the top) and their chromatic part (the plane across the grey axis), so
  // the default view stands the grey axis upright and turns about it.
  const canvas = $("cloud");
  const ctx = canvas.getContext("2d");
  const BACKDROP = "#5b5e66";
  const tip = $("tip");
  const R3 = Math.sqrt(3), R6 = Math.sqrt(6), R2 = Math.sqrt(2);
  // (a, b, h): two chromatic axes and the grey one, from the cube's centre.
  function coords(rgb) {
    const r = rgb[0] - 127.5, g = rgb[1] - 127.5, b = rgb[2] - 127.5;
    return [(2 * r - g - b) / R6, (g - b) / R2, (r + g + b) / R3];
  }
  // The default view's tilt: a little from above, so the cube reads as one
  // (a tilt about the screen's horizontal keeps the grey axis vertical).
  const PITCH = 0.3;
  const view = { yaw: 0, pitch: PITCH, zoom: 1 };
  // The turning point and scale that fit the still's cloud to the canvas.
  let fit = { centre: [0, 0, 0], scale: 1, yaw: 0 };
  let cloud = { points: [], palette: [] };
  let projected = [];

  // Screen x, screen up and depth (larger is nearer) of (a, b, h) offsets.
  function turn(v, yaw, pitch) {
    const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
    const x = v[0] * cy + v[1] * sy, z = -v[0] * sy + v[1] * cy;
    return [x, v[2] * cp - z * sp, v[2] * sp + z * cp];
  }

  function project(rgb) {
    const c = coords(rgb);
    const t = turn([c[0] - fit.centre[0], c[1] - fit.centre[1], c[2] - fit.centre[2]], view.yaw, view.pitch);
    const scale = fit.scale * view.zoom;
    return [canvas.width / 2 + t[0] * scale, canvas.height / 2 - t[1] * scale, t[2]];
  }

  // The default view of a cloud: turned about the grey axis so the widest
  // chromatic spread (the principal axis of the pixels' chromatic parts)
  // runs across the screen, centred on the cloud and zoomed to its extent.
  function fitView(points) {
    const c = points.map(coords);
    let yaw = 0;
    if (c.length) {
      let ma = 0, mb = 0;
      for (const p of c) { ma += p[0]; mb += p[1]; }
      ma /= c.length; mb /= c.length;
      let saa = 0, sbb = 0, sab = 0;
      for (const p of c) {
        const da = p[0] - ma, db = p[1] - mb;
        saa += da * da; sbb += db * db; sab += da * db;
      }
      yaw = 0.5 * Math.atan2(2 * sab, saa - sbb);
    }
    let x0 = Infinity, x1 = -Infinity, u0 = Infinity, u1 = -Infinity;
    for (const p of c) {
      const t = turn(p, yaw, PITCH);
      x0 = Math.min(x0, t[0]); x1 = Math.max(x1, t[0]);
      u0 = Math.min(u0, t[1]); u1 = Math.max(u1, t[1]);
    }
    if (!c.length) x0 = x1 = u0 = u1 = 0;
    // The point that projects to the middle of the cloud's extent: the
    // screen's x and up axes, in (a, b, h), are orthonormal.
    const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(PITCH), sp = Math.sin(PITCH);
    const xm = (x0 + x1) / 2, um = (u0 + u1) / 2;
    const centre = [xm * cy + um * sy * sp, xm * sy - um * cy * sp, um * cp];
    // At least a tenth of the cube across, so one flat colour is not blown up.
    const w = Math.max(x1 - x0, 44), h = Math.max(u1 - u0, 44);
    const scale = Math.min((0.86 * canvas.width) / w, (0.86 * canvas.height) / h);
    return { centre, scale, yaw };
  }

  function resetView() {
    view.yaw = fit.yaw;
    view.pitch = PITCH;
    view.zoom = 1;
    draw();
  }

  function line(a, b, colour, width) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }

  // A label centred on p, kept inside the canvas.
  function label(text, p, colour) {
    const w = ctx.measureText(text).width;
    ctx.fillStyle = colour;
    const x = Math.max(4, Math.min(canvas.width - w - 4, p[0] - w / 2));
    ctx.fillText(text, x, Math.max(16, Math.min(canvas.height - 6, p[1] + 5)));
  }

  function draw() {
    // A mid-grey backdrop: black and white pixels both stand out from it,
    // and every dot has a thin edge against it.
    ctx.fillStyle = BACKDROP;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // The cube's edges, the grey axis, and the three axes from black.
    const corners = [];
    for (let i = 0; i < 8; i++) corners.push([i & 1 ? 255 : 0, i & 2 ? 255 : 0, i & 4 ? 255 : 0]);
    const p = corners.map(project);
    for (let i = 0; i < 8; i++) {
      for (const bit of [1, 2, 4]) {
        const j = i | bit;
        if (j === i) continue;
        line(p[i], p[j], i === 0 ? ["", "#ff6b6b", "#5fd46f", "", "#7d98ff"][bit] : "#ffffff30", i === 0 ? 1.5 : 1);
      }
    }
    ctx.setLineDash([4, 4]);
    line(p[0], p[7], "#ffffff80", 1);
    ctx.setLineDash([]);
    ctx.font = "bold 15px system-ui, sans-serif";
    for (const [name, rgb, colour] of [["R", [285, 0, 0], "#ff6b6b"], ["G", [0, 285, 0], "#5fd46f"], ["B", [0, 0, 285], "#7d98ff"]]) {
      label(name, project(rgb), colour);
    }
    ctx.font = "13px system-ui, sans-serif";
    label("black", project([-14, -14, -14]), "#fff");
    label("white", project([269, 269, 269]), "#fff");
    projected = cloud.points.map((rgb) => {
      const q = project(rgb);
      return { x: q[0], y: q[1], z: q[2], rgb, r: 1.6, palette: false };
    });
    for (const [rgb, share] of cloud.palette) {
      const q = project(rgb);
      projected.push({ x: q[0], y: q[1], z: q[2], rgb, r: 5 + 18 * Math.sqrt(share), palette: true, share });
    }
    // Far first, so nearer dots cover farther ones; palette rings on top.
    const order = projected.slice().sort((a, b) => (a.palette - b.palette) || (a.z - b.z));
    for (const q of order) {
      if (q.palette) {
        ctx.fillStyle = toHex(q.rgb);
        ctx.beginPath();
        ctx.arc(q.x, q.y, q.r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = labelColour(q.rgb);
        ctx.stroke();
      } else {
        // An edge in the contrasting colour, half a pixel wide, under the dot.
        ctx.fillStyle = labelColour(q.rgb) === "#000" ? "#0008" : "#fff8";
        ctx.fillRect(q.x - q.r - 0.5, q.y - q.r - 0.5, 2 * q.r + 1, 2 * q.r + 1);
        ctx.fillStyle = toHex(q.rgb);
        ctx.fillRect(q.x - q.r, q.y - q.r, 2 * q.r, 2 * q.r);
      }
    }
  }

  // The point under (x, y) in canvas pixels: a palette ring that contains
  // it first, else the nearest dot within reach (the nearer to the eye on a tie).
  function pick(x, y) {
    let best = null, bestD = Infinity;
    for (const p of projected) {
      const d = Math.hypot(p.x - x, p.y - y);
      if (p.palette ? d <= p.r : d <= 6) {
        const key = p.palette ? d - 1000 : d;
        if (key < bestD || (key === bestD && best && p.z > best.z)) {
          best = p;
          bestD = key;
        }
      }
    }
    return best;
  }

  function showTip(event) {
    const box = canvas.getBoundingClientRect();
    const sx = canvas.width / box.width, sy = canvas.height / box.height;
    const hit = pick((event.clientX - box.left) * sx, (event.clientY - box.top) * sy);
    if (!hit) {
      tip.hidden = true;
      return;
    }
    const [r, g, b] = hit.rgb;
    tip.textContent = "R " + r + "  G " + g + "  B " + b + "  " + toHex(hit.rgb) +
      (hit.palette ? "  palette, " + (hit.share * 100).toFixed(1) + "%" : "");
    tip.style.left = event.clientX - box.left + 12 + "px";
    tip.style.top = event.clientY - box.top + 12 + "px";
    tip.hidden = false;
  }

  let drag = null;
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointerup", () => (drag = null));
  canvas.addEventListener("pointerleave", () => (tip.hidden = true));
  canvas.addEventListener("pointermove", (e) => {
    if (drag) {
      view.yaw += (e.clientX - drag.x) * 0.01;
      view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + (e.clientY - drag.y) * 0.01));
      drag = { x: e.clientX, y: e.clientY };
      draw();
    }
    showTip(e);
  });
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    view.zoom = Math.max(0.2, Math.min(8, view.zoom * Math.exp(-e.deltaY * 0.0015)));
    draw();
  }, { passive: false });
  canvas.addEventListener("dblclick", resetView);
  $("reset-view").addEventListener("click", resetView);
  canvas.addEventListener("keydown", (e) => {
    const turn = { a: [-0.1, 0], d: [0.1, 0], w: [0, -0.1], s: [0, 0.1] }[e.key];
    if (turn) {
      view.yaw += turn[0];
      view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + turn[1]));
      draw();
    } else if (e.key === "+" || e.key === "-") {
      view.zoom = Math.max(0.2, Math.min(8, view.zoom * (e.key === "+" ? 1.2 : 1 / 1.2)));
      draw();
    } else if (e.key === "0") {
      resetView();
    }
  });

  // ---- slideshow and overview ------------------------------------------
  let current = 0;
  const dots = $("dots");
  const useStrip = stills.length > 12 && stills.some((s) => s.image);
  dots.classList.toggle("strip", useStrip);
  stills.forEach((still, i) => {
    const dot = el("button", {
      type: "button",
      className: useStrip ? "thumb" : "dot",
      title: still.name,
    });
    dot.setAttribute("role", "tab");
    dot.setAttribute("aria-label", "Still " + (i + 1) + ": " + still.name);
    if (useStrip && still.image) dot.style.backgroundImage = "url(" + JSON.stringify(still.image) + ")";
    dot.addEventListener("click", () => show(i));
    dots.append(dot);
  });

  // A film time in seconds as HH:MM:SS.mmm, as frames are named.
  function clock(seconds) {
    const ms = Math.round(seconds * 1000);
    const pad = (n, w) => String(n).padStart(w, "0");
    return pad(Math.floor(ms / 3600000), 2) + ":" + pad(Math.floor(ms / 60000) % 60, 2) + ":" +
      pad(Math.floor(ms / 1000) % 60, 2) + "." + pad(ms % 1000, 3);
  }

  function show(i) {
    if (!stills.length) return;
    current = (i + stills.length) % stills.length;
    const still = stills[current];
    const img = $("still"), error = $("still-error");
    img.hidden = !still.image;
    if (still.image) {
      img.src = still.image;
      img.alt = still.name;
    } else {
      img.removeAttribute("src");
    }
    error.hidden = !still.error;
    error.textContent = still.error ? "Could not be read: " + still.error : "";
    fillBar($("still-bar"), $("still-legend"), still.palette);
    const caption = $("caption");
    caption.replaceChildren(el("b", { textContent: still.name }));
    const parts = [];
    if (still.width) parts.push(still.width + " × " + still.height + " px");
    if (still.shot) parts.push("shot " + clock(still.shot.start) + "–" + clock(still.shot.end));
    if (still.time !== undefined) parts.push("frame at " + clock(still.time));
    parts.push(still.palette.length + (still.palette.length === 1 ? " colour" : " colours"));
    if (stills.length > 1) parts.push((current + 1) + " of " + stills.length);
    caption.append(" · " + parts.join(" · "));
    [...dots.children].forEach((d, k) => d.setAttribute("aria-selected", String(k === current)));
    const active = dots.children[current];
    if (useStrip && active && active.scrollIntoView) active.scrollIntoView({ block: "nearest", inline: "center" });
    cloud = { points: decodeSample(still.sample), palette: still.palette.map(([hex, share]) => [rgbOf(hex), share]) };
    fit = fitView(cloud.points.concat(cloud.palette.map(([rgb]) => rgb)));
    tip.hidden = true;
    resetView();
  }

  // Labels and legends are measured: again whenever the width changes.
  function refill() {
    if (stills[current]) fillBar($("still-bar"), $("still-legend"), stills[current].palette);
    if (data.merged) fillBar($("merged-bar"), $("merged-legend"), data.merged.palette);
  }
  let resized = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resized);
    resized = setTimeout(refill, 100);
  });
  $("prev").addEventListener("click", () => show(current - 1));
  $("next").addEventListener("click", () => show(current + 1));
  document.addEventListener("keydown", (e) => {
    if ($("slides").hidden || e.target === canvas) return;
    if (e.key === "ArrowLeft") show(current - 1);
    if (e.key === "ArrowRight") show(current + 1);
  });

  function mode(grid) {
    $("grid").hidden = !grid;
    $("slides").hidden = grid;
    $("show-grid").setAttribute("aria-pressed", String(grid));
    $("show-slides").setAttribute("aria-pressed", String(!grid));
    if (!grid) refill();
  }
  $("show-grid").addEventListener("click", () => mode(true));
  $("show-slides").addEventListener("click", () => mode(false));
  stills.forEach((still, i) => {
    const tile = el("button", { type: "button", className: "tile" });
    if (still.image) tile.append(el("img", { src: still.image, alt: still.name, loading: "lazy" }));
    const bar = el("div", { className: "bar" });
    fillBar(bar, null, still.palette);
    tile.append(bar, el("span", { textContent: still.name + (still.error ? " (could not be read)" : "") }));
    tile.addEventListener("click", () => {
      mode(false);
      show(i);
    });
    $("grid").append(tile);
  });

  const heading = $("merged").querySelector("h2");
  $("merged-bar").hidden = !data.merged;
  if (data.merged) {
    $("merged").hidden = false;
    heading.textContent =
      "All " + data.merged.images + " stills together (" + data.merged.weight + " weighting)";
    fillBar($("merged-bar"), $("merged-legend"), data.merged.palette);
  } else {
    heading.textContent = "Barcode: each still's mean colour, in order";
  }
  if (data.barcode) {
    $("merged").hidden = false;
    const barcode = $("barcode");
    barcode.src = data.barcode;
    barcode.hidden = false;
  }
  show(0);
  // Nothing that does nothing: one still needs no previous, next, dots or
  // overview; a page of merged histograms alone has no stills to show,
  // only the merged palette.
  if (stills.length <= 1) {
    for (const id of ["prev", "next", "dots"]) $(id).hidden = true;
    document.querySelector("header nav").hidden = true;
  }
  if (!stills.length) $("slides").hidden = true;

  // The hex codes inside `root` that a reader can see (for `#selftest`).
  function visibleHexes(root) {
    const found = new Set();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const hex = node.textContent.trim();
      if (!/^#[0-9a-f]{6}$/.test(hex)) continue;
      const owner = node.parentElement.closest(".cell, .key");
      if (!owner) continue;
      owner.scrollIntoView({ block: "center" });
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width < 1 || r.left < 0 || r.right > window.innerWidth + 0.5) continue;
      let clipped = false;
      for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflow === "visible") continue;
        const b = a.getBoundingClientRect();
        clipped ||= r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5;
      }
      const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      if (!clipped && top && owner.contains(top)) found.add(hex);
    }
    return [...found];
  }

  // `#selftest`: drive the page as a person would and write what happened
  // into the page, for a headless browser's --dump-dom to read.
  if (location.hash === "#selftest") {
    const result = { slides: stills.length, dots: dots.children.length, width: window.innerWidth };
    result.hexes = [...document.querySelectorAll("#grid .cell")].map((c) => c.dataset.hex);
    const shown = (node) => node.getClientRects().length > 0;
    result.controls = {
      prev: shown($("prev")),
      next: shown($("next")),
      dots: shown(dots),
      overview: shown($("show-grid")),
    };
    // Every still's hex codes a reader can see: laid out inside the window,
    // not clipped by its cell, and on top at its own centre.
    result.visible = stills.map((_, i) => {
      show(i);
      return visibleHexes($("slides"));
    });
    result.mergedVisible = visibleHexes($("merged"));
    // Each cloud's default view: how much of the canvas its dots span, and
    // where black and white are.
    result.clouds = stills.map((_, i) => {
      show(i);
      const xs = projected.filter((p) => !p.palette).map((p) => p.x);
      const ys = projected.filter((p) => !p.palette).map((p) => p.y);
      const span = (v, size) => (v.length ? (Math.max(...v) - Math.min(...v)) / size : 0);
      return { x: span(xs, canvas.width), y: span(ys, canvas.height), black: project([0, 0, 0]), white: project([255, 255, 255]) };
    });
    // Turned and zoomed, then reset: the first view again.
    show(0);
    const first = JSON.stringify(project([255, 0, 0]));
    for (const key of ["a", "a", "w", "+"]) canvas.dispatchEvent(new KeyboardEvent("keydown", { key }));
    const turned = JSON.stringify(project([255, 0, 0]));
    $("reset-view").click();
    result.reset = { turned: turned !== first, back: JSON.stringify(project([255, 0, 0])) === first };
    window.scrollTo(0, 0);
    const captions = [$("caption").textContent];
    $("next").click();
    captions.push($("caption").textContent);
    $("prev").click();
    captions.push($("caption").textContent);
    result.captions = captions;
    // Hover the dot farthest from every other dot, so exactly one is there.
    const dotsOnly = projected.filter((p) => !p.palette);
    let lonely = null, far = -1;
    for (const p of dotsOnly) {
      let near = Infinity;
      for (const q of projected) if (q !== p) near = Math.min(near, Math.hypot(p.x - q.x, p.y - q.y) - (q.palette ? q.r : 0));
      if (near > far) { far = near; lonely = p; }
    }
    if (lonely) {
      const box = canvas.getBoundingClientRect();
      const event = new PointerEvent("pointermove", {
        clientX: box.left + (lonely.x * box.width) / canvas.width,
        clientY: box.top + (lonely.y * box.height) / canvas.height,
        bubbles: true,
      });
      canvas.dispatchEvent(event);
      result.hovered = lonely.rgb;
      result.tip = tip.hidden ? null : tip.textContent;
    }
    result.title = document.title;
    // Written once the page's pictures have loaded (or failed to): the
    // still on show says whether its picture is there.
    const report = () => {
      result.stillLoaded = $("still").hidden ? null : $("still").naturalWidth > 0;
      document.body.append(el("pre", { id: "selftest-result", textContent: JSON.stringify(result) }));
    };
    if (document.readyState === "complete") report();
    else window.addEventListener("load", report);
  }
})();
