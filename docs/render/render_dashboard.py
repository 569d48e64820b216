#!/usr/bin/env python3
"""Renders a Grafana dashboard JSON as one HTML page from a real Prometheus (docs only; see
scripts/dashboard-screenshots.sh, which runs it and screenshots the page with headless Chromium).

What Grafana's image renderer would show, without Grafana: every panel's own PromQL targets (read from the
dashboard JSON, template variables substituted as Grafana does: the variables' current values, $__interval,
$__rate_interval, $__range) through Prometheus's /api/v1/query_range over the given time range, drawn with
uPlot at the panels' gridPos, with the legendFormat names and the unit of the panel. Python standard library only.

  render_dashboard.py --dashboard FILE --prometheus URL --start UNIX --end UNIX --scrape-interval S \
                      --uplot DIR --out page.html
Prints the page's width and height in pixels ("W H"), for the screenshot's window size.
"""
import argparse
import html
import json
import math
import re
import sys
import urllib.parse
import urllib.request

GRID_COLUMNS = 24
CELL_HEIGHT = 30  # Grafana's grid: 30 px rows, 8 px margins
MARGIN = 8
PAGE_WIDTH = 1440
HEADER = 64
PALETTE = ["#73BF69", "#F2CC0C", "#8AB8FF", "#FF780A", "#F2495C", "#5794F2", "#B877D9", "#FADE2A",
           "#37872D", "#C4162A", "#1F60C4", "#8F3BB8"]
MAX_DATA_POINTS_PER_PX = 1.0  # Grafana: maxDataPoints = the panel's width in pixels


def nice_interval(seconds):
    """Grafana rounds $__interval to a readable step (kbn.roundInterval); close enough for the steps used here."""
    for step in (1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600):
        if seconds <= step:
            return step
    return int(math.ceil(seconds / 3600.0)) * 3600


def duration(seconds):
    seconds = int(seconds)
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def substitute(expr, variables):
    # longest names first so that $__rate_interval is not read as $__rate...; ${name} and $name forms
    for name in sorted(variables, key=len, reverse=True):
        expr = expr.replace("${" + name + "}", variables[name]).replace("$" + name, variables[name])
    return expr


def template_values(dashboard):
    values = {}
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") == "datasource":
            continue
        current = var.get("current") or {}
        value = current.get("value", var.get("query", ""))
        if isinstance(value, list):
            value = "|".join(value)
        values[var["name"]] = str(value)
    return values


def legend(fmt, metric, expr):
    if fmt:
        return re.sub(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", lambda m: metric.get(m.group(1), ""), fmt).strip()
    labels = ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items()) if k != "__name__")
    return (metric.get("__name__", "") + "{" + labels + "}") if labels else (metric.get("__name__") or expr)


def query_range(prometheus, expr, start, end, step):
    params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{prometheus}/api/v1/query_range?{params}", timeout=60) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"query failed: {expr}: {body}")
    return body["data"]["result"]


