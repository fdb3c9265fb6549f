# khaibao — `make run` serves on http://127.0.0.1:8080; `make test` runs every test.
# Both install what is missing (Debian packages, npm modules), then build.

BUILD_DIR ?= build
LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= var

.PHONY: all deps build web cpp run test bench clean fuzz fuzz-build test-sanitize lint

all: build

deps:
	./scripts/install-deps.sh

# npm ci only when package-lock.json changed since the last install.
node_modules/.package-lock.json: package-lock.json | deps
	npm ci --no-audit --no-fund

web: node_modules/.package-lock.json
	npm run build

cpp: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR)

build: web cpp

run: build
	mkdir -p $(DATA_DIR)
	./$(BUILD_DIR)/khaibao serve --db sqlite:$(DATA_DIR)/khaibao.db --data-dir $(DATA_DIR) \
	  --web-dir web/dist --listen $(LISTEN)

# clang-format on every C++ file, clang-tidy on the files of .clang-tidy-files (scripts/lint.sh).
lint: deps
	./scripts/lint.sh

# The fuzz targets (fuzz/, clang + libFuzzer): `make test` runs them briefly (CTest fuzz-short).
fuzz-build: deps
	./fuzz/run.sh --build-only

test: build fuzz-build
	./scripts/test.sh

# Every fuzz target for FUZZ_RUNS inputs; prints inputs, time, exec/s and coverage per target.
FUZZ_RUNS ?= 1000000
fuzz: deps
	./fuzz/run.sh --runs $(FUZZ_RUNS)

# The unit and API tests (SQLite and PostgreSQL) against a g++ ASan + UBSan build in
# build-sanitize/; any sanitizer report fails. Not part of `make test` (it takes a while).
test-sanitize: web deps
	./scripts/test-sanitize.sh

bench: build
	./bench/run.sh

clean:
	rm -rf $(BUILD_DIR) build-fuzz build-sanitize build-tidy web/dist
