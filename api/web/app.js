// The wangge map page: the district's grids by level, sites by kind, reports
// by status, coverage and siting, over an optional raster base map. It talks
// only to the server that served it (the public map routes, and the report
// routes with the token the user gives in the settings), and to the base
// map's tile server when one is set.
//
// Labels: MapLibre draws text from a style's "glyphs" server; with none (this
// page works offline) it draws every glyph, CJK and Latin alike, with the
// browser's local fonts (the text-font stack below), so no glyph files are
// needed.

// The modules carry the build's asset version, as this one does.
const v = new URL(import.meta.url).searchParams.get('v') || '';
const maplibregl = await import(`./maplibre/maplibre-gl.mjs?v=${v}`);
const { L } = await import(`./i18n.js?v=${v}`);
const { convert, parseCoords } = await import(`./crs.js?v=${v}`);

// ---------------------------------------------------------------- i18n

const params = new URLSearchParams(location.search);
let lang = params.get('lang') || localStorage.getItem('wangge.lang') || 'zh';
if (!L[lang]) lang = 'zh';

function t(key, vars = {}) {
  const s = L[lang][key] ?? L.zh[key] ?? key;
  // A function value is called at each drawing, so that it follows the language.
  return s.replace(/\{(\w+)\}/g, (_, k) => (typeof vars[k] === 'function' ? vars[k]() : vars[k] ?? ''));
}

function applyI18n() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('title')} · wangge`;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  $('lang').textContent = lang === 'zh' ? 'EN' : '中文';
}

// ---------------------------------------------------------------- helpers

const $ = (id) => document.getElementById(id);
const base = location.pathname.replace(/[^/]*$/, ''); // the page may sit under a proxy prefix
const origin = location.origin + base;

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function fmt(n, digits = 0) {
  return Number(n).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: digits });
}

function pct(r) {
  return r == null ? '–' : `${(r * 100).toFixed(1)}%`;
}

class HTTPError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

// api fetches a JSON route of this server. Only the report routes get the
// token: a token that is sent must be valid even on public routes, so a
// stale one must not break the map.
async function api(path, { method = 'GET', body, token = false } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token && settings.token) headers.Authorization = `Bearer ${settings.token}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  if (res.status !== 204) data = await res.json().catch(() => null);
  if (!res.ok) throw new HTTPError(res.status, data);
  return data;
}

// say shows a message in the bar: t(key, vars), drawn again when the
// language changes.
let lastSay = null;
function say(key, vars = {}, error = false) {
  lastSay = { key, vars, error };
  $('msg').textContent = t(key, vars);
  $('msg').title = $('msg').textContent; // the whole message when it is cut short
  $('msg').classList.toggle('error', error);
}

function fail(err) {
  say('error', { msg: err.message }, true);
}

// ---------------------------------------------------------------- settings

const settings = {
  basemap: params.get('basemap') ?? localStorage.getItem('wangge.basemap') ?? '',
  basemapCRS: params.get('basemap_crs') ?? localStorage.getItem('wangge.basemapCRS') ?? 'wgs84',
  token: sessionStorage.getItem('wangge.token') || '', // for this tab only, never in the URL
};
if (!['wgs84', 'gcj02', 'bd09'].includes(settings.basemapCRS)) settings.basemapCRS = 'wgs84';
// The overlays are drawn in the base map's coordinate system: a base map in
// China is GCJ-02 or BD-09, and a WGS-84 overlay would sit 300-600 m off.
const mapCRS = settings.basemap ? settings.basemapCRS : 'wgs84';
const crsQ = mapCRS === 'wgs84' ? '' : `crs=${mapCRS}`;
const withCRS = (path) => (crsQ ? path + (path.includes('?') ? '&' : '?') + crsQ : path);

// ---------------------------------------------------------------- map style

