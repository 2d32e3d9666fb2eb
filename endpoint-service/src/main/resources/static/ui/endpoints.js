// API Endpoints page: renders each snapshot pushed on /ui/events; "set admin" calls PATCH /v1/endpoints/{id}.
"use strict";

const TOKEN_KEY = "imagelib.endpoints.token";
const regionsEl = document.getElementById("regions");
const connectionEl = document.getElementById("connection");
const messageEl = document.getElementById("message");
const tokenEl = document.getElementById("token");
let lastSnapshot = null;

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (name === "className") node.className = value; else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function time(iso) {
  return iso ? new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "–";
}

function showMessage(text, ok) {
  messageEl.textContent = text;
  messageEl.className = ok ? "ok" : "";
  messageEl.hidden = false;
}

function describeChange(change) {
  const from = change.previousHostId ? ` (previous: ${change.previousHostId})` : "";
  return `epoch ${change.epoch}: ${change.reason} → ${change.hostId || "none"}${from} at ${time(change.changedAt)}`
      + (change.detail ? ` — ${change.detail}` : "");
}

function hostRow(region, host) {
  const serving = region.admin ? region.admin.serving : false;
  const adminCell = host.admin
      ? el("span", {className: "admin-mark" + (serving ? "" : " not-serving"), "data-role": "admin-mark"},
          serving ? "★ admin" : "★ admin (no healthy host)")
      : "";
  let action = "";
  if (token() && !host.admin) {
    const button = el("button", {type: "button", "data-action": "set-admin", "data-host": host.hostId}, "Set admin");
    button.addEventListener("click", () => setAdmin(host, button));
    action = button;
  }
  return el("tr", {"data-host": host.hostId, "data-status": host.status, "data-admin": String(host.admin),
        className: host.admin ? "is-admin" : null},
      el("td", {}, host.hostId),
      el("td", {}, el("span", {className: "health health-" + host.status, "data-role": "health"}, host.status)),
      el("td", {}, adminCell),
      el("td", {}, host.publicUrl),
      el("td", {}, host.adminUrl),
      el("td", {}, time(host.assignedAt)),
      el("td", {}, action));
}

function regionSection(region) {
  const admin = region.admin;
  const last = admin
      ? `Last change: ${admin.reason} at ${time(admin.changedAt)}`
        + (admin.previousHostId ? `, previous host ${admin.previousHostId}` : "")
        + (admin.detail ? ` — ${admin.detail}` : "")
      : "No admin elected yet.";
  const hosts = region.hosts.length
      ? el("table", {},
          el("thead", {}, el("tr", {}, ...["Host", "Health", "Admin", "Public URL", "Admin URL", "Role assigned", ""]
              .map(h => el("th", {}, h)))),
          el("tbody", {}, ...region.hosts.map(h => hostRow(region, h))))
      : el("p", {className: "empty"}, "No host holds the image-library role.");
  const changes = region.recentChanges.length
      ? el("ol", {className: "changes"}, ...region.recentChanges.map(c => el("li", {}, describeChange(c))))
      : el("p", {className: "empty"}, "None since this service started.");
  return el("section", {className: "region", "data-region": region.region},
      el("h2", {}, `Region ${region.region} · service ${region.serviceName}`),
      el("p", {className: "meta"}, el("span", {"data-role": "epoch"}, `Epoch ${region.epoch}`), ". ",
          admin && admin.url ? `Admin endpoint ${admin.url}. ` : "", last),
      hosts,
      el("h3", {}, "Recent failovers"),
      changes);
}

function render(snapshot) {
  lastSnapshot = snapshot;
  document.getElementById("generated").textContent = time(snapshot.generatedAt);
  regionsEl.replaceChildren(...(snapshot.regions.length
      ? snapshot.regions.map(regionSection)
      : [el("p", {className: "empty"}, "No region published yet.")]));
}

async function setAdmin(host, button) {
  button.disabled = true;
  try {
    const response = await fetch(`/v1/endpoints/${encodeURIComponent(host.adminEndpointId)}`, {
      method: "PATCH",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token()},
      body: JSON.stringify({url: host.adminUrl}),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      showMessage(`Admin endpoint set to ${host.hostId} (${host.adminUrl}).`, true);
    } else {
      showMessage(`Refused (${response.status}): ${body.detail || body.title || response.statusText}`, false);
    }
  } catch (error) {
    showMessage("Request failed: " + error, false);
  } finally {
    button.disabled = false;
  }
}

function updateAuthState() {
  document.getElementById("auth-state").textContent = token() ? "token set: set admin enabled" : "read-only";
  if (lastSnapshot) render(lastSnapshot);
}

document.getElementById("auth").addEventListener("submit", event => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, tokenEl.value.trim());
  tokenEl.value = "";
  updateAuthState();
});
document.getElementById("token-clear").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  updateAuthState();
});

function connect() {
  // EventSource reconnects by itself; the server sends a full snapshot on every (re)connect.
  const events = new EventSource("/ui/events");
  events.addEventListener("open", () => {
    connectionEl.dataset.state = "live";
    connectionEl.textContent = "live";
  });
  events.addEventListener("snapshot", event => render(JSON.parse(event.data)));
  events.addEventListener("error", () => {
    connectionEl.dataset.state = "lost";
    connectionEl.textContent = "reconnecting…";
  });
}

updateAuthState();
connect();
