package geo

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// ccwErrBound is Shewchuk's bound on the rounding error of the floating-point
// orientation determinant (3 + 16ε)ε with ε = 2⁻⁵³: when the computed
// determinant exceeds bound·(|l|+|r|) its sign is certain.
const ccwErrBound = (3.0 + 16.0*epsilon) * epsilon

const epsilon = 1.0 / (1 << 53)

// tinyProduct: a product of coordinate differences smaller than this may have
// lost bits to underflow (or be a false zero), where neither the sign tests
// nor the error bound of orient hold.
const tinyProduct = 0x1p-960

// orient returns the sign of the cross product (b−a)×(c−a): +1 when c lies to
// the left of the directed line a→b (counter-clockwise), −1 to the right, 0
// when the three points are exactly collinear. The answer is exact for any
// finite float64 inputs: a fast floating-point filter decides almost every
// call, and exact rational arithmetic decides the rest.
func orient(a, b, c orb.Point) int {
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	if (math.Abs(l) < tinyProduct && b[0] != a[0] && c[1] != a[1]) ||
		(math.Abs(r) < tinyProduct && b[1] != a[1] && c[0] != a[0]) {
		return orientExact(a, b, c) // not an exact zero: may have underflowed
	}
	det := l - r
	sum := l + r
	if l > 0 {
		if r <= 0 {
			return sign(det)
		}
	} else if l < 0 {
		if r >= 0 {
			return sign(det)
		}
		sum = -l - r
	} else {
		return -sign(r) // det = -r exactly
	}
	if bound := ccwErrBound * sum; det >= bound || -det >= bound {
		return sign(det)
	}
	return orientExact(a, b, c)
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// orientExact computes the sign of the orientation determinant exactly. When
// the four coordinate differences are exact in float64 (always so for nearby
// points, by Sterbenz's lemma) and the products do not underflow, it compares
// the two products through their exact error terms (fused multiply-add);
// otherwise it falls back to exact rationals. The fast path matters: collinear
// points (quantised boundaries, points on edges) always end here.
func orientExact(a, b, c orb.Point) int {
	dx1, e1 := twoDiff(b[0], a[0])
	dy1, e2 := twoDiff(c[1], a[1])
	dy2, e3 := twoDiff(b[1], a[1])
	dx2, e4 := twoDiff(c[0], a[0])
	if e1 == 0 && e2 == 0 && e3 == 0 && e4 == 0 {
		l, r := dx1*dy1, dy2*dx2
		if exactErr(dx1, dy1, l) && exactErr(dy2, dx2, r) {
			// Rounding is monotone, so l ≠ r decides; when l = r the
			// difference of the exact products is that of the error terms,
			// and a float subtraction has the sign of its exact result.
			if l != r {
				return sign(l - r)
			}
			return sign(math.FMA(dx1, dy1, -l) - math.FMA(dy2, dx2, -r))
		}
	}
	return orientRat(a, b, c)
}

// twoDiff returns x−y rounded and its rounding error (Knuth's TwoSum), exact
// for finite inputs without overflow.
func twoDiff(x, y float64) (d, err float64) {
	d = x - y
	bv := d - x
	return d, (x - (d - bv)) - (y + bv)
}

// exactErr reports whether the error term math.FMA(x, y, -p) of the product
// p = x·y is exact: no underflow, or an exact zero factor.
func exactErr(x, y, p float64) bool {
	return x == 0 || y == 0 || math.Abs(p) >= tinyProduct
}

// orientRat computes the orientation determinant with exact rationals.
func orientRat(a, b, c orb.Point) int {
	var ax, ay, bx, by, cx, cy big.Rat
	ax.SetFloat64(a[0])
	ay.SetFloat64(a[1])
	bx.SetFloat64(b[0])
	by.SetFloat64(b[1])
	cx.SetFloat64(c[0])
	cy.SetFloat64(c[1])
	var dx1, dy1, dx2, dy2, l, r big.Rat
	dx1.Sub(&bx, &ax)
	dy1.Sub(&cy, &ay)
	dy2.Sub(&by, &ay)
	dx2.Sub(&cx, &ax)
	l.Mul(&dx1, &dy1)
	r.Mul(&dy2, &dx2)
	return l.Cmp(&r)
}

// onSegment reports whether p lies exactly on the closed segment a–b
// (endpoints included). Exact: no epsilon.
func onSegment(p, a, b orb.Point) bool {
	if p[0] < min(a[0], b[0]) || p[0] > max(a[0], b[0]) ||
		p[1] < min(a[1], b[1]) || p[1] > max(a[1], b[1]) {
		return false
	}
	return orient(a, b, p) == 0
}

// Orient is orient for other packages (geo/topology): the exact sign of
// (b−a)×(c−a), +1 left, −1 right, 0 collinear.
func Orient(a, b, c orb.Point) int { return orient(a, b, c) }

// HalfSumCmp compares y with (a+b)/2 exactly: the sign of
// (y−a) + (y−b). The differences of nearby coordinates are exact in
// float64, and so is the sign of their sum through its error term, which
// settles almost every call; exact rationals settle the rest.
func HalfSumCmp(y, a, b float64) int {
	d1, e1 := twoDiff(y, a)
	d2, e2 := twoDiff(y, b)
	if e1 == 0 && e2 == 0 {
		s, es := twoDiff(d1, -d2)
		if s != 0 {
			return sign(s)
		}
		return sign(es)
	}
	var ry, ra, rb big.Rat
	ry.SetFloat64(y)
	ra.SetFloat64(a)
	rb.SetFloat64(b)
	ry.Add(&ry, &ry)
	ra.Add(&ra, &rb)
	return ry.Cmp(&ra)
}

// OrientMid is Orient(p, q, m) for m = (a+b)/2 taken exactly: the sign of
// (q−p) × ((a−p) + (b−p)). As in Orient, when the differences and
// sums are exact in float64 the two products are compared through their
// FMA error terms; otherwise a floating-point filter, then exact rationals.
func OrientMid(p, q, a, b orb.Point) int {
	ux, e1 := twoDiff(q[0], p[0])
	uy, e2 := twoDiff(q[1], p[1])
	ax, e3 := twoDiff(a[0], p[0])
	bx, e4 := twoDiff(b[0], p[0])
	ay, e5 := twoDiff(a[1], p[1])
	by, e6 := twoDiff(b[1], p[1])
	vx, e7 := twoDiff(ax, -bx)
	vy, e8 := twoDiff(ay, -by)
	if e1 == 0 && e2 == 0 && e3 == 0 && e4 == 0 && e5 == 0 && e6 == 0 && e7 == 0 && e8 == 0 {
		l, r := ux*vy, uy*vx
		if exactErr(ux, vy, l) && exactErr(uy, vx, r) {
			if l != r {
				return sign(l - r)
			}
			return sign(math.FMA(ux, vy, -l) - math.FMA(uy, vx, -r))
		}
	}
	det := ux*vy - uy*vx
	if bound := 32 * epsilon * (math.Abs(ux) + math.Abs(uy)) * (math.Abs(ax) + math.Abs(bx) + math.Abs(ay) + math.Abs(by)); det > bound || -det > bound {
		return sign(det)
	}
	rat := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	px, py, qx, qy := rat(p[0]), rat(p[1]), rat(q[0]), rat(q[1])
	rax, ray, rbx, rby := rat(a[0]), rat(a[1]), rat(b[0]), rat(b[1])
	eux := new(big.Rat).Sub(qx, px)
	euy := new(big.Rat).Sub(qy, py)
	evx := new(big.Rat).Add(rax, rbx)
	evx.Sub(evx, px).Sub(evx, px)
	evy := new(big.Rat).Add(ray, rby)
	evy.Sub(evy, py).Sub(evy, py)
	el := new(big.Rat).Mul(eux, evy)
	er := new(big.Rat).Mul(euy, evx)
	return el.Cmp(er)
}