const LEVEL_COLORS = ['#8dd3c7', '#fdb462', '#bebada', '#fb8072', '#80b1d3', '#b3de69', '#fccde5', '#ffed6f'];
const KIND_COLORS = {
  station: '#e6550d', school: '#3182bd', kindergarten: '#9e6ac8', clinic: '#31a354', company: '#636363',
  construction_site: '#8c6d31', residential: '#9ecae1', candidate: '#e7298a',
};
const OTHER_KIND_COLORS = ['#17becf', '#bcbd22', '#7f7f7f', '#d62728'];
const STATUS_GROUPS = {
  pending: { color: '#dc2626', statuses: ['reported', 'unassigned', 'assigned', 'reassigned', 'returned', 'escalated'] },
  working: { color: '#f59e0b', statuses: ['accepted', 'in_progress'] },
  done: { color: '#16a34a', statuses: ['resolved', 'verified', 'closed'] },
  rejected: { color: '#9ca3af', statuses: ['rejected'] },
};
// The topology problems of GET /v1/validation (tiles/validation), by kind.
const PROBLEM_COLORS = {
  overlap: '#dc2626', gap: '#2563eb', outside_parent: '#9333ea', sliver: '#ea580c', invalid: '#111827',
};
const OPEN_STATUSES = [...STATUS_GROUPS.pending.statuses, ...STATUS_GROUPS.working.statuses];
const DEFAULT_KINDS = ['station', 'school', 'kindergarten', 'clinic'];
const TEXT_FONT = ['PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'sans-serif'];
const NO_MATCH = ['==', ['get', 'code'], ''];

const state = {
  levels: [], // [{level, minzoom, count}] coarsest first
  level: '', // the chosen level
  shown: '', // the level drawn (see shownLevel)
  kinds: [],
  shownKinds: new Set(),
  shownStatus: new Set(Object.keys(STATUS_GROUPS)),
  shownProblems: new Set(), // topology problem kinds drawn (none until asked for)
  selected: null, // the selected grid's Feature
  geocode: false, // whether the server has /v1/geocode
  markers: [],
  located: null,
  coverage: null, // the last GET /v1/coverage answer
  siting: null, // the last POST /v1/siting answer
};

function rank(level) {
  return state.levels.findIndex((l) => l.level === level);
}

function tileURL(layer) {
  return withCRS(`${origin}tiles/${layer}/{z}/{x}/{y}.mvt`);
}

function emptyFC() {
  return { type: 'FeatureCollection', features: [] };
}

function buildStyle(tj) {
  const sources = {
    grids: { type: 'vector', tiles: [tileURL('grids')], minzoom: tj.grids.minzoom, maxzoom: tj.grids.maxzoom, bounds: tj.grids.bounds },
    sites: { type: 'vector', tiles: [tileURL('sites')], minzoom: tj.sites.minzoom, maxzoom: tj.sites.maxzoom, bounds: tj.sites.bounds },
    // No reports store on the server (503): an empty layer, so nothing fails.
    reports: tj.reports
      ? { type: 'vector', tiles: [tileURL('reports')], minzoom: tj.reports.minzoom, maxzoom: tj.reports.maxzoom, bounds: tj.reports.bounds }
      : { type: 'geojson', data: emptyFC() },
    // Validation tiles come from the served boundaries' topology check.
    validation: tj.validation
      ? { type: 'vector', tiles: [tileURL('validation')], minzoom: tj.validation.minzoom, maxzoom: tj.validation.maxzoom, bounds: tj.validation.bounds }
      : { type: 'geojson', data: emptyFC() },
    labels: { type: 'geojson', data: emptyFC() },
    selected: { type: 'geojson', data: emptyFC() },
    cover: { type: 'geojson', data: emptyFC() },
    uncovered: { type: 'geojson', data: emptyFC() },
    siting: { type: 'geojson', data: emptyFC() },
  };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } }];
  if (settings.basemap) {
    sources.basemap = { type: 'raster', tiles: [settings.basemap], tileSize: 256, maxzoom: 19 };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  const palette = ['match', ['%', ['to-number', ['id'], 0], LEVEL_COLORS.length]];
  LEVEL_COLORS.forEach((c, i) => palette.push(i, c));
  palette.push(LEVEL_COLORS[0]);
  layers.push(
    { id: 'grid-fill', type: 'fill', source: 'grids', 'source-layer': 'grids', filter: NO_MATCH,
      paint: { 'fill-color': palette, 'fill-opacity': fillOpacity(false) } },
    { id: 'grid-noservice', type: 'fill', source: 'grids', 'source-layer': 'grids', filter: NO_MATCH,
      paint: { 'fill-color': '#b91c1c', 'fill-opacity': 0.3 } },
    { id: 'grid-line', type: 'line', source: 'grids', 'source-layer': 'grids', filter: NO_MATCH,
      paint: { 'line-color': '#475569', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 16, 1.2] } },
    { id: 'grid-context', type: 'line', source: 'grids', 'source-layer': 'grids', filter: NO_MATCH,
      paint: { 'line-color': '#1e293b', 'line-width': 1.6 } },
    { id: 'cover-fill', type: 'fill', source: 'cover', paint: { 'fill-color': '#e6550d', 'fill-opacity': 0.08 } },
    { id: 'cover-line', type: 'line', source: 'cover', paint: { 'line-color': '#e6550d', 'line-width': 0.8, 'line-opacity': 0.6 } },
    { id: 'siting-fill', type: 'fill', source: 'siting', paint: { 'fill-color': '#7c3aed', 'fill-opacity': 0.12 } },
    { id: 'siting-line', type: 'line', source: 'siting', paint: { 'line-color': '#7c3aed', 'line-width': 1.5, 'line-dasharray': [3, 2] } },
    { id: 'selected-fill', type: 'fill', source: 'selected', paint: { 'fill-color': '#c2410c', 'fill-opacity': 0.15 } },
    { id: 'selected-line', type: 'line', source: 'selected', paint: { 'line-color': '#c2410c', 'line-width': 3 } },
    ...['problem-fill', 'problem-line', 'problem-point'].map((id) => ({
      id, source: 'validation', ...(tj.validation && { 'source-layer': 'validation' }), filter: NO_MATCH,
      ...(id === 'problem-fill' ? { type: 'fill', paint: { 'fill-color': problemColorExpr(), 'fill-opacity': 0.45 } }
        : id === 'problem-line' ? { type: 'line', paint: { 'line-color': problemColorExpr(), 'line-width': 2 } }
          : { type: 'circle', paint: { 'circle-color': problemColorExpr(), 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } }),
    })),
    { id: 'sites', type: 'circle', source: 'sites', 'source-layer': 'sites', filter: NO_MATCH,
      paint: {
        'circle-color': kindColorExpr(tj.sites.kinds || []),
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 2.5, 15, 5, 18, 8],
        'circle-stroke-color': '#fff', 'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 15, 1.2],
      } },
    { id: 'reports', type: 'circle', source: 'reports', ...(tj.reports && { 'source-layer': 'reports' }), filter: NO_MATCH,
      paint: {
        'circle-color': statusColorExpr(),
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 15, 6, 18, 9],
        'circle-stroke-color': '#111827', 'circle-stroke-width': 1,
      } },
    { id: 'uncovered', type: 'circle', source: 'uncovered',
      paint: { 'circle-color': '#b10026', 'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3.5, 15, 7],
        'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } },
    { id: 'labels', type: 'symbol', source: 'labels', filter: NO_MATCH,
      layout: { 'text-field': ['get', 'name'], 'text-font': TEXT_FONT, 'text-size': ['get', 'size'], 'text-max-width': 7,
        'text-padding': 3, 'symbol-sort-key': ['get', 'sort'] },
      paint: { 'text-color': '#111827', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4 } },
  );
  return { version: 8, sources, layers };
}

