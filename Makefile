# The few commands the README gives. The build itself is CMake (CMakeLists.txt).
BUILD ?= build
CUDA  ?= auto
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all build deps test bench cuda-check clean

all: build

deps:
	@bash tools/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DWSNERF_CUDA=$(CUDA) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/wsnerf bench

# Compile and link the CUDA backend (no GPU needed) in its own build folder.
cuda-check: deps
	cmake -S . -B build-cuda -DWSNERF_CUDA=on $(CMAKE_FLAGS)
	cmake --build build-cuda -j $(JOBS)

clean:
	rm -rf $(BUILD) build-cuda
