/// gallery.css: a dark, photo-first layout: a top bar with the search box, facets on the left, a dense
/// grid of square-ish tiles grouped by month, and a two-column detail page.
enum GalleryStyle {
    static let text = """
        :root{--bg:#111418;--panel:#1a1f26;--line:#2a313b;--text:#e8ecf1;--muted:#8b96a5;--accent:#5fb3ff;--warn:#ffb454;
        --tile:180px;color-scheme:dark}
        *{box-sizing:border-box}[hidden]{display:none !important}
        body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
        .bar{position:sticky;top:0;z-index:5;display:flex;gap:18px;align-items:center;padding:10px 18px;
        background:rgba(17,20,24,.92);backdrop-filter:blur(6px);border-bottom:1px solid var(--line)}
        .brand{font-weight:700;font-size:17px;color:var(--text);letter-spacing:.02em}
        nav a{color:var(--muted);margin-right:14px}nav a.active{color:var(--text);font-weight:600}
        .search{flex:1}.search input{width:100%;padding:8px 12px;border-radius:8px;border:1px solid var(--line);
        background:var(--panel);color:var(--text);font:inherit}
        main{padding:16px 18px}
        .library{display:grid;grid-template-columns:220px 1fr auto;gap:20px}
        .scrubber{position:sticky;top:64px;align-self:start;display:flex;flex-direction:column;gap:2px;font-size:12px}
        .scrubber a{color:var(--muted);padding:2px 6px;border-radius:4px}.scrubber a:hover{color:var(--text);background:var(--panel)}
        .facets{position:sticky;top:64px;align-self:start;max-height:calc(100vh - 80px);overflow:auto}
        .facet-group h3{margin:14px 0 6px;font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
        .facet{display:flex;justify-content:space-between;padding:3px 8px;border-radius:6px;color:var(--text)}
        .facet:hover{background:var(--panel);text-decoration:none}.facet.active{background:#23415e}
        .n{color:var(--muted);font-variant-numeric:tabular-nums;margin-left:8px}
        .count{color:var(--muted);margin:4px 0 8px}
        .month{font-size:15px;margin:18px 0 8px;font-weight:600}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(var(--tile),1fr));gap:6px}
        .tile{position:relative;display:block;aspect-ratio:1;background:var(--panel);border-radius:6px;overflow:hidden}
        .tile img{width:100%;height:100%;object-fit:cover;display:block;transition:transform .15s}
        .tile:hover img{transform:scale(1.03)}
        .tile span{position:absolute;left:0;right:0;bottom:0;padding:14px 8px 5px;font-size:11px;color:#fff;opacity:0;
        background:linear-gradient(transparent,rgba(0,0,0,.75));white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
        .tile:hover span,.tile.nopreview span{opacity:1}
        .tile.selected{outline:3px solid var(--accent);outline-offset:-3px}
        .nopreview{display:flex;align-items:center;justify-content:center;color:var(--muted)}
        .selection{display:flex;gap:8px;align-items:center;padding:8px;background:var(--panel);border-radius:8px;margin-bottom:8px}
        button,.button{background:#243041;color:var(--text);border:1px solid var(--line);border-radius:6px;padding:5px 10px;
        font:inherit;cursor:pointer}button:hover,.button:hover{background:#2d3c51;text-decoration:none}
        input{font:inherit}
        .item{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:22px}
        .viewer{position:relative;display:flex;align-items:center;justify-content:center;background:#000;border-radius:8px;
        min-height:60vh}
        .viewer img.hd{max-width:100%;max-height:calc(100vh - 110px);display:block}
        .viewer .nav{position:absolute;top:45%;font-size:42px;color:#fff;padding:0 12px;opacity:.6}
        .viewer .prev{left:0}.viewer .next{right:0}.viewer .nav:hover{opacity:1;text-decoration:none}
        .nopreview.big{min-height:60vh;width:100%}
        .info h1{font-size:18px;margin:0 0 2px;word-break:break-all}.path{color:var(--muted);word-break:break-all;margin-top:0}
        .info h2{font-size:13px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:18px 0 6px}
        table.meta{border-collapse:collapse;width:100%}.meta th{text-align:left;color:var(--muted);font-weight:400;
        padding:3px 10px 3px 0;vertical-align:top;white-space:nowrap}.meta td{padding:3px 0;word-break:break-all}
        .rating{display:flex;gap:2px}.star{background:none;border:none;font-size:22px;color:#4a5260;padding:0 2px}
        .star.on{color:#ffd25f}.star-clear{background:none;border:none;color:var(--muted)}
        .tags{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px}
        .tag{background:#23415e;border-radius:12px;padding:2px 4px 2px 10px}
        .tag button{background:none;border:none;color:var(--muted);padding:0 4px}
        .tag-form{display:flex;gap:6px}.tag-form input{flex:1;padding:5px 8px;border-radius:6px;border:1px solid var(--line);
        background:var(--panel);color:var(--text)}
        ul.paths,ul.versions,ul.backup,ul.problems{padding-left:18px;margin:0}.warn{color:var(--warn)}.muted{color:var(--muted)}
        details.raw pre{white-space:pre-wrap;word-break:break-all;font-size:11px;color:var(--muted);max-height:300px;overflow:auto}
        .tree{list-style:none;padding:0;columns:3 220px}.tree li{padding:3px 0}
        .dup-group{display:flex;gap:12px;padding:12px;background:var(--panel);border-radius:8px;margin-bottom:10px;overflow-x:auto}
        .dup{margin:0;width:220px}.dup img{width:220px;height:220px;object-fit:cover;border-radius:6px;background:#000}
        .dup figcaption{font-size:12px;color:var(--muted)}.dup ul{padding-left:16px;word-break:break-all}
        .tabs a{margin-right:12px}.tabs a.active{font-weight:700;color:var(--text)}
        .status table{border-collapse:collapse;margin-bottom:18px}.status td,.status th{padding:4px 12px 4px 0;text-align:left}
        .empty{color:var(--muted);padding:40px 0}
        @media (max-width:800px){.library,.item{grid-template-columns:1fr}.scrubber{display:none}.facets{position:static;max-height:none}:root{--tile:110px}}
        """
}