// fillOpacity of the grids: lighter over a base map, and while coverage is
// shown (its grids without service must stand out).
function fillOpacity(coverage) {
  return coverage ? 0.12 : settings.basemap ? 0.18 : 0.45;
}

function kindColor(kind, kinds) {
  return KIND_COLORS[kind] || OTHER_KIND_COLORS[Math.max(0, kinds.indexOf(kind)) % OTHER_KIND_COLORS.length];
}

function kindColorExpr(kinds) {
  const e = ['match', ['get', 'kind']];
  for (const k of kinds) e.push(k, kindColor(k, kinds));
  e.push('#7f7f7f');
  return kinds.length ? e : '#7f7f7f';
}

function problemColorExpr() {
  const e = ['match', ['get', 'kind']];
  for (const [k, c] of Object.entries(PROBLEM_COLORS)) e.push(k, c);
  e.push('#6b7280');
  return e;
}

function statusColorExpr() {
  const e = ['match', ['get', 'status']];
  for (const g of Object.values(STATUS_GROUPS)) e.push(g.statuses, g.color);
  e.push('#6b7280');
  return e;
}

// ---------------------------------------------------------------- levels

function defaultLevel() {
  const want = params.get('level');
  if (want && rank(want) >= 0) return want;
  // The finest level that is visible at the starting zoom, but not the root.
  const z = map.getZoom();
  const visible = state.levels.filter((l) => l.minzoom <= z + 0.5);
  const pick = visible.length > 1 ? visible[visible.length - 1] : state.levels[Math.min(1, state.levels.length - 1)];
  return pick?.level || '';
}

function setupLevels() {
  const box = $('levels');
  box.replaceChildren();
  for (const l of state.levels) {
    const lab = document.createElement('label');
    lab.dataset.level = l.level;
    const inp = document.createElement('input');
    inp.type = 'radio';
    inp.name = 'level';
    inp.value = l.level;
    inp.addEventListener('change', () => setLevel(l.level, true));
    const span = document.createElement('span');
    span.dataset.i18n = l.level;
    span.textContent = t(l.level);
    lab.append(inp, span);
    lab.title = `${l.count}`;
    box.append(lab);
  }
  setLevel(defaultLevel(), false);
}

function setLevel(level, zoomIn) {
  state.level = level;
  for (const inp of document.querySelectorAll('#levels input')) inp.checked = inp.value === level;
  const u = new URL(location.href);
  u.searchParams.set('level', level);
  history.replaceState(null, '', u);
  const r = rank(level);
  const lmin = state.levels[r]?.minzoom ?? 0;
  if (zoomIn && map.getZoom() < lmin) map.easeTo({ zoom: r >= 2 ? lmin + 1 : lmin + 0.2 });
  applyLevel();
}

// shownLevel is the chosen level where the map is zoomed in enough for the
// tiles to carry it, else the finest level they carry at this zoom: zooming
// out never empties the map.
function shownLevel() {
  const z = map.getZoom();
  for (let i = rank(state.level); i > 0; i--) {
    if (state.levels[i].minzoom <= z) return state.levels[i].level;
  }
  return state.levels[0]?.level || '';
}

function applyLevel() {
  const level = shownLevel();
  if (level !== state.shown) {
    state.shown = level;
    const r = rank(level);
    const coarser = state.levels.slice(0, Math.max(0, r)).map((l) => l.level);
    map.setFilter('grid-fill', ['==', ['get', 'level'], level]);
    map.setFilter('grid-line', ['==', ['get', 'level'], level]);
    map.setFilter('grid-context', coarser.length ? ['in', ['get', 'level'], ['literal', coarser]] : NO_MATCH);
    map.setFilter('labels', ['==', ['get', 'level'], level]);
    // Fine levels are dense: their labels come a zoom later.
    const lmin = state.levels[r]?.minzoom ?? 0;
    map.setLayerZoomRange('labels', r >= 2 ? lmin + 1 : lmin, 24);
  }
  updateLevelHint();
  loadLabels();
}