def panel_data(panel, args, variables, width_px):
    """Runs the panel's targets; returns (x values, [(name, values)]) aligned on the query steps."""
    range_s = args.end - args.start
    step = max(args.scrape_interval, nice_interval(range_s / max(1.0, width_px * MAX_DATA_POINTS_PER_PX)))
    scoped = dict(variables)
    scoped["__interval"] = duration(step)
    scoped["__interval_ms"] = str(step * 1000)
    scoped["__rate_interval"] = duration(max(step + args.scrape_interval, 4 * args.scrape_interval))
    scoped["__range"] = duration(range_s)
    start = args.start - args.start % step
    xs = list(range(int(start), int(args.end) + 1, int(step)))
    index = {x: i for i, x in enumerate(xs)}
    series, queries = [], []
    for target in panel.get("targets", []):
        if target.get("hide"):
            continue
        expr = substitute(target["expr"], scoped)
        queries.append(expr)
        for result in query_range(args.prometheus, expr, start, args.end, step):
            ys = [None] * len(xs)
            for t, v in result["values"]:
                i = index.get(int(float(t)))
                value = float(v)
                if i is not None and math.isfinite(value):
                    ys[i] = value
            if any(y is not None for y in ys):
                series.append((legend(target.get("legendFormat"), result["metric"], expr), ys))
    return xs, series, queries, step


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dashboard", required=True)
    p.add_argument("--prometheus", required=True)
    p.add_argument("--start", type=float, required=True)
    p.add_argument("--end", type=float, required=True)
    p.add_argument("--scrape-interval", type=int, required=True)
    p.add_argument("--uplot", required=True, help="the uplot package's directory (node_modules/uplot)")
    p.add_argument("--out", required=True)
    p.add_argument("--note", default="")
    args = p.parse_args()
    args.start, args.end = int(args.start), int(args.end)

    with open(args.dashboard, encoding="utf-8") as f:
        dashboard = json.load(f)
    variables = template_values(dashboard)
    column = (PAGE_WIDTH - MARGIN * (GRID_COLUMNS + 1)) / GRID_COLUMNS
    panels, bottom, empty = [], 0, []
    for panel in dashboard["panels"]:
        g = panel["gridPos"]
        left = MARGIN + g["x"] * (column + MARGIN)
        top = HEADER + g["y"] * (CELL_HEIGHT + MARGIN)
        width = g["w"] * column + (g["w"] - 1) * MARGIN
        height = g["h"] * CELL_HEIGHT + (g["h"] - 1) * MARGIN
        bottom = max(bottom, top + height)
        entry = {"type": panel.get("type"), "title": substitute(panel.get("title", ""), variables),
                 "left": left, "top": top, "width": width, "height": height}
        if panel.get("type") == "timeseries":
            xs, series, queries, step = panel_data(panel, args, variables, width)
            defaults = panel.get("fieldConfig", {}).get("defaults", {})
            entry.update({"unit": defaults.get("unit", "short"), "x": xs, "step": step,
                          "series": [{"name": n, "values": v} for n, v in series], "queries": queries})
            if not series:
                empty.append(entry["title"])
        panels.append(entry)

    with open(f"{args.uplot}/dist/uPlot.min.css", encoding="utf-8") as f:
        css = f.read()
    with open(f"{args.uplot}/dist/uPlot.iife.min.js", encoding="utf-8") as f:
        js = f.read()
    page_height = int(bottom + MARGIN)
    data = {"title": dashboard.get("title", ""), "start": args.start, "end": args.end, "palette": PALETTE,
            "variables": variables, "note": args.note, "panels": panels}
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(PAGE.replace("/*UPLOT_CSS*/", css).replace("/*UPLOT_JS*/", js)
                .replace("/*DATA*/", json.dumps(data)).replace("TITLE", html.escape(data["title"]))
                .replace("PAGE_WIDTH", str(PAGE_WIDTH)).replace("PAGE_HEIGHT", str(page_height)))
    for title in empty:
        print(f"render_dashboard: panel '{title}': no data", file=sys.stderr)
    print(PAGE_WIDTH, page_height)


