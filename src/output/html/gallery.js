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

  // A palette bar: one cell per colour, as wide as its share; a cell too
  // narrow for its label shows none (its hex is in its tooltip).
  function fillBar(bar, palette, labels) {
    bar.replaceChildren();
    const width = bar.clientWidth || 900;
    for (const [hex, share] of palette) {
      const cell = el("button", { type: "button", className: "cell", title: hex + " (click to copy)" });
      cell.style.background = hex;
      cell.style.color = labelColour(rgbOf(hex));
      cell.style.width = (share * 100).toFixed(4) + "%";
      cell.dataset.hex = hex;
      if (labels && share * width >= 64) {
        cell.append(hex, el("small", { textContent: (share * 100).toFixed(1) + "%" }));
      }
      cell.setAttribute("aria-label", hex + ", " + (share * 100).toFixed(1) + " percent");
      cell.addEventListener("click", () => copy(hex));
      bar.append(cell);
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
  const canvas = $("cloud");
  const ctx = canvas.getContext("2d");
  const tip = $("tip");
  const view = { yaw: -0.7, pitch: 0.45, zoom: 1 };
  let cloud = { points: [], palette: [] };
  let projected = [];

  function project(rgb) {
    const x = rgb[0] - 127.5, y = rgb[2] - 127.5, z = rgb[1] - 127.5;
    const cy = Math.cos(view.yaw), sy = Math.sin(view.yaw);
    const cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
    const x1 = x * cy + z * sy, z1 = -x * sy + z * cy;
    const y2 = y * cp - z1 * sp, z2 = y * sp + z1 * cp;
    const scale = (view.zoom * Math.min(canvas.width, canvas.height)) / 460;
    return [canvas.width / 2 + x1 * scale, canvas.height / 2 - y2 * scale, z2];
  }

  function draw() {
    ctx.fillStyle = "#0e0f11";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // The cube's edges, and the three axes from black, labelled.
    const corners = [];
    for (let i = 0; i < 8; i++) corners.push([i & 1 ? 255 : 0, i & 2 ? 255 : 0, i & 4 ? 255 : 0]);
    ctx.lineWidth = 1;
    for (let i = 0; i < 8; i++) {
      for (const bit of [1, 2, 4]) {
        const j = i | bit;
        if (j === i) continue;
        const a = project(corners[i]), b = project(corners[j]);
        const axis = i === 0;
        ctx.strokeStyle = axis ? ["", "#e05555", "#55c065", "", "#5a7dff"][bit] : "#ffffff22";
        ctx.beginPath();
        ctx.moveTo(a[0], a[1]);
        ctx.lineTo(b[0], b[1]);
        ctx.stroke();
      }
    }
    ctx.font = "bold 15px system-ui, sans-serif";
    for (const [name, rgb, colour] of [["R", [285, 0, 0], "#e05555"], ["G", [0, 285, 0], "#55c065"], ["B", [0, 0, 285], "#5a7dff"]]) {
      const p = project(rgb);
      ctx.fillStyle = colour;
      ctx.fillText(name, p[0] - 5, p[1] + 5);
    }
    projected = cloud.points.map((rgb) => {
      const p = project(rgb);
      return { x: p[0], y: p[1], z: p[2], rgb, r: 1.6, palette: false };
    });
    for (const [rgb, share] of cloud.palette) {
      const p = project(rgb);
      projected.push({ x: p[0], y: p[1], z: p[2], rgb, r: 5 + 18 * Math.sqrt(share), palette: true, share });
    }
    // Far first, so nearer dots cover farther ones; palette rings on top.
    const order = projected.slice().sort((a, b) => (a.palette - b.palette) || (a.z - b.z));
    for (const p of order) {
      ctx.fillStyle = toHex(p.rgb);
      if (p.palette) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = labelColour(p.rgb);
        ctx.stroke();
      } else {
        ctx.fillRect(p.x - p.r, p.y - p.r, 2 * p.r, 2 * p.r);
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
    view.zoom = Math.max(0.5, Math.min(5, view.zoom * Math.exp(-e.deltaY * 0.0015)));
    draw();
  }, { passive: false });
  canvas.addEventListener("keydown", (e) => {
    const turn = { a: [-0.1, 0], d: [0.1, 0], w: [0, -0.1], s: [0, 0.1] }[e.key];
    if (turn) {
      view.yaw += turn[0];
      view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + turn[1]));
      draw();
    } else if (e.key === "+" || e.key === "-") {
      view.zoom = Math.max(0.5, Math.min(5, view.zoom * (e.key === "+" ? 1.2 : 1 / 1.2)));
      draw();
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
    fillBar($("still-bar"), still.palette, true);
    const caption = $("caption");
    caption.replaceChildren(el("b", { textContent: still.name }));
    const parts = [];
    if (still.width) parts.push(still.width + " × " + still.height + " px");
    if (still.shot) parts.push("shot " + clock(still.shot.start) + "–" + clock(still.shot.end));
    if (still.time !== undefined) parts.push("frame at " + clock(still.time));
    parts.push(still.palette.length + (still.palette.length === 1 ? " colour" : " colours"));
    parts.push((current + 1) + " of " + stills.length);
    caption.append(" · " + parts.join(" · "));
    [...dots.children].forEach((d, k) => d.setAttribute("aria-selected", String(k === current)));
    const active = dots.children[current];
    if (useStrip && active && active.scrollIntoView) active.scrollIntoView({ block: "nearest", inline: "center" });
    cloud = { points: decodeSample(still.sample), palette: still.palette.map(([hex, share]) => [rgbOf(hex), share]) };
    tip.hidden = true;
    draw();
  }

  let resized = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resized);
    resized = setTimeout(() => {
      fillBar($("still-bar"), stills[current] ? stills[current].palette : [], true);
      if (data.merged) fillBar($("merged-bar"), data.merged.palette, true);
    }, 100);
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
  }
  $("show-grid").addEventListener("click", () => mode(true));
  $("show-slides").addEventListener("click", () => mode(false));
  stills.forEach((still, i) => {
    const tile = el("button", { type: "button", className: "tile" });
    if (still.image) tile.append(el("img", { src: still.image, alt: still.name, loading: "lazy" }));
    const bar = el("div", { className: "bar" });
    fillBar(bar, still.palette, false);
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
    fillBar($("merged-bar"), data.merged.palette, true);
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
  // A page of merged histograms alone has no stills to show: only the
  // merged palette.
  if (!stills.length) {
    $("slides").hidden = true;
    document.querySelector("header nav").hidden = true;
  }

  // `#selftest`: drive the page as a person would and write what happened
  // into the page, for a headless browser's --dump-dom to read.
  if (location.hash === "#selftest") {
    const result = { slides: stills.length, dots: dots.children.length };
    result.hexes = [...document.querySelectorAll("#grid .cell")].map((c) => c.dataset.hex);
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