function updateLevelHint() {
  const l = state.levels[rank(state.level)];
  const shown = state.shown;
  $('levelHint').textContent = l && shown && shown !== l.level
    ? t('zoomIn', { z: l.minzoom, level: t(l.level), shown: t(shown) }) : '';
}

// ---------------------------------------------------------------- labels
// Label points come from GET /v1/grids (label_point: a point strictly inside
// each grid), fetched per block of the map and per level, once each.

const labelFeatures = new Map(); // code -> Feature
const labelBlocks = new Set(); // "level/z/x/y" fetched or in flight
const LABEL_SIZE = [16, 14, 13, 12, 11];

function blockZoom(level) {
  // Coarse levels are few: fetch them whole; fine ones by map block.
  const r = rank(level);
  return r <= 1 ? 0 : r === 2 ? 10 : 12;
}

function lonLatToTile(lon, lat, z) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const s = Math.sin((lat * Math.PI) / 180);
  const y = Math.floor((0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

function tileBounds(x, y, z) {
  const n = 2 ** z;
  const lon = (i) => (i / n) * 360 - 180;
  const lat = (j) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

function loadLabels() {
  const level = state.shown;
  const l = state.levels[rank(level)];
  if (!l || map.getZoom() < l.minzoom) return;
  const z = blockZoom(level);
  const b = map.getBounds();
  const [x0, y0] = lonLatToTile(b.getWest(), b.getNorth(), z);
  const [x1, y1] = lonLatToTile(b.getEast(), b.getSouth(), z);
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > 64) return;
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      const key = `${level}/${z}/${x}/${y}`;
      if (labelBlocks.has(key)) continue;
      labelBlocks.add(key);
      const bbox = z === 0 ? '' : `&bbox=${tileBounds(x, y, z).map((n) => n.toFixed(6)).join(',')}`;
      fetchLabels(`v1/grids?level=${encodeURIComponent(level)}&simplify_m=100000&limit=1000${bbox}`)
        .catch((err) => { labelBlocks.delete(key); fail(err); });
    }
  }
}

async function fetchLabels(path) {
  let cursor = '';
  for (let page = 0; page < 20; page++) {
    const fc = await api(withCRS(path + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '')));
    for (const f of fc.features || []) {
      const p = f.properties;
      if (!p.label_point || labelFeatures.has(p.code)) continue;
      const r = rank(p.level);
      labelFeatures.set(p.code, {
        type: 'Feature', id: Number(p.code) || undefined, geometry: { type: 'Point', coordinates: p.label_point },
        properties: { code: p.code, name: p.name, level: p.level, size: LABEL_SIZE[r] ?? 11, sort: r },
      });
    }
    cursor = fc.next_cursor;
    if (!cursor) break;
  }
  map.getSource('labels').setData({ type: 'FeatureCollection', features: [...labelFeatures.values()] });
}

// ---------------------------------------------------------------- sites and reports

function legendItem(box, key, color, checked, onChange, label) {
  const lab = document.createElement('label');
  lab.dataset.key = key;
  const inp = document.createElement('input');
  inp.type = 'checkbox';
  inp.checked = checked;
  inp.addEventListener('change', () => onChange(inp.checked));
  const sw = document.createElement('span');
  sw.className = 'swatch';
  sw.style.background = color;
  const name = document.createElement('span');
  if (L.zh[label]) name.dataset.i18n = label;
  name.textContent = t(label);
  lab.append(inp, sw, name);
  box.append(lab);
}

function setupKinds() {
  const box = $('kinds');
  box.replaceChildren();
  for (const k of state.kinds) {
    if (DEFAULT_KINDS.includes(k)) state.shownKinds.add(k);
    legendItem(box, k, kindColor(k, state.kinds), state.shownKinds.has(k), (on) => {
      on ? state.shownKinds.add(k) : state.shownKinds.delete(k);
      filterSites();
    }, k);
  }
  filterSites();
}

function filterSites() {
  map.setFilter('sites', state.shownKinds.size ? ['in', ['get', 'kind'], ['literal', [...state.shownKinds]]] : NO_MATCH);
}

function setupStatuses() {
  const box = $('statuses');
  box.replaceChildren();
  if (!reportsTJ) {
    box.textContent = t('noReportsStore');
    return;
  }
  for (const [g, def] of Object.entries(STATUS_GROUPS)) {
    legendItem(box, g, def.color, state.shownStatus.has(g), (on) => {
      on ? state.shownStatus.add(g) : state.shownStatus.delete(g);
      filterReports();
    }, g);
  }
  filterReports();
}

function filterReports() {
  const st = [...state.shownStatus].flatMap((g) => STATUS_GROUPS[g].statuses);
  map.setFilter('reports', st.length ? ['in', ['get', 'status'], ['literal', st]] : NO_MATCH);
}

