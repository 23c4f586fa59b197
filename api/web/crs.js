// WGS-84 ↔ GCJ-02 ↔ BD-09, the published formulas (as geo/crs), used only to
// place the marker of a typed point on the map; ownership is the server's.

const A = 6378245.0;
const EE = 0.00669342162296594323;
const XPI = (Math.PI * 3000) / 180;

function outOfChina([lon, lat]) {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function gcjDelta(lon, lat) {
  const x = lon - 105, y = lat - 35, PI = Math.PI;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * PI) + 40 * Math.sin((y / 3) * PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * PI) + 320 * Math.sin((y * PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * PI) + 40 * Math.sin((x / 3) * PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * PI) + 300 * Math.sin((x / 30) * PI)) * 2) / 3;
  const rad = (lat / 180) * PI;
  const m = 1 - EE * Math.sin(rad) ** 2;
  const s = Math.sqrt(m);
  return [(dLon * 180) / ((A / s) * Math.cos(rad) * PI), (dLat * 180) / (((A * (1 - EE)) / (m * s)) * PI)];
}

const toGCJ = (p) => (outOfChina(p) ? p : ((d) => [p[0] + d[0], p[1] + d[1]])(gcjDelta(p[0], p[1])));

function fromGCJ(p) {
  if (outOfChina(p)) return p;
  let w = p;
  for (let i = 0; i < 10; i++) {
    const g = toGCJ(w);
    w = [w[0] - (g[0] - p[0]), w[1] - (g[1] - p[1])];
  }
  return w;
}

function gcjToBD([x, y]) {
  const z = Math.sqrt(x * x + y * y) + 0.00002 * Math.sin(y * XPI);
  const th = Math.atan2(y, x) + 0.000003 * Math.cos(x * XPI);
  return [z * Math.cos(th) + 0.0065, z * Math.sin(th) + 0.006];
}

function bdToGCJ([bx, by]) {
  const x = bx - 0.0065, y = by - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * XPI);
  const th = Math.atan2(y, x) - 0.000003 * Math.cos(x * XPI);
  return [z * Math.cos(th), z * Math.sin(th)];
}

export function convert(p, from, to) {
  if (from === to) return p;
  const w = from === 'wgs84' ? p : from === 'gcj02' ? fromGCJ(p) : fromGCJ(bdToGCJ(p));
  return to === 'wgs84' ? w : to === 'gcj02' ? toGCJ(w) : gcjToBD(toGCJ(w));
}

// parseCoords reads "lon,lat" (or "lat,lon" when only that order makes
// sense), with ASCII or full-width digits and separators.
export function parseCoords(s) {
  s = s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();
  const m = s.match(/^(-?\d+(?:\.\d+)?)\s*[,;\s、]\s*(-?\d+(?:\.\d+)?)$/);
  if (!m) return null;
  let a = Number(m[1]), b = Number(m[2]);
  if (Math.abs(a) <= 90 && Math.abs(b) > 90) [a, b] = [b, a];
  return [a, b];
}
