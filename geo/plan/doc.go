// Package plan answers the planners' questions about sites (geo.Site):
// coverage (who is within reach of a service, which grids have none) and
// siting (where k new service points would reach the most demand, or how few
// reach a target share).
//
// Coordinates are orb.Point{lon, lat} in degrees, WGS-84. Distances are
// great-circle metres on a sphere of radius EarthRadiusM (haversine), as
// planning rules state them; they differ from the ellipsoid by 0.5% at most.
// A demand site is covered when a service site lies within the radius,
// boundary included (distance ≤ radius), wherever either lies: grids play no
// part in reach, only in how results are grouped.
//
// Grouping. Sites belong to the grid that owns their point under geo's
// ownership rule, at the requested level (the finest level that has grids
// when none is named), computed against the index passed in, never stored;
// a site outside every grid at that level is grouped in a row whose code is
// null. So a boundary change regroups every site at once.
//
// Siting works on sparse neighbour lists: only the demand–candidate pairs
// within the radius, found with an R-tree over the demand, never a dense
// matrix (demand and candidates are first numbered along a Z-order curve, so
// nearby points have nearby numbers). Demand an existing service site
// already covers is left out: existing sites stay open. For max_coverage it
// runs the lazy greedy (exactly the plain greedy; ties go to the candidate
// earlier in that order), improves the answer by swapping one chosen site for
// another while that adds coverage, escapes the swap optimum with kicks
// (force one chosen site out, refill, swap again; keep what is better), and
// repeats all that from the 8 next best first picks, keeping the best. The
// optional part (restarts, kicks) stops at a work budget proportional to the
// number of pairs, counted in list entries visited, not in seconds, so the
// answer never depends on the machine's speed or load: the same input gives
// the same answer, byte for byte.
//
// The bound. For any set S and any k candidates O, f(O) ≤ f(S) + Σ_{o∈O}
// gain_o(S) (coverage is submodular), so f(S) plus the k largest gains
// bounds the optimum; the lazy greedy's stale gains are upper bounds of the
// true ones, so every step of it gives such a bound for free. The reported
// upper_bound_weight is the least of these, of the same at the final answer,
// and of all the demand any candidate reaches.
//
// Quality. On 600 seeded instances (200-800 demand points, 40-160
// candidates, k = 2 to 15) whose optimum GLPK proves, the worst answer is
// 99.05% of the optimum and 586 are optimal (TestSitingVersusGLPKMany).
//
// Concurrency. Every function here reads its inputs and never modifies them;
// a SiteSet is immutable once built. Any number of goroutines may call them;
// one call may use up to 4 goroutines of its own (neighbour lists, owners).
//
// plan imports only geo, geometry libraries and the standard library.
package plan