// setupProblems: one check box per kind of topology problem (overlaps,
// gaps, parts outside the parent, slivers, invalid geometry); the problems
// are drawn from the validation tiles, polygons filled and outlined, points
// (invalid geometry, problems too small for the zoom) as dots.
function setupProblems() {
  const box = $('problems');
  box.replaceChildren();
  updateProblemsHint();
  if (!validationTJ) return;
  for (const [k, color] of Object.entries(PROBLEM_COLORS)) {
    legendItem(box, k, color, state.shownProblems.has(k), (on) => {
      on ? state.shownProblems.add(k) : state.shownProblems.delete(k);
      filterProblems();
    }, k);
  }
  filterProblems();
}

function updateProblemsHint() {
  $('problemsHint').textContent = validationTJ ? t('problemsZoom', { z: validationTJ.minzoom }) : t('noValidation');
}

function filterProblems() {
  const kinds = ['in', ['get', 'kind'], ['literal', [...state.shownProblems]]];
  const on = state.shownProblems.size > 0;
  const polygon = ['==', ['geometry-type'], 'Polygon'];
  map.setFilter('problem-fill', on ? ['all', kinds, polygon] : NO_MATCH);
  map.setFilter('problem-line', on ? ['all', kinds, polygon] : NO_MATCH);
  map.setFilter('problem-point', on ? ['all', kinds, ['==', ['geometry-type'], 'Point']] : NO_MATCH);
}

// ---------------------------------------------------------------- selection

function setupClicks() {
  for (const layer of ['grid-fill', 'sites', 'reports', 'uncovered', 'problem-fill', 'problem-point']) {
    map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
  }
  map.on('click', (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: ['uncovered', 'sites', 'reports', 'problem-point', 'problem-fill'] })[0];
    if (hit) {
      popup(e.lngLat, hit);
      return;
    }
    const g = map.queryRenderedFeatures(e.point, { layers: ['grid-fill'] })[0];
    if (g) selectGrid(g.properties.code).catch(fail);
  });
  $('infoClose').addEventListener('click', clearSelection);
}

function popup(lngLat, f) {
  const p = f.properties;
  let html;
  if (f.layer.id === 'sites') html = `<b>${esc(p.name || p.id)}</b><br>${esc(t(p.kind))} · ${esc(p.id)}`;
  else if (f.layer.id === 'reports') html = `<b>#${esc(f.id)}</b> ${esc(p.status)}<br>${esc(p.category)}`;
  else if (f.layer.id.startsWith('problem-')) html = `<b>${esc(t(p.kind))}</b><br>${esc(p.detail)}`;
  else html = `<b>${esc(p.name || p.id)}</b><br>${esc(t('uncovered'))} · ${fmt(p.weight)} · ${fmt(p.nearest_service_m)} m`;
  new maplibregl.Popup({ closeButton: false, maxWidth: '240px' }).setLngLat(lngLat).setHTML(html).addTo(map);
}

function clearSelection() {
  state.selected = null;
  $('info').hidden = true;
  delete $('info').dataset.code;
  map.getSource('selected').setData(emptyFC());
}

let selectSeq = 0;

// selectGrid shows a grid's card: its chain, team, figures and report counts.
async function selectGrid(code, { fly = false } = {}) {
  const seq = ++selectSeq;
  const f = await api(withCRS(`v1/grids/${encodeURIComponent(code)}`));
  if (seq !== selectSeq) return;
  state.selected = f;
  map.getSource('selected').setData(f);
  if (fly) {
    const bb = bbox(f.geometry);
    map.fitBounds([[bb[0], bb[1]], [bb[2], bb[3]]], { padding: 80, maxZoom: 16, duration: 0 });
  }
  renderInfo(f, null);
  renderInfo(f, await reportCounts(f).catch((err) => ({ error: err })));
}

