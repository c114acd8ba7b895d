#!/usr/bin/env python3
"""Derives the constants of rtl/aes/tame_aes_sbox_gf.sv, the AES S-box in tower-field logic.

The tower (all polynomial bases, coefficient vectors written high bit first):
  GF(2^2) = GF(2)[W]   / (W^2 + W + 1)          element {b1,b0}  = b1*W + b0
  GF(2^4) = GF(2^2)[Z] / (Z^2 + Z + N),  N = W   element {c1,c0}  = c1*Z + c0   (c1,c0 in GF(2^2))
  GF(2^8) = GF(2^4)[Y] / (Y^2 + Y + L)           element {d1,d0}  = d1*Y + d0   (d1,d0 in GF(2^4))
L is chosen here (Y^2 + Y + L irreducible over GF(2^4), smallest matrix below).

It computes and prints:
  MAP_IN   8x8 GF(2) matrix: AES byte (basis x^i, x a root of x^8+x^4+x^3+x+1) -> tower byte,
           built from a root beta of the AES polynomial in the tower (x -> beta).
  MAP_OUT  8x8 GF(2) matrix: FIPS-197 affine matrix times MAP_IN^-1 (tower -> S-box byte,
           0x63 is then added).
  SQ_L     4x4 GF(2) matrix of d -> L*d^2 in GF(2^4) (linear, since squaring is).
Matrices are printed as SystemVerilog localparams: row r (output bit r) is M[8*r +: 8]
(or [4*r +: 4]), and bit c of a row multiplies input bit c.

Finally it evaluates the very data path the RTL uses, on all 256 inputs, and checks it
against the S-box computed straight from FIPS-197 5.1.1; it exits non-zero on a mismatch.
  scripts/gen_sbox_gf.py                                   print the constants
  scripts/gen_sbox_gf.py --check rtl/aes/tame_aes_sbox_gf.sv  also fail if the file differs
"""
import re
import sys

AES_POLY = 0x11B


# ---- GF(2^8) as FIPS-197 defines it (the reference) --------------------------------------
def aes_mul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a <<= 1
        if a & 0x100:
            a ^= AES_POLY
        b >>= 1
    return r


def aes_inv(a):
    if a == 0:
        return 0
    r = 1
    for _ in range(254):  # a^254 = a^-1
        r = aes_mul(r, a)
    return r


def affine(b):
    """FIPS-197 eq. (5.1): s_i = b_i ^ b_{i+4} ^ b_{i+5} ^ b_{i+6} ^ b_{i+7} ^ c_i, c = 0x63."""
    s = 0
    for i in range(8):
        bit = 0
        for k in (0, 4, 5, 6, 7):
            bit ^= (b >> ((i + k) % 8)) & 1
        s |= bit << i
    return s ^ 0x63


def sbox_ref(a):
    return affine(aes_inv(a))


# ---- the tower; each function mirrors the SystemVerilog function of the same name ------
def gf4_mul(a, b):
    a1, a0 = a >> 1, a & 1
    b1, b0 = b >> 1, b & 1
    hi = (a1 & b1) ^ (a1 & b0) ^ (a0 & b1)  # W^2 = W + 1
    lo = (a1 & b1) ^ (a0 & b0)
    return (hi << 1) | lo


def gf4_sq(a):
    """a^2; for a != 0 also a^-1 (a^3 = 1), and 0 -> 0."""
    a1, a0 = a >> 1, a & 1
    return (a1 << 1) | (a1 ^ a0)


def gf4_mul_n(a):
    """a * N with N = W: (a1 W + a0) W = a1 (W + 1) + a0 W."""
    a1, a0 = a >> 1, a & 1
    return ((a1 ^ a0) << 1) | a1


N_CONST = 0b10  # W


def gf16_mul(a, b):
    a1, a0 = a >> 2, a & 3
    b1, b0 = b >> 2, b & 3
    p0 = gf4_mul(a0, b0)
    hi = gf4_mul(a1 ^ a0, b1 ^ b0) ^ p0  # a1b1 + a1b0 + a0b1 (Z^2 = Z + N)
    lo = p0 ^ gf4_mul_n(gf4_mul(a1, b1))
    return (hi << 2) | lo


def gf16_inv(a):
    """(c1 Z + c0)^-1 = d (c1 Z + c0 + c1), d = (c0 (c0 + c1) + N c1^2)^-1 in GF(2^2); 0 -> 0."""
    c1, c0 = a >> 2, a & 3
    d = gf4_sq(gf4_mul(c0, c0 ^ c1) ^ gf4_mul_n(gf4_sq(c1)))
    return (gf4_mul(c1, d) << 2) | gf4_mul(c0 ^ c1, d)


def gf16_sq(a):
    return gf16_mul(a, a)


def gf256t_mul(a, b, lam):
    a1, a0 = a >> 4, a & 15
    b1, b0 = b >> 4, b & 15
    p0 = gf16_mul(a0, b0)
    hi = gf16_mul(a1 ^ a0, b1 ^ b0) ^ p0
    lo = p0 ^ gf16_mul(lam, gf16_mul(a1, b1))
    return (hi << 4) | lo


