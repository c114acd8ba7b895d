// Types and constants shared by every TAME block, inside the hardware. What software
// must agree on (port widths, slot count, page and line geometry, the trust anchor's
// command and error codes) is in tame_contract_pkg, generated from the SystemRDL.
// Referenced as tame_pkg::name everywhere: Yosys does not accept "import tame_pkg::*".
package tame_pkg;

  // How an AES round is built: its S-boxes, and so its register stages (see
  // rtl/aes/tame_aes_sbox.sv and tame_aes_pipe.sv). Plain integers, so a tool can
  // override them (-GSboxImpl=2).
  localparam int SboxRom       = 0;  // 256-entry table read through a register: block RAM
  localparam int SboxLogic     = 1;  // composite-field inversion in logic, then a register
  localparam int SboxRomReg    = 2;  // SboxRom plus the block RAM's output register
  localparam int SboxLogicReg  = 3;  // SboxLogic with a register on its input as well
  localparam int SboxRomRegMix = 4;  // SboxRomReg, and a register after AddRoundKey

  function automatic bit sbox_in_logic(input int impl);
    sbox_in_logic = (impl == SboxLogic || impl == SboxLogicReg);
  endfunction

  // Cycles from an S-box's input to its output: 1 or 2.
  function automatic int sbox_stages(input int impl);
    sbox_stages = (impl >= SboxRomReg) ? 2 : 1;
  endfunction

  // Register stages per AES round in the pipeline: the S-box's, plus one after
  // MixColumns and AddRoundKey for SboxRomRegMix.
  function automatic int round_stages(input int impl);
    round_stages = sbox_stages(impl) + ((impl == SboxRomRegMix) ? 1 : 0);
  endfunction

  // The same kind of S-box with one register: the iterative AES of the DRBG is written
  // for an S-box that answers in one cycle.
  function automatic int sbox_single_stage(input int impl);
    sbox_single_stage = sbox_in_logic(impl) ? SboxLogic : SboxRom;
  endfunction

  // The AES S-box (FIPS-197 5.1.1) as one flat constant: entry i is SBOX_TABLE[8*i +: 8].
  // Filling ROMs from one flat vector keeps Verilator's initial-block code small.
  localparam logic [2047:0] SBOX_TABLE = 2048'h16bb54b00f2d99416842e6bf0d89a18cdf2855cee9871e9b948ed9691198f8e19e1dc186b95735610ef6034866b53e708a8bbd4b1f74dde8c6b4a61c2e2578ba08ae7a65eaf4566ca94ed58d6d37c8e779e4959162acd3c25c2406490a3a32e0db0b5ede14b8ee4688902a22dc4f816073195d643d7ea7c41744975fec130ccdd2f3ff1021dab6bcf5389d928f40a351a89f3c507f02f94585334d43fbaaefd0cf584c4a39becb6a5bb1fc20ed00d153842fe329b3d63b52a05a6e1b1a2c830975b227ebe28012079a059618c323c7041531d871f1e5a534ccf73f362693fdb7c072a49cafa2d4adf04759fa7dc982ca76abd7fe2b670130c56f6bf27b777c63;

  // {02} times each S-box entry, in the same layout. A round's ROM holds both halves, so
  // MixColumns needs no xtime logic after the table read.
  localparam logic [2047:0] SBOX_X2_TABLE = 2048'h2c6da87b1e5a2982d084d7651a095903a550aa87c9153c2d3307a9d2222bebd9273a991769ae6ac21cf70690cc717ce00f0d61963ee8a1cb977357385c4af06f1047f4cacff3acd8499cb101da6e8bd5f2d33139c443bd9fb8480c92147464dbad16bca7286bc78c0b3b5444a39e19c0e632bac87afc55932e8835bec3261881bffde52042af7763f170213f05805da24b2578a0fe04e98a11669a86ed4fc5bb85b0989472678dd4b679e340c100b9a6135edd527db776a45bb4dc3634581d12ea7f4ecddf1b240e2f0a37309d4695082a62abe2f9d1516883f57e6c4c3de1759be45323455fb341fb8eb2effa891f8fec4db5e756ce026091ded6fff6eef8c6;

  // Commands of the trust anchor's CTR_DRBG (rtl/ta/tame_ctr_drbg.sv).
  typedef enum logic [1:0] {
    DrbgInstantiate = 2'd0,
    DrbgReseed      = 2'd1,
    DrbgGenerate    = 2'd2
  } drbg_cmd_e;

  // AES round pieces (FIPS-197 section 5.1). A column is 32 bits, row 0 in [31:24].

  // Multiplication by x (that is, {02}) in GF(2^8).
  function automatic logic [7:0] xtime(input logic [7:0] b);
    xtime = {b[6:0], 1'b0} ^ (b[7] ? 8'h1b : 8'h00);
  endfunction

  // MixColumns on one column from its S-box outputs s and their doubles d = {02}s
  // (row 0 in [31:24]). Row i is 2s_i ^ 3s_(i+1) ^ s_(i+2) ^ s_(i+3), rows mod 4, and
  // 3s = 2s ^ s, so each row is a plain XOR of byte-rotated words.
  function automatic logic [31:0] mix_column(input logic [31:0] s, input logic [31:0] d);
    mix_column = d ^ {d[23:0], d[31:24]} ^ {s[23:0], s[31:24]} ^ {s[15:0], s[31:16]}
                 ^ {s[7:0], s[31:8]};
  endfunction

  // ---------------------------------------------------------------- key vault
  // What a slot of the key vault (rtl/ta/tame_key_vault.sv) may be used for: a mask of
  // the uses below, fixed when the slot is written, and checked on every read against
  // the one use the reading engine was built for (a read port's use is a parameter, not
  // an input). A packed vector rather than a packed struct: Icarus 11, which runs the
  // S-box tests on this package, aborts on a struct in a package.
  typedef logic [4:0] vault_usage_t;

  // The uses, one bit each: a read port's one use, or a bit of a slot's mask. An enum,
  // not localparams, so that a top without the vault leaves no unused parameter here.
  typedef enum logic [4:0] {
    VaultUseHmacKey = 5'b00001,   // the key of an HMAC
    VaultUseHashMsg = 5'b00010,   // message data into SHA-2 or HMAC: how the UDS enters
                                  // HKDF-Extract as its input keying material
    VaultUseEd25519 = 5'b00100,   // an Ed25519 secret key
    VaultUseX25519  = 5'b01000,   // an X25519 secret scalar
    VaultUseAesKey  = 5'b10000    // an AES key, into a crypt block over a sideload port
  } vault_use_e;

  // The vault's result codes, for a write (wr_err_o) and for each read (rd_err_o). There
  // is no bad-slot code: the vault's slot count is a power of two, so every index of the
  // slot field names a slot. The codes firmware can see will move into the SystemRDL
  // contract (rtl/ta/rdl/tame_ta_regs.rdl, tame_contract_pkg) when the vault is wired
  // into the trust anchor; until then they are defined here.
  typedef enum logic [2:0] {
    VaultOk             = 3'd0,
    VaultErrEmpty       = 3'd1,   // read: the slot holds nothing
    VaultErrUsage       = 3'd2,   // read: the slot's usage does not include the reader's
    VaultErrUseLocked   = 3'd3,   // read: the slot is use-locked
    VaultErrWriteLocked = 3'd4,   // write: the slot is write-locked
    VaultErrLength      = 3'd5    // read: the slot's length is not the one asked for
  } vault_err_e;

endpackage