function renderInfo(f, counts) {
  const p = f.properties;
  const a = p.attributes || {};
  const chain = (p.path || []).map((g) => (g.code === p.code
    ? `<span>${esc(g.name)}</span>`
    : `<a data-code="${esc(g.code)}" title="${esc(g.code)}">${esc(g.name)}</a>`)).join('<span class="sep">›</span>');
  const rows = [];
  const person = (name, phone) => esc(name) + (phone ? ` <span class="code">${esc(phone)}</span>` : '');
  if (a.leader) rows.push([t('leader'), person(a.leader, a.leader_phone)]);
  if (a.secretary) rows.push([t('secretary'), person(a.secretary, a.secretary_phone)]);
  if (a.members != null) rows.push([t('members'), Array.isArray(a.members) ? esc(a.members.join('、')) : esc(a.members)]);
  if (a.households != null) rows.push([t('households'), fmt(a.households)]);
  if (a.population != null) rows.push([t('population'), fmt(a.population)]);
  if (a.area_km2 != null) rows.push([t('area'), `${fmt(a.area_km2, 3)} ${t('km2')}`]);
  if (p.children?.length) rows.push([t('children'), `${p.children.length} ${t(p.children[0].level)}`]);
  let countsHTML = `<div class="counts"><div>${t('loading')}</div></div>`;
  if (counts?.error) {
    const msg = counts.error.status === 401 ? t('tokenRejected') : counts.error.status === 503 ? t('noReportsStore') : counts.error.message;
    countsHTML = `<div class="counts"><div class="hint">${esc(msg)}</div></div>`;
  } else if (counts?.exact) {
    countsHTML = `<div class="counts"><div class="open">${t('open')}<b>${counts.open}</b></div>`
      + `<div class="overdue${counts.overdue && counts.overdue !== 0 ? ' late' : ''}">${t('overdue')}<b>${counts.overdue}</b></div></div>`;
  } else if (counts) {
    countsHTML = `<div class="counts"><div class="open">${t('open')}<b>${counts.open}</b>`
      + `<span class="hint">${t('publicCount')}</span></div><div class="overdue hint">${t('needToken')}</div></div>`;
  }
  $('infoBody').innerHTML = `<h3>${esc(p.name)}</h3><div class="code">${esc(t(p.level))} · ${esc(p.code)}</div>`
    + `<div class="chain">${chain}</div><dl>${rows.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val}</dd>`).join('')}</dl>${countsHTML}`;
  for (const el of $('infoBody').querySelectorAll('.chain a')) {
    el.addEventListener('click', () => selectGrid(el.dataset.code, { fly: true }).catch(fail));
  }
  $('info').hidden = false;
  $('info').dataset.code = p.code;
  if (counts) $('info').dataset.counts = counts.error ? 'error' : counts.exact ? 'exact' : 'public';
  else delete $('info').dataset.counts;
}

// reportCounts: with a token, the open and overdue reports of the grid and
// its descendants (GET /v1/reports); without one, the open report points of
// the public tiles in view that fall inside the grid (the tiles carry no
// deadline, so overdue needs the token).
async function reportCounts(f) {
  if (!reportsTJ) return { error: { status: 503 } };
  const code = f.properties.code;
  if (settings.token) {
    const q = `v1/reports?grid=${encodeURIComponent(code)}&descendants=true&limit=1000`;
    const [open, overdue] = await Promise.all([
      countAll(`${q}&status=${OPEN_STATUSES.join(',')}`),
      countAll(`${q}&overdue=true`),
    ]);
    return { exact: true, open, overdue };
  }
  const seen = new Set();
  for (const r of map.querySourceFeatures('reports', { sourceLayer: 'reports' })) {
    if (seen.has(r.id) || !OPEN_STATUSES.includes(r.properties.status)) continue;
    if (inside(r.geometry.coordinates, f.geometry)) seen.add(r.id);
  }
  return { exact: false, open: seen.size };
}

async function countAll(path) {
  let n = 0, cursor = '';
  for (let page = 0; page < 50; page++) {
    const r = await api(path + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''), { token: true });
    n += r.reports.length;
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  return cursor ? `${n}+` : n;
}

function inside([x, y], g) {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  return polys.some((rings) => rings.reduce((inn, ring) => {
    let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
    return inn !== c; // the shell toggles in, each hole toggles out
  }, false));
}

function bbox(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(g.coordinates);
  return b;
}

// ---------------------------------------------------------------- search

function setupSearch() {
  $('qcrs').value = mapCRS; // coordinates are most often copied from the base map in use
  $('search').addEventListener('submit', (e) => {
    e.preventDefault();
    search($('q').value).catch(fail);
  });
}

async function search(text) {
  text = text.trim();
  if (!text) return;
  const p = parseCoords(text);
  if (p) return locate(p, $('qcrs').value);
  if (!state.geocode) {
    say('noGeocode', {}, true);
    return;
  }
  let res;
  try {
    res = await api(withCRS(`v1/geocode?q=${encodeURIComponent(text)}&limit=5`));
  } catch (err) {
    if (err.status === 404) {
      say(err.code === 'not_found' && /route/.test(err.message) ? 'noGeocode' : 'noMatch', {}, true);
      return;
    }
    throw err;
  }
  const top = res?.results?.[0];
  if (!top) {
    say('noMatch', {}, true);
    return;
  }
  say('geocoded', { address: top.address, precision: top.precision });
  placePin([top.lon, top.lat]);
  if (top.grid?.code) await selectGrid(top.grid.code);
}

// locate finds the grid owning p (in crs) and shows it.
async function locate(p, crs) {
  const res = await api(`v1/locate?lon=${p[0]}&lat=${p[1]}&crs=${crs}`);
  placePin(convert(p, crs, mapCRS));
  if (!res.owner) {
    clearSelection();
    say('outside', {}, true);
    return;
  }
  say('located', { name: res.path.map((g) => g.name).join(' › '), match: () => t(res.match) });
  await selectGrid(res.owner.code);
}

function placePin(p) {
  state.located?.remove();
  const el = document.createElement('div');
  el.className = 'pin';
  state.located = new maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat(p).addTo(map);
  map.jumpTo({ center: p, zoom: Math.max(map.getZoom(), 15) });
}

// ---------------------------------------------------------------- coverage and siting

function setupCoverage() {
  for (const id of ['cvService', 'cvDemand']) {
    const sel = $(id);
    sel.replaceChildren(...state.kinds.map((k) => new Option(t(k), k)));
  }
  if (state.kinds.includes('station')) $('cvService').value = 'station';
  if (state.kinds.includes('residential')) $('cvDemand').value = 'residential';
  $('coverageForm').addEventListener('submit', (e) => {
    e.preventDefault();
    runCoverage().catch(fail);
  });
  $('coverageClear').addEventListener('click', () => {
    map.getSource('cover').setData(emptyFC());
    map.getSource('uncovered').setData(emptyFC());
    map.setFilter('grid-noservice', NO_MATCH);
    map.setPaintProperty('grid-fill', 'fill-opacity', fillOpacity(false));
    $('coverageOut').replaceChildren();
    state.coverage = null;
  });
}

function reach() {
  const r = $('cvRadius').value.trim();
  const preset = $('cvPreset').value;
  const q = { service: $('cvService').value, demand: $('cvDemand').value };
  if (r !== '') q.radius_m = Number(r);
  else if (preset) q.preset = preset;
  else q.radius_m = 500;
  return q;
}

async function runCoverage() {
  const q = reach();
  $('coverageOut').textContent = t('loading');
  const qs = new URLSearchParams(Object.entries(q).map(([k, val]) => [k, String(val)]));
  const [rep, svc] = await Promise.all([
    api(withCRS(`v1/coverage?${qs}`)),
    api(withCRS(`v1/sites?kind=${encodeURIComponent(q.service)}`)),
  ]);
  map.getSource('cover').setData({
    type: 'FeatureCollection',
    features: svc.features.map((f) => circle(f.geometry.coordinates, rep.radius_m, f.properties)),
  });
  map.getSource('uncovered').setData({
    type: 'FeatureCollection',
    features: rep.uncovered.map((u) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [u.lon, u.lat] }, properties: u })),
  });
  const codes = rep.grids_without_service.map((g) => g.code);
  map.setFilter('grid-noservice', codes.length ? ['in', ['get', 'code'], ['literal', codes]] : NO_MATCH);
  map.setPaintProperty('grid-fill', 'fill-opacity', fillOpacity(true));
  if (!state.shownKinds.has(q.service)) {
    state.shownKinds.add(q.service);
    document.querySelector(`#kinds label[data-key="${CSS.escape(q.service)}"] input`).checked = true;
    filterSites();
  }
  state.coverage = rep;
  renderCoverage();
}

