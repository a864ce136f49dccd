/// gallery.js: progressive enhancement of the server-rendered pages. Plain JavaScript, no framework: live
/// search, more thumbnails as the grid scrolls, selection with tags and stars, the detail page's tags, stars
/// and arrow keys, and the live status page. Every write sends the CSRF token from the page's `<meta>`.
enum GalleryScript {
    static let text = #"""
        "use strict";
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const $ = (s, r = document) => r.querySelector(s);
        const esc = (t) => String(t ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
        const MONTHS = ["January","February","March","April","May","June","July","August","September","October","November","December"];
        const monthTitle = (m) => { const p = m.split("-"); return p.length === 2 && +p[1] >= 1 && +p[1] <= 12 ? `${MONTHS[+p[1] - 1]} ${p[0]}` : "Undated"; };
        async function getJSON(url) { const r = await fetch(url, {credentials: "same-origin"}); if (!r.ok) throw new Error((await r.json()).error || r.status); return r.json(); }
        async function postJSON(url, body) {
          const r = await fetch(url, {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: JSON.stringify(body)});
          const data = await r.json(); if (!r.ok) throw new Error(data.error || r.status); return data;
        }
        function markBroken(root) {
          root.querySelectorAll(".tile img").forEach((img) => {
            const broken = () => { img.closest(".tile").classList.add("nopreview"); img.remove(); };
            if (img.complete && img.naturalWidth === 0 && img.src) broken(); else img.addEventListener("error", broken, {once: true});
          });
        }

        // ---- the grid: more pages on scroll, live search, selection
        function tile(hit, q, at) {
          const name = esc(hit.path.split("/").pop());
          // After a jump the position in the whole result is unknown: no `at`, so no arrow keys on the detail page.
          const href = `/item/${hit.fileId}?q=${encodeURIComponent(q)}` + (at === null ? "" : `&at=${at}`);
          if (!hit.sha256) return `<a class="tile nopreview" href="${href}" data-id="${hit.fileId}"><span>${name}</span></a>`;
          return `<a class="tile" href="${href}" data-id="${hit.fileId}" title="${esc(hit.library + "/" + hit.path)}"><img loading="lazy" decoding="async" src="/previews/${hit.sha256}/200" srcset="/previews/${hit.sha256}/200 1x, /previews/${hit.sha256}/400 2x" alt="${name}"><span>${name}</span></a>`;
        }
        function appendTiles(grid, items, q, offset) {
          let tiles = grid.querySelector(".tiles:last-of-type");
          let month = grid.querySelector(".month:last-of-type")?.dataset.month;
          items.forEach((hit, i) => {
            const m = hit.takenAt ? hit.takenAt.slice(0, 7) : "undated";
            if (m !== month || !tiles) {
              grid.insertAdjacentHTML("beforeend", `<h2 class="month" data-month="${m}">${monthTitle(m)}</h2><div class="tiles"></div>`);
              tiles = grid.lastElementChild; month = m;
            }
            tiles.insertAdjacentHTML("beforeend", tile(hit, q, offset === null ? null : offset + i));
          });
          markBroken(grid);
        }
        function renderFacets(facets, q) {
          const groups = [["Camera", facets.camera], ["Year", facets.year], ["Kind", facets.kind], ["Location", facets.gps], ["Rating", facets.rating], ["Tags", facets.tags], ["Damaged", facets.damaged]];
          return groups.filter(([, v]) => v && v.length).map(([name, values]) => `<div class="facet-group" data-facet="${name.toLowerCase()}"><h3>${name}</h3>` +
            values.map((v) => { const next = q ? `${q} ${v.token}` : v.token; return `<a class="facet${q.includes(v.token) ? " active" : ""}" data-token="${esc(v.token)}" href="/?q=${encodeURIComponent(next)}">${esc(v.value)}<span class="n">${v.count}</span></a>`; }).join("") + "</div>").join("");
        }
        let loading = false;
        async function loadMore(grid) {
          const next = +grid.dataset.next, total = +grid.dataset.total;
          if (loading || next >= total) return;
          loading = true;
          try {
            const q = grid.dataset.q;
            // `after` (the last tile) seeks in the newest-first order; a ranked search pages by offset.
            const shown = grid.querySelectorAll(".tile");
            const after = shown.length ? `&after=${shown[shown.length - 1].dataset.id}` : "";
            const page = await getJSON(`/api/v1/search?facets=false&count=false&limit=120&offset=${next}${after}&q=${encodeURIComponent(q)}`);
            if (grid.dataset.q !== q) return;
            appendTiles(grid, page.items, q, grid.dataset.jumped ? null : next);
            grid.dataset.next = next + page.items.length;
            if (page.items.length === 0) grid.dataset.total = next;
          } finally { loading = false; }
        }
        let searchSeq = 0;
        async function liveSearch(grid, q) {
          const seq = ++searchSeq;
          let page;
          try { page = await getJSON(`/api/v1/search?limit=120&q=${encodeURIComponent(q)}`); } catch (e) { $("#count").textContent = e.message; return; }
          if (seq !== searchSeq) return;
          grid.dataset.q = q; grid.dataset.total = page.total; grid.dataset.next = page.items.length; delete grid.dataset.jumped;
          grid.innerHTML = ""; appendTiles(grid, page.items, q, 0);
          $("#count").textContent = `${page.total} ${page.total === 1 ? "photo" : "photos"}`;
          if (page.facets) $("#facets").innerHTML = renderFacets(page.facets, q);
          history.replaceState(null, "", q ? `/?q=${encodeURIComponent(q)}` : "/");
        }
        // The date scrubber: the grid restarts at the newest photo of that year; scrolling goes on from there.
        async function jump(grid, through) {
          const q = grid.dataset.q;
          const page = await getJSON(`/api/v1/search?facets=false&count=false&limit=120&through=${encodeURIComponent(through)}&q=${encodeURIComponent(q)}`);
          grid.innerHTML = ""; grid.dataset.jumped = "1"; appendTiles(grid, page.items, q, null);
          grid.dataset.next = page.items.length; grid.dataset.total = Number.MAX_SAFE_INTEGER;
          window.scrollTo(0, 0);
        }
        const selected = new Set();
        function updateSelection() {
          const bar = $("#selection"); if (!bar) return;
          bar.hidden = selected.size === 0; $("#selected").textContent = `${selected.size} selected`;
        }
        async function annotateSelection(change) {
          for (const id of selected) await postJSON(`/api/v1/items/${id}/annotation`, change);
          document.querySelectorAll(".tile.selected").forEach((t) => t.classList.remove("selected"));
          selected.clear(); updateSelection();
        }
        function setUpGrid(grid) {
          markBroken(grid);
          const sentinel = document.createElement("div"); sentinel.id = "more"; grid.after(sentinel);
          new IntersectionObserver((e) => { if (e.some((x) => x.isIntersecting)) loadMore(grid); }, {rootMargin: "1200px"}).observe(sentinel);
          const input = $("#q");
          if (document.body.dataset.page === "library" && input) {
            let timer;
            input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => liveSearch(grid, input.value.trim()), 250); });
          }
          $("#scrubber")?.addEventListener("click", (e) => { const a = e.target.closest("a[data-through]"); if (a) { e.preventDefault(); jump(grid, a.dataset.through); } });
          grid.addEventListener("click", (event) => {
            const t = event.target.closest(".tile");
            if (!t || !(event.ctrlKey || event.metaKey || event.shiftKey)) return;
            event.preventDefault();
            t.classList.toggle("selected");
            if (t.classList.contains("selected")) selected.add(t.dataset.id); else selected.delete(t.dataset.id);
            updateSelection();
          });
          $("#selection-add")?.addEventListener("click", () => { const tag = $("#selection-tag").value.trim(); if (tag) annotateSelection({addTags: [tag]}); });
          $("#selection-stars")?.addEventListener("click", (e) => { const b = e.target.closest("button"); if (b) annotateSelection({rating: +b.dataset.rating}); });
          $("#selection-clear")?.addEventListener("click", () => { document.querySelectorAll(".tile.selected").forEach((t) => t.classList.remove("selected")); selected.clear(); updateSelection(); });
        }

        // ---- the detail page: tags, stars, left and right
        function renderAnnotation(a) {
          $("#tags").innerHTML = a.tags.map((t) => `<li class="tag">${esc(t)}<button class="remove-tag" data-tag="${esc(t)}" aria-label="Remove ${esc(t)}">×</button></li>`).join("");
          $("#rating").dataset.rating = a.rating ?? "";
          document.querySelectorAll("#rating .star").forEach((s) => s.classList.toggle("on", a.rating != null && +s.dataset.rating <= a.rating));
        }
        function setUpItem(item) {
          const id = item.dataset.id, url = `/api/v1/items/${id}/annotation`;
          $("#tag-form").addEventListener("submit", async (e) => {
            e.preventDefault(); const input = $("#tag-input"); const tag = input.value.trim(); if (!tag) return;
            renderAnnotation(await postJSON(url, {addTags: [tag]})); input.value = "";
          });
          $("#tags").addEventListener("click", async (e) => { const b = e.target.closest(".remove-tag"); if (b) renderAnnotation(await postJSON(url, {removeTags: [b.dataset.tag]})); });
          $("#rating").addEventListener("click", async (e) => {
            const b = e.target.closest("button"); if (!b) return;
            renderAnnotation(await postJSON(url, {rating: b.dataset.rating === "" ? null : +b.dataset.rating}));
          });
          const q = item.dataset.q, at = item.dataset.at === "" ? null : +item.dataset.at;
          if (at === null) return;
          const neighbour = async (delta) => {
            if (at + delta < 0) return null;
            // A seek from this item where the order allows it (no words); the server falls back to the offset.
            const seek = delta > 0 ? `&after=${item.dataset.id}` : `&before=${item.dataset.id}`;
            const page = await getJSON(`/api/v1/search?facets=false&count=false&limit=1&offset=${at + delta}${seek}&q=${encodeURIComponent(q)}`);
            return page.items[0] ? `/item/${page.items[0].fileId}?q=${encodeURIComponent(q)}&at=${at + delta}` : null;
          };
          [["#prev", -1], ["#next", 1]].forEach(async ([sel, d]) => { const href = await neighbour(d); if (href) { $(sel).href = href; $(sel).hidden = false; } });
          document.addEventListener("keydown", (e) => {
            if (e.target.closest("input")) return;
            const link = e.key === "ArrowLeft" ? $("#prev") : e.key === "ArrowRight" ? $("#next") : null;
            if (link && !link.hidden) location.href = link.href;
          });
        }

        // ---- the status page, refreshed every few seconds
        async function refreshStatus(section) {
          let s; try { s = await getJSON(section.dataset.live); } catch (e) { return; }
          const libs = Object.entries(s.libraries).map(([n, c]) => `<tr><td>${esc(n)}</td><td>${c.present}</td><td>${c.missing}</td><td>${c.errors}</td></tr>`).join("");
          const pending = Object.entries(s.outbox.pending).map(([k, n]) => `${esc(k)}: ${n}`).join(", ") || "nothing";
          const parked = s.outbox.parked.map((p) => `<tr><td>${esc(p.kind)}</td><td>${esc(p.path ?? p.target)}</td><td>${p.attempts}</td><td>${esc(p.lastError)}</td></tr>`).join("");
          const problems = s.problems.map((p) => `<tr><td>${esc(p.library ?? "")}/${esc(p.path)}</td><td>${esc(p.code)}</td><td>${esc(p.message)}</td></tr>`).join("");
          section.innerHTML = `<h1>Status</h1><h2>Libraries</h2><table><tr><th>library</th><th>present</th><th>missing</th><th>errors</th></tr>${libs}</table>
            <h2>Cloud work</h2><p>pending: ${pending} · done: ${s.outbox.done} · last success: ${esc(s.outbox.lastSuccess ?? "never")}</p>
            <h2>Parked (${s.outbox.parked.length})</h2>${parked ? `<table><tr><th>kind</th><th>what</th><th>attempts</th><th>error</th></tr>${parked}</table><button id="retry">Retry now</button>` : "<p>none</p>"}
            <h2>Problems (${s.problemCount})</h2>${problems ? `<table>${problems}</table>` : "<p>none</p>"}`;
          $("#retry")?.addEventListener("click", async () => { await postJSON("/api/v1/status/retry", {}); refreshStatus(section); });
        }

        document.addEventListener("DOMContentLoaded", () => {
          const grid = $("#grid"); if (grid) setUpGrid(grid);
          const item = $("#item"); if (item) setUpItem(item);
          const status = $("#status"); if (status) { refreshStatus(status); setInterval(() => refreshStatus(status), 3000); }
        });
        """#
}
