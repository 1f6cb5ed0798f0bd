// GET /ui: one self-contained page (no assets, no libraries) that shows what this node sees: its
// shards, their roles, leaders and indexes, which members hold and lead them, and live request
// rate and latency from its own /metrics. It polls /v1/status and /metrics once a second.
import type { Hono } from 'hono';

export const UI_PATH = '/ui';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flotilla node</title>
<style>
  :root { --fg: #1d2733; --muted: #66727f; --line: #dde3ea; --accent: #2469b3; --good: #1f8a4c; --bad: #b3261e; }
  body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); margin: 24px; background: #f7f9fb; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
  .muted { color: var(--muted); }
  .cards { display: flex; gap: 12px; flex-wrap: wrap; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 150px; }
  .card .value { font-size: 22px; font-weight: 600; }
  .card svg { display: block; margin-top: 6px; }
  table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
  th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
  th { background: #eef2f6; font-weight: 600; } td:first-child, th:first-child { text-align: left; }
  .leader { color: var(--accent); font-weight: 600; } .ready { color: var(--good); } .not-ready { color: var(--bad); }
</style>
</head>
<body>
<h1>Flotilla node <span id="node">…</span></h1>
<div class="muted">Live view of this node, refreshed every second. <span id="readiness"></span></div>
<h2>Load</h2>
<div class="cards">
  <div class="card"><div class="muted">requests/s</div><div class="value" id="rate">–</div><svg id="rate-plot" width="220" height="44"></svg></div>
  <div class="card"><div class="muted">p99 latency</div><div class="value" id="p99">–</div><svg id="p99-plot" width="220" height="44"></svg></div>
  <div class="card"><div class="muted">shards here</div><div class="value" id="shard-count">–</div></div>
  <div class="card"><div class="muted">led here</div><div class="value" id="led-count">–</div></div>
</div>
<h2>Members</h2>
<table id="members"><thead><tr><th>node</th><th>replicas</th><th>leaders</th></tr></thead><tbody></tbody></table>
<h2>Shards</h2>
<table id="shards"><thead><tr><th>shard</th><th>range</th><th>role</th><th>leader</th><th>term</th><th>commit</th><th>applied</th><th>log entries</th><th>snapshots sent / installed</th><th>idle</th><th>voters</th></tr></thead><tbody></tbody></table>
<script>
"use strict";
// The page's own polling is not load: these routes are left out of the rates.
const OWN_ROUTES = new Set(["/metrics", "/v1/status", "/ui", "/readyz"]);
const HISTORY = 60;
const rates = [], p99s = [];
let previous;

const text = (element, value) => { element.textContent = value; };
const cell = (row, value, className) => { const td = row.insertCell(); td.textContent = String(value); if (className) td.className = className; };
// Hash bounds as their leading hex digits; the end of the space (2^64) has 17 of them.
const shortHash = (decimal) => (BigInt(decimal) === 1n << 64n ? "2^64" : "0x" + BigInt(decimal).toString(16).padStart(16, "0").slice(0, 4) + "…");

function parseMetrics(body) {
  const requests = new Map(), buckets = new Map();
  for (const line of body.split("\\n")) {
    const match = /^(flotilla_http_requests_total|flotilla_http_request_duration_seconds_bucket)\\{(.*)\\} ([0-9.e+-]+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2].matchAll(/([a-z_]+)="((?:[^"\\\\]|\\\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (OWN_ROUTES.has(labels.route)) continue;
    const value = Number(match[3]);
    if (match[1] === "flotilla_http_requests_total") requests.set(labels.method + labels.route + labels.code, value);
    else buckets.set(labels.le, (buckets.get(labels.le) || 0) + value);
  }
  return { requests: [...requests.values()].reduce((a, b) => a + b, 0), buckets };
}

/** The p99 of the requests answered since the last sample, from the histogram's buckets. */
function p99Since(now, before) {
  const bounds = [...now.buckets.keys()].filter((le) => le !== "+Inf").map(Number).sort((a, b) => a - b);
  const delta = (le) => (now.buckets.get(le) || 0) - ((before && before.buckets.get(le)) || 0);
  const total = delta("+Inf");
  if (total <= 0) return undefined;
  for (const bound of bounds) if (delta(String(bound)) >= 0.99 * total) return bound;
  return Infinity;
}

function plot(svg, values) {
  const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
  const finite = values.filter(Number.isFinite), top = Math.max(1e-9, ...finite);
  const points = values.map((v, i) => (i * width) / (HISTORY - 1) + "," + (height - 2 - ((Number.isFinite(v) ? v : 0) / top) * (height - 4))).join(" ");
  svg.innerHTML = '<polyline fill="none" stroke="#2469b3" stroke-width="1.5" points="' + points + '"/>';
}

function formatLatency(seconds) {
  if (seconds === undefined) return "–";
  if (!Number.isFinite(seconds)) return "> 10 s";
  return seconds < 1 ? "≤ " + Math.round(seconds * 1000 * 10) / 10 + " ms" : "≤ " + seconds + " s";
}

function render(status, metrics, ready) {
  text(document.getElementById("node"), status.node);
  const readiness = document.getElementById("readiness");
  text(readiness, ready ? "Ready." : "Not ready: a shard has no known leader.");
  readiness.className = ready ? "ready" : "not-ready";
  const nowMs = performance.now();
  if (previous) {
    const seconds = (nowMs - previous.atMs) / 1000;
    rates.push(Math.max(0, (metrics.requests - previous.metrics.requests) / seconds));
    p99s.push(p99Since(metrics, previous.metrics));
    if (rates.length > HISTORY) { rates.shift(); p99s.shift(); }
    text(document.getElementById("rate"), Math.round(rates[rates.length - 1]).toLocaleString("en-US"));
    text(document.getElementById("p99"), formatLatency(p99s[p99s.length - 1]));
    plot(document.getElementById("rate-plot"), rates);
    plot(document.getElementById("p99-plot"), p99s);
  }
  previous = { atMs: nowMs, metrics };
  text(document.getElementById("shard-count"), status.groups.length);
  text(document.getElementById("led-count"), status.groups.filter((g) => g.role === "leader").length);

  const members = new Map();
  for (const group of status.groups) {
    for (const voter of group.voters) {
      const member = members.get(voter) || { replicas: 0, leaders: 0 };
      member.replicas++;
      if (group.leader === voter) member.leaders++;
      members.set(voter, member);
    }
  }
  const memberRows = document.querySelector("#members tbody");
  memberRows.replaceChildren();
  for (const [id, member] of [...members].sort((a, b) => a[0] - b[0])) {
    const row = memberRows.insertRow();
    cell(row, id === status.node ? id + " (this node)" : id);
    cell(row, member.replicas);
    cell(row, member.leaders);
  }

  const shardRows = document.querySelector("#shards tbody");
  shardRows.replaceChildren();
  for (const group of status.groups) {
    const row = shardRows.insertRow();
    cell(row, group.group);
    cell(row, shortHash(group.range.start) + " – " + shortHash(group.range.end));
    cell(row, group.role, group.role === "leader" ? "leader" : "");
    cell(row, group.leader || "none");
    cell(row, group.term);
    cell(row, group.commit_index);
    cell(row, group.applied_index);
    cell(row, group.last_index - group.first_index + 1);
    cell(row, group.snapshots_taken + " / " + group.snapshots_installed);
    cell(row, group.quiesced ? "yes" : "no");
    cell(row, group.voters.join(", "));
  }
}

async function refresh() {
  try {
    const [status, metrics, ready] = await Promise.all([
      fetch("/v1/status").then((r) => r.json()),
      fetch("/metrics").then((r) => r.text()),
      fetch("/readyz").then((r) => r.ok),
    ]);
    render(status, parseMetrics(metrics), ready);
  } catch (error) {
    const readiness = document.getElementById("readiness");
    text(readiness, "The node does not answer: " + error);
    readiness.className = "not-ready";
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;

export const registerUiRoute = (app: Hono): void => {
  app.get(UI_PATH, (c) => c.html(PAGE));
};