function renderCoverage() {
  const rep = state.coverage;
  if (!rep) return;
  const tot = rep.totals;
  const codes = rep.grids_without_service;
  $('coverageOut').innerHTML = `<div><span class="big" id="coverageRatio">${pct(tot.ratio)}</span> ${esc(t('covered'))}`
    + ` · ${fmt(rep.radius_m)} m</div><div>${esc(t('people'))}: ${fmt(tot.covered_weight)} / ${fmt(tot.demand_weight)}</div>`
    + `<div><span class="swatch uncovered"></span> ${esc(t('uncovered'))}: <b>${fmt(tot.demand_count - tot.covered_count)}</b></div>`
    + `<div><span class="swatch square noservice"></span> ${esc(t('gridsNoService'))}: `
    + `<b>${fmt(codes.length)}</b> (${esc(t(rep.level))})</div>`;
}

// circle is a 64-gon of radius m metres around c (lon, lat), on a sphere.
function circle(c, m, properties = {}) {
  const R = 6371008.8;
  const d = m / R;
  const lat1 = (c[1] * Math.PI) / 180, lon1 = (c[0] * Math.PI) / 180;
  const ring = [];
  for (let i = 0; i <= 64; i++) {
    const th = (i / 64) * 2 * Math.PI;
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(th));
    const lon2 = lon1 + Math.atan2(Math.sin(th) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
    ring.push([(lon2 * 180) / Math.PI, (lat2 * 180) / Math.PI]);
  }
  return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties };
}

function setupSiting() {
  if (!state.kinds.includes('candidate')) $('stCand').value = 'lattice:200';
  $('sitingForm').addEventListener('submit', (e) => {
    e.preventDefault();
    runSiting().catch(fail);
  });
  $('sitingClear').addEventListener('click', clearSiting);
}

function clearSiting() {
  state.markers.forEach((m) => m.remove());
  state.markers = [];
  map.getSource('siting').setData(emptyFC());
  $('sitingOut').replaceChildren();
  state.siting = null;
}

async function runSiting() {
  const body = { ...reach(), k: Number($('stK').value) || 1 };
  const [how, arg] = $('stCand').value.split(':');
  body.candidates = how === 'kind' ? { kind: arg } : how === 'lattice' ? { lattice_m: Number(arg) } : { grid_label_points: true };
  if (mapCRS !== 'wgs84') body.crs = mapCRS;
  $('sitingOut').textContent = t('loading');
  const rep = await api('v1/siting', { method: 'POST', body });
  clearSiting();
  if (!rep.chosen.length) {
    $('sitingOut').textContent = t('chosenNone');
    return;
  }
  map.getSource('siting').setData({
    type: 'FeatureCollection', features: rep.chosen.map((c) => circle([c.lon, c.lat], rep.radius_m)),
  });
  rep.chosen.forEach((c, i) => {
    const el = document.createElement('div');
    el.className = 'rank';
    el.textContent = String(i + 1);
    el.title = c.candidate_id || '';
    state.markers.push(new maplibregl.Marker({ element: el }).setLngLat([c.lon, c.lat]).addTo(map));
  });
  state.siting = rep;
  renderSiting();
}

