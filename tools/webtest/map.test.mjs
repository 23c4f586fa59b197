// The map page in a real browser: Debian's chromium, headless, driven by
// playwright-core (never a browser download). cmd/wangge's TestMapPage
// starts the real binary on the demo and runs this with:
//
//   WANGGE_URL        the server, e.g. http://127.0.0.1:41234
//   WANGGE_CASE       JSON: {district:{lon,lat}, outside:{lon,lat},
//                     click:{code,name,parent,lon,lat}, token, counts:{open,overdue},
//                     search:{text,crs,code,name,lon,lat}}
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
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) failed++;
  return ok;
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
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.setDefaultTimeout(T);

  // 1. The page loads and draws the grids.
  await page.goto(`${url}/`);
  await page.waitForFunction(() => window.wangge, null, { timeout: T });
  await page.evaluate(() => window.wangge.ready);
  await page.evaluate(() => window.wangge.idle());
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
  await page.locator('#levels label[data-level="grid"]').click();
  await page.evaluate(([lon, lat]) => window.wangge.map.jumpTo({ center: [lon, lat], zoom: 15.5 }), [c.click.lon, c.click.lat]);
  await page.evaluate(() => window.wangge.idle());
  const p = await at(c.click);
  await page.mouse.click(mapBox.x + p.x, mapBox.y + p.y);
  await page.locator(`#info[data-code="${c.click.code}"][data-counts]`).waitFor();
  const name = await page.locator('#info h3').textContent();
  check(name === c.click.name, 'clicking a grid shows its name', `${name}, want ${c.click.name}`);
  const chain = await page.locator('#info .chain').textContent();
  check(chain.includes(c.click.parent), 'the card shows the chain', chain);
  const card = await page.locator('#info').textContent();
  check(card.includes(c.click.leader), 'the card shows the leader', c.click.leader);
  check(await page.locator('#info').getAttribute('data-counts') === 'public', 'without a token the counts are the public ones');

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

  // 4. A coordinate typed in the box (GCJ-02) shows its grid.
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
  await page.locator('#q').fill('郑州市二七区福华街');
  await page.locator('#q').press('Enter');
  await page.waitForFunction(() => document.getElementById('msg').textContent !== '' && !document.getElementById('msg').textContent.includes('›'));
  check(true, 'an address in the box is answered', await page.locator('#msg').textContent());

  // 6. Coverage and siting.
  await page.evaluate(() => window.wangge.map.jumpTo({ zoom: 12.5 }));
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
  await page.evaluate(() => window.wangge.idle());
  await page.screenshot({ path: join(artifacts, 'map.png') });

  // 7. English.
  await page.locator('#lang').click();
  const gridLabel = await page.locator('#levels label[data-level="grid"]').textContent();
  check(gridLabel.trim() === 'Grid' && await page.evaluate(() => document.documentElement.lang) === 'en', 'the page switches to English', gridLabel);
  await page.locator(`#info[data-code="${c.search.code}"][data-counts]`).waitFor();
  await page.screenshot({ path: join(artifacts, 'map-en.png') });

  check(errors.length === 0, 'no console errors, failed requests or HTTP errors', errors.join('; '));
} catch (err) {
  check(false, 'the browser test ran to the end', err.stack || String(err));
  check(errors.length === 0, 'no console errors before that', errors.join('; '));
} finally {
  await browser.close();
}
console.log(`${failed === 0 ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}`);
process.exit(failed === 0 ? 0 : 1);