def lin_apply(rows, x, width):
    """Applies a GF(2) matrix given as row bit masks: out bit r = parity(rows[r] & x)."""
    out = 0
    for r, m in enumerate(rows):
        out |= (bin(m & x).count("1") & 1) << r
    return out


def matrix_of(f, width):
    """Rows of the GF(2) matrix of a linear map f on width-bit vectors."""
    cols = [f(1 << c) for c in range(width)]
    return [sum(((cols[c] >> r) & 1) << c for c in range(width)) for r in range(width)]


def gf2_mat_inv(rows, width):
    aug = [(rows[r] | (1 << (width + r))) for r in range(width)]
    for c in range(width):
        p = next(r for r in range(c, width) if (aug[r] >> c) & 1)
        aug[c], aug[p] = aug[p], aug[c]
        for r in range(width):
            if r != c and (aug[r] >> c) & 1:
                aug[r] ^= aug[c]
    return [aug[r] >> width for r in range(width)]


def ones(rows):
    return sum(bin(m).count("1") for m in rows)


def choose():
    """All (L, beta) pairs; picks the smallest total of ones in MAP_IN, MAP_OUT and SQ_L,
    a rough proxy for XOR gates (ties broken by the smallest L, then beta)."""
    best = None
    for lam in range(1, 16):
        # Y^2 + Y + L is irreducible over GF(2^4) iff it has no root there.
        if any(gf16_mul(y, y) ^ y ^ lam == 0 for y in range(16)):
            continue
        for beta in range(256):
            # beta must be a root of x^8 + x^4 + x^3 + x + 1 in the tower.
            pw = [1]
            for _ in range(8):
                pw.append(gf256t_mul(pw[-1], beta, lam))
            if pw[8] ^ pw[4] ^ pw[3] ^ pw[1] ^ pw[0]:
                continue
            # The powers of a root of an irreducible octic are a basis, so this inverts.
            map_in = matrix_of(lambda v: _poly_eval(v, pw), 8)
            map_in_inv = gf2_mat_inv(map_in, 8)
            aff = matrix_of(lambda v: affine(v) ^ 0x63, 8)
            map_out = matrix_of(lambda v: lin_apply(aff, lin_apply(map_in_inv, v, 8), 8), 8)
            sq_l = matrix_of(lambda v: gf16_mul(lam, gf16_sq(v)), 4)
            cost = ones(map_in) + ones(map_out) + ones(sq_l)
            key = (cost, lam, beta)
            if best is None or key < best[0]:
                best = (key, lam, beta, map_in, map_out, sq_l)
    return best


def _poly_eval(v, pw):
    r = 0
    for i in range(8):
        if (v >> i) & 1:
            r ^= pw[i]
    return r


def rtl_model(a, map_in, map_out, sq_l):
    """Exactly the data path of tame_aes_sbox_gf.sv."""
    t = lin_apply(map_in, a, 8)
    t1, t0 = t >> 4, t & 15
    delta = gf16_mul(t0, t0 ^ t1) ^ lin_apply(sq_l, t1, 4)
    d = gf16_inv(delta)
    inv = (gf16_mul(t1, d) << 4) | gf16_mul(t0 ^ t1, d)
    return lin_apply(map_out, inv, 8) ^ 0x63


def sv_matrix(name, rows, width):
    bits = width * width
    val = 0
    for r, m in enumerate(rows):
        val |= m << (width * r)
    digits = (bits + 3) // 4
    return f"localparam logic [{bits - 1}:0] {name} = {bits}'h{val:0{digits}x};"


def main():
    (cost, _, _), lam, beta, map_in, map_out, sq_l = choose()
    bad = [a for a in range(256) if rtl_model(a, map_in, map_out, sq_l) != sbox_ref(a)]
    print(f"// tower: N = W (GF(2^2) 2'b{N_CONST:02b}), L = 4'h{lam:x}, beta = 8'h{beta:02x}"
          f" (root of x^8+x^4+x^3+x+1), total ones in the matrices = {cost}")
    print(sv_matrix("MapIn", map_in, 8))
    print(sv_matrix("MapOut", map_out, 8))
    print(sv_matrix("SqL", sq_l, 4))
    print("// rows, output bit 7 first (input bit 7 leftmost):")
    for name, rows, w in (("MapIn", map_in, 8), ("MapOut", map_out, 8), ("SqL", sq_l, 4)):
        print(f"//   {name}: " + " ".join(f"{rows[r]:0{w}b}" for r in reversed(range(w))))
    if bad:
        print(f"MISMATCH against FIPS-197 for {len(bad)} inputs, first 0x{bad[0]:02x}",
              file=sys.stderr)
        return 1
    print("// model of the RTL data path matches FIPS-197 on all 256 inputs")
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        text = open(sys.argv[2]).read()
        for name, rows, w in (("MapIn", map_in, 8), ("MapOut", map_out, 8), ("SqL", sq_l, 4)):
            want = sv_matrix(name, rows, w).split("= ")[1].rstrip(";")
            m = re.search(r"localparam logic \[\d+:0\] %s\s*=\s*([^;]+);" % name, text)
            if m is None or m.group(1).strip() != want:
                print(f"{sys.argv[2]}: {name} is not {want}", file=sys.stderr)
                return 1
        print(f"// {sys.argv[2]} holds these constants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
