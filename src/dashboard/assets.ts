// The dashboard's only stylesheet and script, inlined in every page under the page's CSP nonce: no build step, no
// second request, nothing from outside. They use data- attributes only; no value from a message is ever in them.

/** Light and dark themes (the system's, or the toggle's choice), tables that scroll sideways on a phone. */
export const STYLE = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#d8dee4;--head:#f3f5f7;--link:#0b5cad;--ok:#1a7f37;--warn:#9a6700;--bad:#c5221f;--off:#6e7781;--btn:#0b5cad;--btn-fg:#fff;--code:#f6f8fa;color-scheme:light}
:root[data-theme=dark]{--bg:#0d1117;--fg:#e6edf3;--muted:#9aa4ae;--line:#30363d;--head:#161b22;--link:#58a6ff;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--off:#8b949e;--btn:#1f6feb;--btn-fg:#fff;--code:#161b22;color-scheme:dark}
@media (prefers-color-scheme:dark){:root:not([data-theme=light]){--bg:#0d1117;--fg:#e6edf3;--muted:#9aa4ae;--line:#30363d;--head:#161b22;--link:#58a6ff;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--off:#8b949e;--btn:#1f6feb;--btn-fg:#fff;--code:#161b22;color-scheme:dark}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem 1rem;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--head)}
header .brand{font-weight:600;margin-right:auto}
nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem}
nav a{text-decoration:none;padding:.15rem 0}
nav a[aria-current=page]{font-weight:600;border-bottom:2px solid var(--link)}
main{padding:1rem;max-width:1400px}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
h2{font-size:1.08rem;margin:1.6rem 0 .6rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
tbody tr:last-child td{border-bottom:0}
th{background:var(--head);font-weight:600;white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2";font-size:.7em}
table.sortable th[aria-sort=descending]::after{content:" \\25BC";font-size:.7em}
td.num,th.num{text-align:right}
.muted{color:var(--muted)}
.outcome{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.85em;border:1px solid currentColor}
.outcome-succeeded{color:var(--ok)}.outcome-retry{color:var(--warn)}.outcome-failed{color:var(--bad)}.outcome-discarded{color:var(--off)}
.error{color:var(--bad)}
.notice{padding:.6rem .8rem;border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:4px;margin:0 0 1rem}
.notice.bad{border-left-color:var(--bad)}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
pre{background:var(--code);padding:.6rem;border-radius:4px;overflow:auto;max-height:32rem;white-space:pre-wrap;word-break:break-all}
td code{word-break:break-all}
details summary{cursor:pointer}
form.inline{display:inline}
button,.button{background:var(--btn);color:var(--btn-fg);border:0;border-radius:4px;padding:.35rem .8rem;font:inherit;cursor:pointer;text-decoration:none;display:inline-block}
button.danger{background:var(--bad)}
button.plain{background:transparent;color:var(--fg);border:1px solid var(--line)}
label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input,select,textarea{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:.35rem .5rem;max-width:100%}
textarea{width:100%;min-height:7rem;font-family:ui-monospace,Menlo,Consolas,monospace}
.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin-bottom:1rem}
.filters label{margin:0 0 .2rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0 0 1rem}
dl.fields dt{font-weight:600}
dl.fields dd{margin:0;min-width:0;overflow-wrap:anywhere}
.live{font-size:.85em}
@media (max-width:640px){main{padding:.7rem}th,td{padding:.35rem .45rem}body{font-size:14px}}
`

/**
 * Theme toggle (auto → dark → light, kept in localStorage), sortable tables, and live refreshes (queue counts,
 * a redrive's progress) by polling JSON. Values from the JSON are written with textContent only.
 */
export const SCRIPT = `
(function () {
  var root = document.documentElement, KEY = 'fastify-aws-dashboard-theme'
  function stored() { try { return localStorage.getItem(KEY) } catch (e) { return null } }
  function apply(t) { if (t === 'light' || t === 'dark') root.setAttribute('data-theme', t); else root.removeAttribute('data-theme') }
  apply(stored())
  document.addEventListener('DOMContentLoaded', function () {
    var toggle = document.getElementById('theme')
    if (toggle) {
      var label = function () { toggle.textContent = 'Theme: ' + (stored() || 'auto') }
      label()
      toggle.addEventListener('click', function () {
        var next = { auto: 'dark', dark: 'light', light: 'auto' }[stored() || 'auto'] || 'auto'
        try { if (next === 'auto') localStorage.removeItem(KEY); else localStorage.setItem(KEY, next) } catch (e) {}
        apply(next === 'auto' ? null : next)
        label()
      })
    }
    Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), sortable)
    var live = document.querySelector('[data-live-url]')
    if (live) poll(live, updateQueues)
    var task = document.querySelector('[data-task-url]')
    if (task) poll(task, updateTask)
  })
  function key(cell) {
    if (!cell) return ''
    var v = cell.getAttribute('data-sort')
    return v === null ? cell.textContent.trim() : v
  }
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : []
    Array.prototype.forEach.call(heads, function (th, col) {
      th.setAttribute('tabindex', '0')
      var go = function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending'
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort') })
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending')
        var body = table.tBodies[0]
        var rows = Array.prototype.slice.call(body.rows)
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col])
          var nx = Number(x), ny = Number(y)
          var c = (x !== '' && y !== '' && isFinite(nx) && isFinite(ny)) ? nx - ny : x.localeCompare(y, undefined, { numeric: true })
          return asc ? c : -c
        })
        rows.forEach(function (r) { body.appendChild(r) })
      }
      th.addEventListener('click', go)
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go() } })
    })
  }
  function poll(el, update) {
    var url = el.getAttribute('data-live-url') || el.getAttribute('data-task-url')
    var every = Number(el.getAttribute('data-interval')) || 2000
    var busy = false, timer
    var tick = function () {
      if (!el.hasAttribute('data-live-url') && !el.hasAttribute('data-task-url')) return clearInterval(timer)
      if (busy || document.hidden) return
      busy = true
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json() })
        .then(function (data) { update(el, data); el.removeAttribute('data-stale') })
        .catch(function (e) { el.setAttribute('data-stale', 'true'); var s = document.getElementById('live-status'); if (s) s.textContent = 'refresh failed: ' + e.message })
        .then(function () { busy = false })
    }
    timer = setInterval(tick, every)
  }
  function setCell(name, field, value) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-q][data-f]'), function (cell) {
      if (cell.getAttribute('data-q') === name && cell.getAttribute('data-f') === field) {
        var text = value === null || value === undefined ? '–' : String(value)
        if (cell.textContent !== text) cell.textContent = text
        cell.setAttribute('data-sort', value === null || value === undefined ? '-1' : String(value))
      }
    })
  }
  function updateQueues(el, data) {
    (data.queues || []).forEach(function (q) {
      setCell(q.name, 'visible', q.visible); setCell(q.name, 'inFlight', q.inFlight); setCell(q.name, 'delayed', q.delayed)
      setCell(q.name, 'dlqVisible', q.deadLetter ? q.deadLetter.visible : null)
    })
    var s = document.getElementById('live-status')
    if (s) s.textContent = 'updated ' + new Date(data.at).toISOString().slice(11, 19) + ' UTC'
  }
  function updateTask(el, data) {
    ['state', 'moved', 'failed', 'total', 'method', 'note'].forEach(function (f) {
      var cell = document.getElementById('task-' + f)
      if (cell) cell.textContent = data[f] === null || data[f] === undefined ? '–' : String(data[f])
    })
    if (data.state !== 'running') el.removeAttribute('data-task-url')
  }
})()
`
