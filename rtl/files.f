rtl/tame_pkg.sv
rtl/ta/gen/tame_contract_pkg.sv
rtl/common/tame_fifo.sv
rtl/common/tame_key_slot_ram.sv
rtl/aes/tame_aes_sbox_gf.sv
rtl/aes/tame_aes_sbox.sv
rtl/aes/tame_aes_key_expand.sv
rtl/aes/tame_aes_pipe.sv
rtl/crypt/tame_ctr_crypt.sv
rtl/crypt/tame_line_crypt.sv
rtl/mem/tame_nonce_source.sv
rtl/mem/tame_dram_crypt.sv
rtl/mem/tame_core_crypt.sv
rtl/mem/tame_mem_path.sv
rtl/aes/tame_aes_iter.sv
rtl/hash/tame_sha2.sv
rtl/hash/tame_hmac_sha256.sv
rtl/ta/tame_ctr_drbg.sv
rtl/ta/gen/tame_ta_regs_pkg.sv
rtl/ta/gen/tame_ta_regs.sv
rtl/ta/tame_key_vault.sv
rtl/ta/tame_ta_keyctrl.sv
rtl/top/tame_top.sv
# Last: the files with a vendor build (rtl/fpga/ecp5/), which make synth and
# tame.core swap in for them.
rtl/common/tame_clock_gate.sv
rtl/aes/tame_aes_sbox_rom.sv
