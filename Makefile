# The few commands the README gives. The build itself is CMake (CMakeLists.txt).
BUILD ?= build
PRESET ?= cpu
DEMO_OUT ?= demo-out
# The CUDA backend is built when a GPU is visible (it only pays off there, and nvcc takes
# minutes); CUDA=auto|on|off overrides. `make cuda-check` compiles it regardless.
CUDA  ?= $(shell nvidia-smi -L >/dev/null 2>&1 && echo auto || echo off)
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all build binary deps test test-asan bench demo cuda-check gpu-check carry-headers clean

all: build

deps:
	@bash tools/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DWSNERF_CUDA=$(CUDA) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Just the command-line binary (the demo does not need the test suite compiled).
binary: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target wsnerf

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The test suite built with AddressSanitizer + UBSan in its own folder (build-asan): memory
# errors, undefined behaviour and leaks (the binary's too: the tests run it) fail the test.
# About 5x slower than `make test`; not part of CI. allocator_may_return_null: an impossible
# request must come back as nullptr, as from malloc, for the allocator's out-of-memory error.
ASAN_BUILD ?= build-asan
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DWSNERF_SANITIZE=ON -DWSNERF_CUDA=off -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_string_checks=1:allocator_may_return_null=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

bench: binary
	$(BUILD)/wsnerf bench

# The fuzz harness (tools/fuzz) on its large corpus: malformed inputs of every format, each
# classified (README "Input validation"); `make test` runs a small corpus (ctest fuzz_small).
FUZZ_COUNT ?= 480
.PHONY: fuzz
fuzz: build
	$(BUILD)/wsnerf-fuzz --wsnerf $(BUILD)/wsnerf --work $(BUILD)/fuzz-large --count $(FUZZ_COUNT)

# The whole pipeline on the procedural dataset (PRESET=tiny for a quick look); a second
# run reuses what is done. Prints where the report is.
demo: binary
	$(BUILD)/wsnerf demo --preset $(PRESET) --out $(DEMO_OUT)

# Compile and link the CUDA backend (no GPU needed) in its own build folder.
cuda-check: deps
	cmake -S . -B build-cuda -DWSNERF_CUDA=on $(CMAKE_FLAGS)
	cmake --build build-cuda -j $(JOBS)

# On a machine with one GPU: CUDA build, parity, memcheck, benchmarks beside PyTorch, fitting
# throughput, the tiny demo, an Nsight summary (tools/gpu-check.sh; results in $$OUT). No
# Debian packages needed there: run `make carry-headers` first where they are installed.
gpu-check:
	bash tools/gpu-check.sh

carry-headers:
	bash tools/carry-headers.sh

clean:
	rm -rf $(BUILD) build-cuda
