// The silo dashboard: polls the API for runs, apps, circuits, queues and the cluster's silos; streams activity over
// server-sent events on a single silo, and polls the whole cluster's activity when there are several.
"use strict";
const state = { key: null, tenant: "default", follow: true, runs: [], stream: null, selectedRun: null, silos: 1 };
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${state.key}` } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

// The admin key never goes into a URL (the silo refuses ?key= with 401): it comes from this tab's session storage,
// from the silo itself in development mode (loopback only), or is typed once.
async function obtainKey() {
  const stored = sessionStorage.getItem("apex-admin-key");
  if (stored) return stored;
  const dev = await fetch("/api/v1/dev/keys");
  if (dev.ok) return (await dev.json()).admin;
  const typed = prompt("Admin key of this silo:");
  if (typed) sessionStorage.setItem("apex-admin-key", typed);
  return typed;
}

function renderRuns() {
  const body = $("runs").tBodies[0];
  body.replaceChildren(...state.runs.map((run) => {
    const result = run.control ? "control" : run.passed === true ? "passed" : run.passed === false ? "failed" : "running";
    const row = el("tr", { className: run.runId === state.tenant ? "selected" : "" },
      el("td", { textContent: run.runId }), el("td", { textContent: run.seed }), el("td", { textContent: run.clock }),
      el("td", { textContent: new Date(run.registeredAt).toLocaleTimeString() }),
      el("td", {}, el("span", { className: `badge ${result}`, textContent: result })));
    row.dataset.testid = `run-${run.runId}`;
    row.dataset.result = result;
    row.onclick = () => { $("follow").checked = state.follow = false; selectTenant(run.runId); };
    return row;
  }));
  const selected = state.runs.find((r) => r.runId === state.tenant);
  const card = $("scorecard");
  if (!selected || !selected.scorecard) { card.replaceChildren(); return; }
  const sc = selected.scorecard;
  card.replaceChildren(
    el("h3", { textContent: `Scorecard of ${selected.runId}: ${sc.passed ? "PASSED" : "FAILED"}` }),
    el("div", { className: "beats" }, el("span", { className: "muted", textContent: "beats (click for the trace): " }), ...(sc.beats || []).map((b) => {
      const chip = el("button", { type: "button", className: `badge ${b.passed ? "passed" : "failed"}`, textContent: `${b.beat}`, title: b.title || "" });
      chip.dataset.testid = `beat-${b.beat}`;
      chip.onclick = () => showTrace({ beat: b.beat }).catch((e) => { $("trace").textContent = `error: ${e.message}`; });
      return chip;
    })),
    el("ul", { className: "criteria" }, ...sc.criteria.map((c) => {
      // status is passed, failed or not-exercised; scorecards from before it have only passed
      const status = c.status || (c.passed ? "passed" : "failed");
      const label = status === "not-exercised" ? (c.expectedNotExercised ? "not exercised (expected)" : "not exercised") : status === "passed" ? "pass" : "fail";
      const item = el("li", {},
        el("span", { className: `badge ${status}`, textContent: label }),
        ` ${c.title} `, el("span", { className: "muted", textContent: `(${c.level.toLowerCase()})` }),
        ...(status === "not-exercised" ? [el("span", { className: "muted", textContent: ` — ${c.notExercisedBecause}` })] : []));
      item.dataset.status = status;
      return item;
    })));
  card.dataset.passed = sc.passed;
}

function renderExperiments(entries, faults) {
  const body = $("experiments").tBodies[0];
  body.replaceChildren(...(entries.length === 0
    ? [el("tr", {}, el("td", { colSpan: 7, className: "muted", textContent: "no experiment reported yet: apex experiment run experiments/… --silo this-url" }))]
    : entries.map((x) => {
      const row = el("tr", {},
        el("td", { textContent: x.runId }), el("td", { textContent: `${x.experimentId} ${x.title}` }), el("td", { textContent: x.owner }),
        el("td", { textContent: new Date(x.startedAt).toLocaleString() }),
        el("td", {}, el("span", { className: `badge ${x.passed ? "passed" : "failed"}`, textContent: x.status })),
        el("td", { textContent: x.recoverySeconds == null ? "n/a" : `${x.recoverySeconds} s / ${x.rtoSeconds} s` }),
        el("td", { className: "muted", textContent: x.verdict }));
      row.dataset.testid = `experiment-${x.runId}`;
      row.dataset.status = x.status;
      return row;
    })));
  $("faults-on").textContent = faults.length === 0 ? "— no fault injected now"
    : `— ON now: ${faults.map((f) => `${f.id} ${f.request.kind}${f.request.app ? " " + f.request.app : ""}`).join(", ")}`;
}

function renderApps(apps, circuits, queues) {
  $("tenant-name").textContent = `— ${state.tenant}`;
  $("apps").replaceChildren(...Object.keys(circuits).sort().map((id) => {
    const circuit = circuits[id], queue = queues[id], app = apps[id];
    const card = el("div", { className: "card" },
      el("h3", {}, el("span", { textContent: id }), el("span", { className: `badge ${circuit.status}`, textContent: circuit.status })),
      el("div", { className: "muted", textContent:
        `queue ${queue.pendingCount} (${queue.queuedCount} waiting) · delivered ${queue.deliveredCount} · dead letters ${queue.deadLetters.length} · ` +
        `applied ${app ? app.appliedCount : 0} · held ${app ? app.held.length : 0}` }),
      el("ol", { className: "timeline" }, ...circuit.transitions.map((t) =>
        el("li", { textContent: `${t.at.substring(11, 19)} ${t.from} → ${t.to}: ${t.cause}` }))));
    card.dataset.testid = `circuit-${id}`;
    card.dataset.state = circuit.status;
    card.dataset.transitions = circuit.transitions.map((t) => `${t.from}>${t.to}`).join(",");
    return card;
  }));
}

function renderLatency(points) {
  const svg = $("latency");
  const recent = points.slice(-60);
  const max = Math.max(1, ...recent.map((p) => p.p99));
  const line = (field, color) => {
    const coords = recent.map((p, i) => `${(i / Math.max(1, recent.length - 1)) * 600},${200 - (p[field] / max) * 190}`).join(" ");
    const node = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    node.setAttribute("points", coords); node.setAttribute("fill", "none"); node.setAttribute("stroke", color); node.setAttribute("stroke-width", "2");
    return node;
  };
  svg.replaceChildren(line("p50", "#1b873f"), line("p95", "#b88100"), line("p99", "#c62828"));
  const last = recent.at(-1);
  $("latency-now").textContent = last ? `latest: p50 ${last.p50} ms, p95 ${last.p95} ms, p99 ${last.p99} ms (${last.count} deliveries); scale ${max.toFixed(2)} ms` : "no deliveries yet";
}

function addFeed(item) {
  const feed = $("feed");
  const entry = el("li", { className: item.kind + (item.traceId ? " traced" : ""), textContent:
    `${item.runTime.substring(11, 19)} [${item.tenant}] ${item.kind} ${item.subject}: ${item.detail}` });
  if (item.traceId) {
    entry.title = "click for its trace";
    entry.onclick = () => showTrace({ traceId: item.traceId, tenant: item.tenant }).catch((e) => { $("trace").textContent = `error: ${e.message}`; });
  }
  feed.prepend(entry);
  while (feed.children.length > 200) feed.lastChild.remove();
}

// EventSource cannot send the Authorization header: the key buys a short-lived HttpOnly cookie that only the stream
// accepts, and the stream is opened with it. A stream the silo closes (expired cookie, restart) is opened again.
async function openStream() {
  if (state.stream) state.stream.close();
  const tenant = state.tenant;
  const session = await fetch("/api/v1/activity/stream-sessions", { method: "POST", headers: { Authorization: `Bearer ${state.key}` } });
  if (!session.ok) throw new Error(`stream session: ${session.status}`);
  if (tenant !== state.tenant) return; // another tenant was chosen meanwhile; its own openStream goes on
  if (state.stream) state.stream.close();
  const stream = state.stream = new EventSource(`/api/v1/activity/stream?tenant=${encodeURIComponent(tenant)}`);
  for (const kind of ["publish", "attempt", "delivered", "failover", "circuit"]) {
    stream.addEventListener(kind, (e) => {
      const feed = $("feed");
      feed.dataset.streamed = Number(feed.dataset.streamed || 0) + 1;
      addFeed(JSON.parse(e.data));
    });
  }
  stream.onerror = () => {
    if (stream.readyState === EventSource.CLOSED && stream === state.stream) {
      setTimeout(() => { if (stream === state.stream) openStream().catch((e) => { $("silo-info").textContent = `error: ${e.message}`; }); }, 1000);
    }
  };
}

// Each silo streams only its own activity: with several silos the feed is the cluster's recent activity, polled.
async function pollFeed() {
  if (state.silos < 2) return;
  if (state.stream) { state.stream.close(); state.stream = null; }
  const tenant = state.tenant;
  const recent = await api(`/api/v1/activity?tenant=${encodeURIComponent(tenant)}&count=200`);
  if (tenant !== state.tenant) return;
  $("feed").replaceChildren();
  recent.forEach(addFeed);
}

// OTLP JSON attributes as a plain object.
const attrs = (list) => Object.fromEntries((list || []).map((a) => [a.key, Object.values(a.value)[0]]));
const nanos = (text) => BigInt(text);
const clock = (ns) => new Date(Number(ns / 1000000n)).toISOString().substring(11, 23);

// The waterfall of one trace of the tenant: found by its id (a feed entry) or by its beat (the scorecard); spans on the
// run's clock, nested under their parents, faults, refusals and circuit moves as marks, the circuit's state at each attempt.
async function showTrace(which) {
  const tenant = which.tenant || state.tenant;
  const otlp = await api(`/api/v1/tenants/${encodeURIComponent(tenant)}/traces`);
  const spans = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).map((s) => ({ ...s, a: attrs(s.attributes) }));
  const traceId = which.traceId || spans.find((s) => !s.parentSpanId && s.name.startsWith("publish ") && String(s.a["apex.beat"]) === String(which.beat))?.traceId;
  const section = $("trace-section"), view = $("trace");
  section.hidden = false;
  if (!traceId) { view.textContent = `no trace of beat ${which.beat} kept by the silos`; view.dataset.traceId = ""; return; }
  const trace = spans.filter((s) => s.traceId === traceId);
  if (trace.length === 0) { view.textContent = `trace ${traceId} is no longer kept by the silos`; view.dataset.traceId = ""; return; }
  const ids = new Set(trace.map((s) => s.spanId));
  const children = new Map();
  for (const s of trace) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(s);
  }
  const start = trace.reduce((m, s) => (nanos(s.startTimeUnixNano) < m ? nanos(s.startTimeUnixNano) : m), nanos(trace[0].startTimeUnixNano));
  const end = trace.reduce((m, s) => (nanos(s.endTimeUnixNano) > m ? nanos(s.endTimeUnixNano) : m), nanos(trace[0].endTimeUnixNano));
  // A virtual clock stands still within a beat: a trace that took no time on it is drawn as one instant, not stretched.
  const instant = end - start < 1000000n;
  const range = instant ? 1n : end - start;
  const pct = (ns) => (instant ? 0 : Number(((ns - start) * 10000n) / range) / 100);
  const rows = [];
  const walk = (parent, depth) => {
    for (const s of (children.get(parent) || []).sort((x, y) => (nanos(x.startTimeUnixNano) < nanos(y.startTimeUnixNano) ? -1 : 1))) {
      rows.push(spanRow(s, depth, pct));
      walk(s.spanId, depth + 1);
    }
  };
  walk("", 0);
  $("trace-title").textContent = `${traceId} · ${instant ? `all at ${clock(start)}` : `${clock(start)} → ${clock(end)}`} (run clock) · ${trace.length} spans`;
  view.dataset.traceId = traceId;
  view.replaceChildren(el("div", { className: "waterfall" }, ...rows));
  section.scrollIntoView({ block: "nearest" });
}

function spanRow(s, depth, pct) {
  const status = s.a["apex.publish.status"] || s.a["apex.claim.outcome"] || s.a["apex.delivery.status"] || s.a["apex.apply.outcome"]
    || (s.a["apex.attempt.succeeded"] === undefined ? "" : s.a["apex.attempt.succeeded"] ? "ok" : "failed");
  const marks = (s.events || []).map((e) => {
    const a = attrs(e.attributes);
    const text = e.name === "apex.duplicate.refused" ? "duplicate refused"
      : e.name === "apex.fault" ? `fault ${a["apex.fault.kind"]}`
      : e.name === "apex.circuit.transition" ? `circuit ${a["apex.circuit.from"]} → ${a["apex.circuit.to"]}`
      : e.name === "apex.delivery.failed_over" ? `failed over to ${a["apex.fallback"]}` : e.name;
    return el("span", { className: `mark ${e.name.replaceAll(".", "-")}`, textContent: text, title: `${clock(nanos(e.timeUnixNano))} ${JSON.stringify(a)}` });
  });
  const left = pct(nanos(s.startTimeUnixNano)), width = Math.max(0.6, pct(nanos(s.endTimeUnixNano)) - left);
  const error = s.status && s.status.code === 2;
  const row = el("div", { className: `span${error ? " error" : ""}` },
    el("div", { className: "label", style: `padding-left:${depth * 1.1}rem`, title: JSON.stringify(s.a, null, 1) },
      el("span", { textContent: s.name }),
      status ? el("span", { className: "muted", textContent: ` ${status}` }) : "",
      s.a["apex.circuit.state"] ? el("span", { className: `badge ${s.a["apex.circuit.state"]}`, textContent: s.a["apex.circuit.state"] }) : "",
      ...marks),
    el("div", { className: "lane" }, el("div", { className: "bar", style: `left:${Math.min(left, 99.6)}%;width:${width}%`,
      title: `${clock(nanos(s.startTimeUnixNano))} → ${clock(nanos(s.endTimeUnixNano))}${s.status && s.status.message ? " · " + s.status.message : ""}` })),
    el("div", { className: "muted time", textContent: clock(nanos(s.startTimeUnixNano)) }));
  row.dataset.testid = "span";
  row.dataset.name = s.name;
  row.dataset.status = status;
  row.dataset.events = (s.events || []).map((e) => e.name).join(",");
  return row;
}

function renderSilos(reports) {
  state.silos = reports.length;
  $("cluster-size").textContent = `${reports.length} silo${reports.length === 1 ? "" : "s"}`;
  $("silos").tBodies[0].replaceChildren(...reports.map((r) => el("tr", {},
    el("td", { textContent: r.silo }), el("td", { textContent: r.stats.activations }), el("td", { textContent: r.tenants.length }),
    el("td", { textContent: r.stats.pendingDeliveries }), el("td", { textContent: r.stats.faults.length }),
    el("td", { textContent: `${(r.stats.workingSetBytes / 1048576).toFixed(0)} MiB` }))));
}

async function selectTenant(tenant) {
  if (tenant === state.tenant) return;
  state.tenant = tenant;
  $("tenant").value = tenant;
  $("feed").replaceChildren();
  if (state.silos > 1) { await pollFeed(); } else {
    await openStream();
    (await api(`/api/v1/activity?tenant=${encodeURIComponent(tenant)}&count=100`)).forEach(addFeed);
  }
  await refreshTenant();
}

async function refreshTenant() {
  const base = `/api/v1/tenants/${encodeURIComponent(state.tenant)}`;
  const [apps, circuits, queues] = await Promise.all([api(`${base}/apps`), api(`${base}/circuits`), api(`${base}/queues`)]);
  renderApps(apps, circuits, queues);
}

async function refreshRuns() {
  state.runs = await api("/api/v1/runs");
  const tenants = await api("/api/v1/tenants");
  const select = $("tenant");
  const options = [...new Set(["default", ...tenants])];
  if ([...select.options].map((o) => o.value).join() !== options.join()) {
    select.replaceChildren(...options.map((t) => el("option", { value: t, textContent: t })));
    select.value = state.tenant;
  }
  const newest = state.runs.find((r) => !r.control);
  if (state.follow && newest && newest.runId !== state.tenant) await selectTenant(newest.runId);
  renderRuns();
}

async function tick(task, every) {
  try { await task(); } catch (e) { $("silo-info").textContent = `error: ${e.message}`; }
  setTimeout(() => tick(task, every), every);
}

(async function start() {
  state.key = await obtainKey();
  const info = await (await fetch("/api/v1/info")).json();
  $("silo-info").textContent = `v${info.version.split("+")[0]} · ${info.mode} mode · ${info.storage} storage · ${info.apps.length} apps`;
  $("follow").onchange = (e) => { state.follow = e.target.checked; };
  $("trace-close").onclick = () => { $("trace-section").hidden = true; };
  $("tenant").onchange = (e) => { $("follow").checked = state.follow = false; selectTenant(e.target.value); };
  try { renderSilos(await api("/api/v1/activity/silos")); } catch (e) { $("silo-info").textContent = `error: ${e.message}`; }
  if (state.silos < 2) await openStream();
  tick(async () => {
    renderSilos(await api("/api/v1/activity/silos"));
    // Down to one silo again (the others left): its own stream is the whole feed once more.
    if (state.silos < 2 && !state.stream) await openStream();
  }, 2000);
  tick(pollFeed, 1000);
  tick(refreshRuns, 1000);
  tick(refreshTenant, 400);
  tick(async () => renderExperiments(await api("/api/v1/experiments"), await api("/api/v1/faults")), 2000);
  tick(async () => renderLatency(await api("/api/v1/activity/latency?sliceSeconds=2")), 2000);
})();
