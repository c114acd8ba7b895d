// AES S-box (FIPS-197 SubBytes) in combinational logic, for the SboxLogic build of the AES
// rounds: the inverse in GF(2^8) is taken in the tower GF(((2^2)^2)^2), so it costs a few
// dozen gates and no ROM. Constants come from scripts/gen_sbox_gf.py (see there for the tower).
module tame_aes_sbox_gf (
  input  logic [7:0] a_i,
  output logic [7:0] s_o   // SubBytes(a_i), purely combinational
);

  // Printed by scripts/gen_sbox_gf.py. Row r (output bit r) of a matrix is M[8*r +: 8]
  // (SqL: [4*r +: 4]); output bit r is the parity of that row AND the input.
  // Tower: GF(2^2) mod W^2+W+1, GF(2^4) mod Z^2+Z+W, GF(2^8) mod Y^2+Y+L with L = 4'h8;
  // the AES x maps to the tower root beta = 8'h7a of x^8+x^4+x^3+x+1.
  localparam logic [63:0] MapIn  = 64'ha07e72a2ca24c205;  // AES basis -> tower
  localparam logic [63:0] MapOut = 64'h54d03c3975030735;  // affine matrix * MapIn^-1
  localparam logic [15:0] SqL    = 16'h9ec4;              // d -> L * d^2 in GF(2^4)
  localparam logic [7:0]  Affine = 8'h63;                 // FIPS-197 affine constant

  // GF(2^2), element b1*W + b0 with W^2 = W + 1.
  function automatic logic [1:0] gf4_mul(input logic [1:0] a, input logic [1:0] b);
    gf4_mul = {(a[1] & b[1]) ^ (a[1] & b[0]) ^ (a[0] & b[1]),
               (a[1] & b[1]) ^ (a[0] & b[0])};
  endfunction

  // Squaring is also the inverse in GF(2^2) (a^3 = 1 for a != 0, and 0 -> 0).
  function automatic logic [1:0] gf4_sq(input logic [1:0] a);
    gf4_sq = {a[1], a[1] ^ a[0]};
  endfunction

  // Multiplication by N = W, the constant of GF(2^4)'s defining polynomial Z^2 + Z + N.
  function automatic logic [1:0] gf4_mul_n(input logic [1:0] a);
    gf4_mul_n = {a[1] ^ a[0], a[1]};
  endfunction

  // GF(2^4), element c1*Z + c0 with Z^2 = Z + N; Karatsuba form, three GF(2^2) products.
  function automatic logic [3:0] gf16_mul(input logic [3:0] a, input logic [3:0] b);
    logic [1:0] p0;
    p0 = gf4_mul(a[1:0], b[1:0]);
    gf16_mul = {gf4_mul(a[3:2] ^ a[1:0], b[3:2] ^ b[1:0]) ^ p0,
                p0 ^ gf4_mul_n(gf4_mul(a[3:2], b[3:2]))};
  endfunction

  // (c1 Z + c0)^-1 = d (c1 Z + c0 + c1) with d the GF(2^2) inverse of the norm
  // c0 (c0 + c1) + N c1^2; zero maps to zero because the norm is then zero.
  function automatic logic [3:0] gf16_inv(input logic [3:0] a);
    logic [1:0] d;
    d = gf4_sq(gf4_mul(a[1:0], a[3:2] ^ a[1:0]) ^ gf4_mul_n(gf4_sq(a[3:2])));
    gf16_inv = {gf4_mul(a[3:2], d), gf4_mul(a[3:2] ^ a[1:0], d)};
  endfunction

  // The matrices are loops in always_comb, the field arithmetic is continuous assignments:
  // Icarus 11 cannot narrow an always_comb sensitivity to a constant part-select (a
  // function's included) and prints a "sorry" for each one.
  logic [7:0] t;       // a_i in the tower basis ...
  logic [3:0] t1, t0;  // ... as t1 Y + t0
  logic [3:0] sq_l_t1; // L * t1^2
  logic [3:0] d;
  logic [7:0] inv;     // a_i^-1 in the tower basis

  always_comb begin
    for (int r = 0; r < 8; r++) begin
      t[r] = ^(MapIn[8*r +: 8] & a_i);
    end
  end

  assign {t1, t0} = t;

  always_comb begin
    for (int r = 0; r < 4; r++) begin
      sq_l_t1[r] = ^(SqL[4*r +: 4] & t1);
    end
  end

  // Same step as gf16_inv one level up: (t1 Y + t0)^-1 = d (t1 Y + t0 + t1),
  // d = (t0 (t0 + t1) + L t1^2)^-1 in GF(2^4).
  assign d   = gf16_inv(gf16_mul(t0, t1 ^ t0) ^ sq_l_t1);
  assign inv = {gf16_mul(t1, d), gf16_mul(t1 ^ t0, d)};

  always_comb begin
    for (int r = 0; r < 8; r++) begin
      s_o[r] = Affine[r] ^ (^(MapOut[8*r +: 8] & inv));
    end
  end

endmodule
