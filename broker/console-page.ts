// A minimal web console: datasources, a query box, results. Static; talks to the same HTTP API.
export function consolePage(version: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sediment ${escapeHtml(version)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
textarea{width:100%;height:14em;font:13px monospace}
pre{background:#f5f5f5;padding:1em;overflow:auto;max-height:40em}
button{font-size:14px;padding:.4em 1em}
</style></head><body>
<h1>Sediment</h1>
<p>A time-series OLAP segment store speaking Druid's native JSON query language on <code>POST /druid/v2</code>.</p>
<h2>Datasources</h2><ul id="datasources"><li>loading…</li></ul>
<h2>Query</h2>
<textarea id="query">{
  "queryType": "timeseries",
  "dataSource": "sample_events",
  "granularity": "day",
  "intervals": ["1000-01-01/3000-01-01"],
  "aggregations": [{"type": "count", "name": "rows"}]
}</textarea>
<p><button id="run">Run</button> <span id="took"></span></p>
<pre id="result"></pre>
<script>
async function loadDatasources() {
  const list = document.getElementById('datasources');
  const names = await (await fetch('/druid/v2/datasources')).json();
  list.innerHTML = names.length ? '' : '<li>none yet</li>';
  for (const name of names) { const li = document.createElement('li'); li.textContent = name; list.appendChild(li); }
}
document.getElementById('run').onclick = async () => {
  const started = performance.now();
  const response = await fetch('/druid/v2?pretty', { method: 'POST', headers: { 'content-type': 'application/json' }, body: document.getElementById('query').value });
  document.getElementById('result').textContent = await response.text();
  document.getElementById('took').textContent = response.status + ' in ' + Math.round(performance.now() - started) + ' ms';
};
loadDatasources();
</script></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
