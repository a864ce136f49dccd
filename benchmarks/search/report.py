#!/usr/bin/env python3
"""Prints the p50/p95 table (Markdown) of run.sh's hyperfine results: report.py WORK SIZE..."""
import json
import math
import sys


def percentile(times, p):
    ordered = sorted(times)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank


def main():
    work, sizes = sys.argv[1], sys.argv[2:]
    print("| files | query | runs | p50 ms | p95 ms | user ms (mean) | sys ms (mean) |")
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        with open(f"{work}/{size}.json") as f:
            results = json.load(f)["results"]
        for result in results:
            if "'" not in result["command"]:
                query = "(floor: search --help, no catalog)"
            else:
                query = "`" + (result["command"].split("'")[1] or "(no words: newest first)") + "`"
            times = result["times"]
            print(f"| {int(size):,} | {query} | {len(times)} | {percentile(times, 50) * 1000:.0f} "
                  f"| {percentile(times, 95) * 1000:.0f} | {result['user'] * 1000:.0f} | {result['system'] * 1000:.0f} |")


if __name__ == "__main__":
    main()