function renderSiting() {
  const rep = state.siting;
  if (!rep) return;
  const items = rep.chosen.map((c, i) => `<li data-rank="${i + 1}">${esc(c.candidate_id || `${c.lon.toFixed(5)}, ${c.lat.toFixed(5)}`)}`
    + ` · ${esc(t('gain'))} <b>+${fmt(c.marginal_gain)}</b></li>`).join('');
  $('sitingOut').innerHTML = `<div>${esc(t('covered'))}: ${pct(rep.before.ratio)} → <span class="big">${pct(rep.after.ratio)}</span></div><ol>${items}</ol>`;
}

// ---------------------------------------------------------------- settings and language

function setupSettings() {
  const dlg = $('settings');
  $('settingsBtn').addEventListener('click', () => {
    $('setBasemap').value = settings.basemap;
    $('setBasemapCRS').value = settings.basemapCRS;
    $('setToken').value = settings.token;
    dlg.showModal();
  });
  $('setCancel').addEventListener('click', () => dlg.close());
  $('settingsForm').addEventListener('submit', (e) => {
    e.preventDefault();
    const basemap = $('setBasemap').value.trim();
    const basemapCRS = $('setBasemapCRS').value;
    settings.token = $('setToken').value.trim();
    sessionStorage.setItem('wangge.token', settings.token);
    dlg.close();
    if (basemap !== settings.basemap || (basemap && basemapCRS !== settings.basemapCRS)) {
      localStorage.setItem('wangge.basemap', basemap);
      localStorage.setItem('wangge.basemapCRS', basemapCRS);
      const u = new URL(location.href);
      u.searchParams.delete('basemap');
      u.searchParams.delete('basemap_crs');
      location.replace(u); // the overlays' coordinate system follows the base map's
      return;
    }
    if (state.selected) selectGrid(state.selected.properties.code).catch(fail);
  });
  $('lang').addEventListener('click', () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('wangge.lang', lang);
    applyI18n();
    setupCoverageLabels();
    updateLevelHint();
    updateProblemsHint();
    renderCoverage();
    renderSiting();
    if (lastSay) say(lastSay.key, lastSay.vars, lastSay.error);
    if (state.selected) selectGrid(state.selected.properties.code).catch(fail);
  });
  $('panelBtn').addEventListener('click', () => {
    document.body.classList.toggle('nopanel');
    map.resize();
  });
}

function setupCoverageLabels() {
  for (const id of ['cvService', 'cvDemand']) {
    for (const o of $(id).options) o.textContent = t(o.value);
  }
}

// ---------------------------------------------------------------- start

applyI18n();
if (matchMedia('(max-width: 760px)').matches) document.body.classList.add('nopanel'); // the map first on a phone
const [gridsTJ, sitesTJ, reportsTJ, validationTJ, openapi] = await Promise.all([
  api(withCRS('tiles/grids.json')),
  api(withCRS('tiles/sites.json')),
  api(withCRS('tiles/reports.json')).catch(() => null),
  api(withCRS('tiles/validation.json')).catch(() => null),
  api('openapi.json').catch(() => ({ paths: {} })),
]);
state.geocode = Boolean(openapi?.paths?.['/v1/geocode']);
state.levels = (gridsTJ.levels || []).filter((l) => l.count > 0);
state.kinds = sitesTJ.kinds || [];
const tj = { grids: gridsTJ, sites: sitesTJ, reports: reportsTJ, validation: validationTJ };

const map = new maplibregl.Map({
  container: 'map',
  style: buildStyle(tj),
  bounds: gridsTJ.bounds,
  fitBoundsOptions: { padding: 24 },
  maxZoom: 19,
  hash: true,
  attributionControl: { compact: true, customAttribution: 'wangge' },
  canvasContextAttributes: { antialias: true },
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');

const loaded = new Promise((resolve) => map.once('load', resolve));
let readyResolve;
const ready = new Promise((r) => (readyResolve = r));

// Tests and the curious reach the map here.
window.wangge = {
  map, ready, state, parseCoords, convert, mapCRS,
  // idle resolves once the map has drawn everything it has asked for.
  idle: () => new Promise((r) => (map.loaded() && !map.isMoving() && map.areTilesLoaded() ? r() : map.once('idle', r))),
};

await loaded;
// The root grid's name in the bar (二七区).
api(withCRS(`v1/grids?level=${encodeURIComponent(state.levels[0]?.level || '')}&limit=1&simplify_m=100000`))
  .then((fc) => {
    const name = fc.features?.[0]?.properties?.name || '';
    $('district').textContent = mapCRS === 'wgs84' ? name : `${name} · ${mapCRS.toUpperCase()}`;
  })
  .catch(() => {});

setupLevels();
setupKinds();
setupStatuses();
setupProblems();
setupCoverage();
setupSiting();
setupSearch();
setupSettings();
setupClicks();
map.on('moveend', applyLevel);
map.once('idle', () => readyResolve());
