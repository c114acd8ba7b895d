# TAME: the targets people type. Each one installs what it needs first (scripts/setup.sh).
#   make sim     the main job on a default it brings along
#   make test    every test, through ctest
#   make lint    Verilator -Wall and the Yosys front end over every RTL top
#   make bench   throughput, latency and simulation speed (build/bench/report.json)
BUILD ?= build
JOBS  ?= $(shell nproc)

.PHONY: all deps build test lint sim bench clean

all: build

deps:
	@scripts/setup.sh build

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

lint:
	@scripts/setup.sh lint
	@scripts/lint.sh

sim: build
	@scripts/demo.sh $(BUILD)

bench: build
	@mkdir -p $(BUILD)/bench
	$(BUILD)/sim/tame-bench --json $(BUILD)/bench/report.json

clean:
	rm -rf $(BUILD)
