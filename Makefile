# TAME: the targets people type. Each one installs what it needs first (scripts/setup.sh).
#   make sim     the main job on a default it brings along
#   make test    every test, through ctest
#   make lint    Verilator -Wall and the Yosys front end over every RTL top
#   make bench   throughput, latency and simulation speed (build/bench/report.json, a chart
#                of it, and both into docs/performance.md and docs/img/bench.png);
#                BENCH_ARGS passes options to tame-bench,
#                e.g. "--megabytes 1 --boot-sizes 1,4" for a quick run
#   make regs    the TA register block, C header and HTML reference from rtl/ta/rdl/
#   make core    tame.core (FuseSoC) from rtl/files.f and rtl/configs.json
#   make coverage  Verilator line and toggle coverage of the RTL over the make test suite, in
#                a build tree of its own ($(BUILD)/coverage): the report per RTL file in
#                $(BUILD)/coverage/coverage/report.md, and into docs/verification.md
#   make faults  single-bit upsets in the full top's registers during the boot flow, each run
#                classified against the model (build/faults/report.json and report.md,
#                and the table into docs/verification.md); FAULTS_ARGS passes options to
#                tame-faults, e.g. "--runs 300 --verbose"
#   make fuzz    libFuzzer (clang, ASan, UBSan) on the M1, M2, image header and key-service
#                parsers, FUZZ_SECONDS each (default 60); make test replays their corpus
#   make synth   ECP5 synthesis, place and route, xc7a200t estimate (build/synth/report.md,
#                and the same tables into docs/fpga-results.md)
#                SYNTH_ARGS passes options to scripts/synth.py, e.g. "--only ctr_aes128_rom"
#   make formal  the properties beside the RTL, proven with Yosys and yosys-smtbmc (Yices 2):
#                bounded and, where it closes, by induction (build/formal/report.md, and
#                the table into docs/formal.md); FORMAL_ARGS passes options to
#                scripts/formal.py, e.g. "--only key_isolation" or "--quick"
BUILD ?= build
JOBS  ?= $(shell nproc)
SYNTH_ARGS ?=
BENCH_ARGS ?=
FORMAL_ARGS ?=
FAULTS_ARGS ?= --runs 3000
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := m1 m2 image_header request

.PHONY: all deps build test lint regs core sim bench synth formal coverage faults fuzz clean

all: build

deps:
	@scripts/setup.sh build

# Under CI (CI=true) the project's own code builds with -Werror.
WERROR ?= $(if $(CI),ON,OFF)
$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DTAME_WERROR=$(WERROR)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The FuseSoC check (ctest fusesoc.core) needs FuseSoC and Yosys: installed first.
test: build
	@scripts/setup.sh fusesoc
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

lint:
	@scripts/setup.sh lint
	@scripts/lint.sh

# The trust anchor's register block, C header and HTML page, from the SystemRDL.
regs:
	@scripts/setup.sh regs
	scripts/gen_regs.sh

# The FuseSoC core, from the file list and the configurations.
core:
	scripts/gen_core.py

# Only what the flow runs: the tame tool, and tame-sim with the models it simulates.
sim: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target tame tame-sim
	@scripts/demo.sh $(BUILD)

# Only tame-bench is built: the bench needs no test binary. The chart runs under Debian's
# python3, the one that Debian's matplotlib is installed for (the python3 first on PATH
# may be another, such as pyenv's).
bench: $(BUILD)/CMakeCache.txt
	@scripts/setup.sh bench
	cmake --build $(BUILD) -j $(JOBS) --target tame-bench
	@mkdir -p $(BUILD)/bench
	$(BUILD)/sim/tame-bench --json $(BUILD)/bench/report.json $(BENCH_ARGS)
	/usr/bin/python3 scripts/bench_chart.py $(BUILD)/bench/report.json --out $(BUILD)/bench/report.png
	cp $(BUILD)/bench/report.png docs/img/bench.png
	python3 scripts/bench_report.py $(BUILD)/bench/report.json --out docs/performance.md

synth:
	@scripts/setup.sh synth
	python3 scripts/synth.py --out $(BUILD)/synth --docs docs/fpga-results.md $(SYNTH_ARGS)

formal:
	@scripts/setup.sh formal
	python3 scripts/formal.py --out $(BUILD)/formal --docs docs/formal.md $(FORMAL_ARGS)

# Every test that simulates RTL runs (formal and fusesoc run Yosys, not a simulation); the
# report is written even when a test fails, and then the target fails.
COVERAGE := $(BUILD)/coverage
coverage: deps
	cmake -S . -B $(COVERAGE) -DCMAKE_BUILD_TYPE=Release -DTAME_COVERAGE=ON
	cmake --build $(COVERAGE) -j $(JOBS)
	rm -rf $(COVERAGE)/coverage/raw
	@status=0; ctest --test-dir $(COVERAGE) --output-on-failure -j $(JOBS) -E '^(formal|fusesoc)\.' \
	  > $(COVERAGE)/ctest.log 2>&1 || status=$$?; \
	summary=$$(grep -E 'tests passed' $(COVERAGE)/ctest.log || echo "no summary"); \
	echo "coverage: ctest: $$summary (log: $(COVERAGE)/ctest.log)"; \
	python3 scripts/coverage.py --raw $(COVERAGE)/coverage/raw --out $(COVERAGE)/coverage \
	  --ctest "$$summary" --docs docs/verification.md && exit $$status

faults: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target tame-faults
	@mkdir -p $(BUILD)/faults
	$(BUILD)/sim/tame-faults --json $(BUILD)/faults/report.json $(FAULTS_ARGS)
	python3 scripts/faults.py $(BUILD)/faults/report.json --docs docs/verification.md

# A build tree of its own, $(BUILD)/libfuzzer, built with clang. New inputs go to
# $(BUILD)/libfuzzer/corpus/<target>; the committed seeds in fuzz/corpus/ are only read.
fuzz:
	@scripts/setup.sh fuzz
	cmake -S . -B $(BUILD)/libfuzzer -DTAME_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14
	cmake --build $(BUILD)/libfuzzer -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/libfuzzer/corpus/$$t && \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s" && \
	  $(BUILD)/libfuzzer/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(BUILD)/libfuzzer/corpus/$$t fuzz/corpus/$$t || exit 1; \
	done

clean:
	rm -rf $(BUILD)