PAGE = r"""<!doctype html>
<html><head><meta charset="utf-8"><title>TITLE</title>
<style>/*UPLOT_CSS*/</style>
<style>
  html, body { margin: 0; background: #111217; color: #ccccdc; font: 12px/1.3 "DejaVu Sans", Arial, sans-serif; }
  #page { position: relative; width: PAGE_WIDTHpx; height: PAGE_HEIGHTpx; }
  #head { position: absolute; left: 8px; top: 8px; right: 8px; }
  #head h1 { font-size: 18px; font-weight: 500; margin: 0 0 4px; color: #d8d9da; }
  #head div { color: #8e8e8e; }
  .row { position: absolute; font-size: 14px; font-weight: 500; color: #d8d9da; padding-top: 6px; }
  .panel { position: absolute; background: #181b1f; border: 1px solid #2a2c31; border-radius: 2px;
           box-sizing: border-box; overflow: hidden; }
  .panel h2 { font-size: 12.5px; font-weight: 500; margin: 6px 8px 2px; color: #d8d9da; white-space: nowrap; }
  .nodata { position: absolute; left: 0; right: 0; top: 45%; text-align: center; color: #8e8e8e; font-size: 14px; }
  .legend { margin: 0 8px; font-size: 11px; }
  .legend span.item { display: inline-block; margin-right: 12px; white-space: nowrap; }
  .legend i { display: inline-block; width: 12px; height: 3px; vertical-align: middle; margin-right: 4px; }
  .legend b { font-weight: 400; color: #8e8e8e; }
  .uplot { font-family: inherit; }
</style></head>
<body><div id="page"></div>
<script>/*UPLOT_JS*/</script>
<script>
const D = /*DATA*/;
const page = document.getElementById('page');
const fmtTime = t => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
const head = document.createElement('div');
head.id = 'head';
head.innerHTML = '<h1></h1><div></div>';
head.querySelector('h1').textContent = D.title;
head.querySelector('div').textContent = fmtTime(D.start) + ' to ' + fmtTime(D.end) + '  ·  ' +
  Object.entries(D.variables).map(([k, v]) => k + ' = ' + v).join(', ') + (D.note ? '  ·  ' + D.note : '');
page.appendChild(head);

function scaled(v, steps) {
  for (const [limit, div, suffix] of steps) if (Math.abs(v) >= limit) return trim(v / div) + suffix;
  return trim(v) + steps[steps.length - 1][2];
}
function trim(v) {
  const a = Math.abs(v);
  return (a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2)).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}
const UNITS = {
  ms: v => v === 0 ? '0' : scaled(v, [[60000, 60000, ' min'], [1000, 1000, ' s'], [0, 1, ' ms']]),
  s: v => v === 0 ? '0' : scaled(v, [[60, 60, ' min'], [1, 1, ' s'], [0.001, 0.001, ' ms'], [0, 0.000001, ' µs']]),
  ops: v => v === 0 ? '0' : scaled(v, [[1000, 1000, 'K ops/s'], [0, 1, ' ops/s']]),
  reqps: v => v === 0 ? '0' : scaled(v, [[1000, 1000, 'K req/s'], [0, 1, ' req/s']]),
  short: v => v === 0 ? '0' : scaled(v, [[1e6, 1e6, ' Mil'], [1e3, 1e3, ' K'], [0, 1, '']]),
};

for (const p of D.panels) {
  if (p.type === 'row') {
    const row = document.createElement('div');
    row.className = 'row';
    Object.assign(row.style, {left: p.left + 'px', top: p.top + 'px', width: p.width + 'px'});
    row.textContent = '▾ ' + p.title;
    page.appendChild(row);
    continue;
  }
  const box = document.createElement('div');
  box.className = 'panel';
  Object.assign(box.style, {left: p.left + 'px', top: p.top + 'px', width: p.width + 'px', height: p.height + 'px'});
  const h2 = document.createElement('h2');
  h2.textContent = p.title;
  box.appendChild(h2);
  page.appendChild(box);
  const fmt = UNITS[p.unit] || UNITS.short;
  if (!p.series || p.series.length === 0) {
    const nd = document.createElement('div');
    nd.className = 'nodata';
    nd.textContent = 'No data';
    box.appendChild(nd);
    continue;
  }
  const legend = document.createElement('div');
  legend.className = 'legend';
  p.series.forEach((s, i) => {
    const vals = s.values.filter(v => v !== null);
    const item = document.createElement('span');
    item.className = 'item';
    item.innerHTML = '<i></i><span></span> <b></b>';
    item.querySelector('i').style.background = D.palette[i % D.palette.length];
    item.querySelector('span').textContent = s.name;
    item.querySelector('b').textContent = 'last ' + fmt(vals[vals.length - 1]) + ', max ' + fmt(Math.max(...vals));
    legend.appendChild(item);
  });
  box.appendChild(legend);
  const plotHeight = p.height - 30 - legend.offsetHeight - 4;
  const axis = {stroke: '#8e8e8e', grid: {stroke: 'rgba(204,204,220,0.08)', width: 1}, ticks: {show: false},
                font: '11px "DejaVu Sans", Arial, sans-serif'};
  const opts = {
    width: p.width - 4, height: plotHeight, legend: {show: false}, cursor: {show: false},
    scales: {x: {time: true, min: D.start, max: D.end}, y: {range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1]}},
    axes: [Object.assign({}, axis, {values: (u, ts) => ts.map(t => new Date(t * 1000).toISOString().slice(11, 16))}),
           Object.assign({}, axis, {size: 80, values: (u, vs) => vs.map(fmt)})],
    series: [{}].concat(p.series.map((s, i) => ({label: s.name, stroke: D.palette[i % D.palette.length], width: 1.5,
                                                  spanGaps: false, points: {size: 3}}))),
  };
  const holder = document.createElement('div');
  box.insertBefore(holder, legend);
  new uPlot(opts, [p.x].concat(p.series.map(s => s.values)), holder);
}
</script></body></html>
"""

if __name__ == "__main__":
    main()
