rtl/tame_pkg.sv
rtl/common/tame_fifo.sv
rtl/common/tame_key_slot_ram.sv
rtl/aes/tame_aes_sbox_gf.sv
rtl/aes/tame_aes_sbox.sv
rtl/aes/tame_aes_key_expand.sv
rtl/aes/tame_aes_pipe.sv
rtl/crypt/tame_ctr_crypt.sv
