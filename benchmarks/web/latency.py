#!/usr/bin/env python3
"""p50/p95 of the gallery's API over one keep-alive connection, sequential requests (what one browser tab
does): latency.py URL RUNS. Prints one JSON object: {name: {"p50": ms, "p95": ms, "runs": n}}."""
import http.client
import json
import math
import sys
import time
import urllib.parse


def percentile(times, p):
    ordered = sorted(times)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank


def main():
    url, runs = urllib.parse.urlsplit(sys.argv[1]), int(sys.argv[2])
    connection = http.client.HTTPConnection(url.hostname, url.port)

    def get(path):
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, (path, response.status, body[:200])
        return body

    first = json.loads(get("/api/v1/photos?limit=1&facets=false"))
    total = first["total"]
    # The date scrubber jumps by capture time (`through=`), never by offset (refused in the newest-first order):
    # the month at which about 90% of the library is newer, from the year facet and then the month's position.
    years = sorted(((int(v["value"]), v["count"]) for v in json.loads(get("/api/v1/facets?q="))["year"]), reverse=True)
    deep, newer = total * 9 // 10, 0
    for year, count in years:
        if newer + count >= deep:
            month = 12 - min(11, (deep - newer) * 12 // count)
            break
        newer += count
    through = f"{year}-{month:02d}"
    jumped = json.loads(get(f"/api/v1/photos?limit=120&count=false&through={through}"))["items"]
    middle = jumped[0]["fileId"]
    # The grid scrolls on with `after` (the last tile of the page before).
    cases = {
        "first grid page (120)": "/api/v1/photos?limit=120",
        f"deep page, as the grid scrolls (after the jump to {through})": f"/api/v1/photos?limit=120&count=false&after={jumped[-1]['fileId']}",
        f"deep jump, as the scrubber asks (`through={through}`, ~{deep:,} newer)": f"/api/v1/photos?limit=120&count=false&through={through}",
        "search with facets (`sunset camera:canon`)": "/api/v1/search?limit=120&q=" + urllib.parse.quote("sunset camera:canon"),
        "search with facets (`beach`)": "/api/v1/search?limit=120&q=beach",
        "detail (item)": f"/api/v1/items/{middle}",
        "grid page HTML (`/`)": "/",
    }
    # The total and facets of a query are cached until the catalog changes: a different query text each time
    # (excluding a word no file has) measures them computed afresh, page, count and facets together.
    cases["search with facets, never cached (`beach -absentN`)"] = [
        "/api/v1/search?limit=120&q=" + urllib.parse.quote(f"beach -absent{i}") for i in range(runs + 1)]
    cases["grid page HTML, never cached (`camera:canon -absentN`)"] = [
        "/?q=" + urllib.parse.quote(f"camera:canon -absent{i}") for i in range(runs + 1)]
    results = {}
    for name, path in cases.items():
        paths = path if isinstance(path, list) else [path] * (runs + 1)
        get(paths[0])  # warm-up
        times = []
        for each in paths[1:]:
            start = time.perf_counter()
            get(each)
            times.append((time.perf_counter() - start) * 1000)
        results[name] = {"p50": percentile(times, 50), "p95": percentile(times, 95), "runs": runs}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
