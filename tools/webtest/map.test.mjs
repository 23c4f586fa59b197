// The map page in a real browser: Debian's chromium, headless, driven by
// playwright-core (never a browser download). cmd/wangge's TestMapPage
// starts the real binary on the demo and runs this with:
//
//   WANGGE_URL        the server, e.g. http://127.0.0.1:41234
//   WANGGE_CASE       JSON: {district:{lon,lat}, outside:{lon,lat},
//                     click:{code,name,parent,leader,lon,lat}, token, counts:{open,overdue},
//                     search:{text,crs,code,name,lon,lat}, problem:{kind,bbox},
//                     basemap:{url,crs,color}}
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   WANGGE_ARTIFACTS  where the screenshots go
//
// It prints one line per check ("ok - ..." or "not ok - ...") and exits 1
// when any failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { decodePNG } from './png.mjs';

const url = process.env.WANGGE_URL;
const c = JSON.parse(process.env.WANGGE_CASE || '{}');
const artifacts = process.env.WANGGE_ARTIFACTS || 'artifacts';
const BACKGROUND = [0xee, 0xf1, 0xf4]; // app.js's background-color
const T = 15000; // ms, for any one wait

let failed = 0;
function check(ok, what, detail = '') {
  const at = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? `: ${detail}` : ''} (${at} s)`);
  if (!ok) failed++;
  return ok;
}

// clickable runs in the page: a screen point near (lon, lat) where the
// grid `code` is drawn and no site, report or other marker is (a click there
// would open that point's popup instead).
function clickable([lon, lat, code]) {
  const { map } = window.wangge;
  const c = map.project([lon, lat]);
  for (let r = 0; r <= 60; r += 4) {
    for (let a = 0; a < 360; a += r === 0 ? 360 : 30) {
      const x = c.x + r * Math.cos((a * Math.PI) / 180), y = c.y + r * Math.sin((a * Math.PI) / 180);
      const g = map.queryRenderedFeatures([x, y], { layers: ['grid-fill'] })[0];
      if (g?.properties.code !== code) continue;
      const box = [[x - 10, y - 10], [x + 10, y + 10]];
      if (map.queryRenderedFeatures(box, { layers: ['sites', 'reports', 'uncovered'] }).length === 0) return { x, y };
    }
  }
  return null;
}

// within bounds a wait that has no timeout of its own (page.evaluate).
function within(promise, what, ms = T) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const started = Date.now();
mkdirSync(artifacts, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
    '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'],
  // playwright-core makes a fresh, temporary --user-data-dir for each launch.
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // MapLibre cancels the tiles it no longer needs when the view moves on.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.setDefaultTimeout(T);

  // 1. The page loads and draws the grids.
  await page.goto(`${url}/`);
  await page.waitForFunction(() => window.wangge, null, { timeout: T });
  await within(page.evaluate(() => window.wangge.ready), 'the map is ready');
  await within(page.evaluate(() => window.wangge.idle()), 'the map is idle');
  check(errors.length === 0, 'the page loads with no console errors', errors.join('; '));
  check(await page.locator('#district').textContent() !== '', 'the district is named in the bar',
    await page.locator('#district').textContent());

  const mapBox = await page.locator('#map').boundingBox();
  const png = decodePNG(await page.locator('#map').screenshot());
  const at = async (p) => page.evaluate(([lon, lat]) => window.wangge.map.project([lon, lat]), [p.lon, p.lat]);
  const near = (px, want, tol) => px.every((v, i) => Math.abs(v - want[i]) <= tol);
  let differ = 0, n = 0;
  for (let y = 0; y < png.height; y += 4) {
    for (let x = 0; x < png.width; x += 4) {
      n++;
      if (!near(png.pixel(x, y), BACKGROUND, 3)) differ++;
    }
  }
  const inside = await at(c.district);
  const outside = await at(c.outside);
  const pin = png.pixel(inside.x, inside.y);
  const pout = png.pixel(Math.min(png.width - 1, Math.max(0, outside.x)), Math.min(png.height - 1, Math.max(0, outside.y)));
  check(!near(pin, BACKGROUND, 8), 'a pixel inside the district is drawn (not the background)', `rgb(${pin}) at ${inside.x.toFixed(0)},${inside.y.toFixed(0)}`);
  check(near(pout, BACKGROUND, 3), 'a pixel outside the district is the background', `rgb(${pout}) at ${outside.x.toFixed(0)},${outside.y.toFixed(0)}`);
  check(differ / n > 0.15, 'grid tiles cover the district on the canvas', `${((100 * differ) / n).toFixed(1)}% of the map is drawn`);
  await page.screenshot({ path: join(artifacts, 'map-district.png') });

  // 2. Clicking a grid shows its name, chain and team; without a token the
  // report figures are the public ones.
  await page.evaluate(([lon, lat]) => window.wangge.map.jumpTo({ center: [lon, lat], zoom: 15.5 }), [c.click.lon, c.click.lat]);
  await page.locator('#levels label[data-level="grid"]').click();
  await within(page.evaluate(() => window.wangge.idle()), 'the map is idle');
  const p = await page.evaluate(clickable, [c.click.lon, c.click.lat, c.click.code]);
  check(p !== null, 'the grid is on the map, with room to click it', JSON.stringify(p));
  await page.mouse.click(mapBox.x + p.x, mapBox.y + p.y);
  await page.locator(`#info[data-code="${c.click.code}"][data-counts]`).waitFor();
  const name = await page.locator('#info h3').textContent();
  check(name === c.click.name, 'clicking a grid shows its name', `${name}, want ${c.click.name}`);
  const chain = await page.locator('#info .chain').textContent();
  check(chain.includes(c.click.parent), 'the card shows the chain', chain);
  const card = await page.locator('#info').textContent();
  check(card.includes(c.click.leader), 'the card shows the leader', c.click.leader);
  const publicOpen = await page.locator('#info .counts .open b').textContent();
  check(await page.locator('#info').getAttribute('data-counts') === 'public' && publicOpen === String(c.counts.open),
    'without a token the card counts the open report points of the public tiles', `${publicOpen}, want ${c.counts.open}`);

  // 3. With a token, the open and overdue reports of the grid.
  await page.locator('#settingsBtn').click();
  await page.locator('#setToken').fill(c.token);
  await page.locator('#setSave').click();
  await page.locator(`#info[data-code="${c.click.code}"][data-counts="exact"]`).waitFor();
  const open = await page.locator('#info .counts .open b').textContent();
  const overdue = await page.locator('#info .counts .overdue b').textContent();
  check(open === String(c.counts.open) && overdue === String(c.counts.overdue), 'with a token the card counts open and overdue reports',
    `open ${open}, overdue ${overdue}; want ${c.counts.open}, ${c.counts.overdue}`);
  const reportsDrawn = await page.evaluate(() => window.wangge.map.queryRenderedFeatures({ layers: ['reports'] }).length);
  check(reportsDrawn >= c.counts.open, 'the reports are drawn by status', `${reportsDrawn} points`);
  await page.screenshot({ path: join(artifacts, 'map-grid.png') });

  // 4. A coordinate typed in the box (in search.crs) shows its grid.
  await page.locator('#qcrs').selectOption(c.search.crs);
  await page.locator('#q').fill(c.search.text);
  await page.locator('#q').press('Enter');
  await page.locator(`#info[data-code="${c.search.code}"]`).waitFor();
  const found = await page.locator('#info h3').textContent();
  check(found === c.search.name, `a ${c.search.crs} coordinate in the box shows its grid`, `${found}, want ${c.search.name}`);
  const pinAt = await page.evaluate(() => window.wangge.state.located.getLngLat().toArray());
  const off = Math.hypot(pinAt[0] - c.search.lon, pinAt[1] - c.search.lat);
  check(off < 1e-5, 'the point is marked where it is (converted to the map coordinates)', `${pinAt} vs ${c.search.lon},${c.search.lat}`);

  // 5. An address: /v1/geocode when the server has it, else a plain message
  // (and no request that fails).
  const barHeight = async () => (await page.locator('#bar').boundingBox()).height;
  const barBefore = await barHeight();
  await page.evaluate(() => { document.getElementById('msg').textContent = ''; });
  await page.locator('#q').fill('郑州市二七区福华街');
  await page.locator('#q').press('Enter');
  await page.waitForFunction(() => document.getElementById('msg').textContent !== '');
  check(true, 'an address in the box is answered', await page.locator('#msg').textContent());
  // with GET /v1/geocode the answer's grid is selected and the card follows it
  const addressCode = await page.evaluate(async () => {
    const r = await fetch('/v1/geocode?limit=1&q=' + encodeURIComponent('郑州市二七区福华街'));
    return r.ok ? (await r.json()).results?.[0]?.grid?.code ?? null : null;
  });
  if (addressCode) {
    await page.locator(`#info[data-code="${addressCode}"]`).waitFor();
    check(true, 'the address answer selects its grid', addressCode);
  }
  const barAfter = await barHeight();
  check(barAfter === barBefore, 'a long answer keeps the top bar one line high (the map does not move)', `${barBefore} px, then ${barAfter} px`);

  // 6. Coverage and siting.
  await page.evaluate(() => window.wangge.map.jumpTo({ zoom: 13.3 }));
  await page.locator('#coverageForm button[type=submit]').click();
  await page.locator('#coverageRatio').waitFor();
  const ratio = await page.locator('#coverageRatio').textContent();
  check(/^\d+(\.\d)?%$/.test(ratio), 'coverage shows the covered share', ratio);
  const uncovered = await page.evaluate(() => window.wangge.map.querySourceFeatures('uncovered').length);
  check(uncovered > 0, 'uncovered sites are highlighted', `${uncovered}`);
  await page.locator('#stK').fill('3');
  await page.locator('#sitingForm button[type=submit]').click();
  await page.locator('#sitingOut li[data-rank="3"]').waitFor();
  check(await page.locator('.rank').count() === 3, 'siting marks 3 suggested sites');
  await within(page.evaluate(() => window.wangge.idle()), 'the map is idle');
  await page.screenshot({ path: join(artifacts, 'map.png') });

  // 6b. Topology problems: off until their kind is ticked, then drawn from
  // the validation tiles; a click on one tells what it is.
  await page.evaluate((b) => window.wangge.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 200, animate: false, maxZoom: 17 }), c.problem.bbox);
  await within(page.evaluate(() => window.wangge.idle()), 'the map is idle');
  const problemsBefore = await page.evaluate(() => window.wangge.map.queryRenderedFeatures({ layers: ['problem-fill'] }).length);
  await page.locator(`#problems label[data-key="${c.problem.kind}"] input`).check();
  await within(page.evaluate(() => window.wangge.idle()), 'the map is idle');
  const drawn = await page.evaluate(() => window.wangge.map.queryRenderedFeatures({ layers: ['problem-fill'] }).map((f) => f.properties.kind));
  check(problemsBefore === 0 && drawn.includes(c.problem.kind), `ticking "${c.problem.kind}" draws the topology problems`,
    `before ${problemsBefore}, after ${drawn.join(',')}`);
  const hitAt = await page.evaluate(() => {
    const m = window.wangge.map, cv = m.getCanvas(), r = cv.getBoundingClientRect();
    for (let y = 0; y < cv.clientHeight; y += 6) {
      for (let x = 0; x < cv.clientWidth; x += 6) {
        const top = m.queryRenderedFeatures([x, y])[0];
        // a pixel a marker (the located pin, a siting rank) or the card covers takes no map click
        // (page coordinates: the bar above the map may have grown since mapBox was taken)
        if (top?.layer.id === 'problem-fill' && document.elementFromPoint(r.left + x, r.top + y) === cv) return { x: r.left + x, y: r.top + y };
      }
    }
    return null;
  });
  if (check(hitAt !== null, 'the problem can be clicked')) {
    await page.mouse.click(hitAt.x, hitAt.y);
    const pop = await page.locator('.maplibregl-popup-content').textContent();
    check(pop.includes('m²'), 'clicking a problem shows its kind and detail', pop);
  }
  await page.screenshot({ path: join(artifacts, 'map-validation.png') });

  // 7. English.
  await page.locator('#lang').click();
  const gridLabel = await page.locator('#levels label[data-level="grid"]').textContent();
  check(gridLabel.trim() === 'Grid' && await page.evaluate(() => document.documentElement.lang) === 'en', 'the page switches to English', gridLabel);
  await page.locator(`#info[data-code="${addressCode || c.search.code}"][data-counts]`).waitFor();
  await page.screenshot({ path: join(artifacts, 'map-en.png') });

  // 8. A raster base map: drawn under the overlays, which are then asked
  // for in its coordinate system.
  const page2 = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  page2.on('console', (m) => { if (m.type() === 'error') errors.push(`console (base map): ${m.text()}`); });
  page2.on('pageerror', (e) => errors.push(`page error (base map): ${e.message}`));
  const tileCRS = new Set();
  page2.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/tiles/grids/')) tileCRS.add(u.searchParams.get('crs') || 'wgs84');
  });
  const q = new URLSearchParams({ basemap: c.basemap.url, basemap_crs: c.basemap.crs, level: 'street' });
  await page2.goto(`${url}/?${q}`);
  await page2.waitForFunction(() => window.wangge, null, { timeout: T });
  await within(page2.evaluate(() => window.wangge.ready), 'the map with a base map is ready');
  await within(page2.evaluate(() => window.wangge.idle()), 'the map with a base map is idle');
  const png2 = decodePNG(await page2.locator('#map').screenshot());
  const out2 = await page2.evaluate(([lon, lat, crs]) => {
    const w = window.wangge;
    return w.map.project(w.convert([lon, lat], 'wgs84', crs));
  }, [c.outside.lon, c.outside.lat, c.basemap.crs]);
  const pb = png2.pixel(out2.x, out2.y);
  check(near(pb, c.basemap.color, 3), 'the base map is drawn where there are no grids', `rgb(${pb}), want rgb(${c.basemap.color})`);
  check(tileCRS.size === 1 && tileCRS.has(c.basemap.crs), 'the grid tiles are asked for in the base map\'s coordinates', [...tileCRS].join(','));
  await page2.screenshot({ path: join(artifacts, 'map-basemap.png') });

  check(errors.length === 0, 'no console errors, failed requests or HTTP errors', errors.join('; '));
} catch (err) {
  check(false, 'the browser test ran to the end', err.stack || String(err));
  for (const pg of browser.contexts().flatMap((x) => x.pages())) {
    await pg.screenshot({ path: join(artifacts, `failure-${pg === browser.contexts()[0]?.pages()[0] ? 'main' : 'other'}.png`) }).catch(() => {});
  }
  check(errors.length === 0, 'no console errors before that', errors.join('; '));
} finally {
  await browser.close();
}
console.log(`${failed === 0 ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}`);
process.exit(failed === 0 ? 0 : 1);
