# Thin wrapper over Meson. `make` builds build/cmap; `make check` runs every
# test; `make install PREFIX=/usr/local` installs the binary and data dir.
PREFIX ?= /usr/local
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps demo check check-asan asan test install clean bench fuzz fuzz-ci

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

deps:
	bash scripts/install-deps.sh --test

# Set up, build, and scan 127.0.0.1's most common ports inside a throwaway
# network namespace with two demo listeners.
demo:
	bash scripts/quickstart.sh

# Set up, build, fuzz briefly, and run every test twice: on the normal build
# and on one with AddressSanitizer and UndefinedBehaviorSanitizer (any
# report fails).
check:
	bash scripts/check.sh

test: all
	bash scripts/run-tests.sh $(BUILD)

check-asan: deps asan
	bash scripts/run-tests.sh $(ASAN_BUILD)

asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false --prefix=$(PREFIX)

install: $(BUILD)/build.ninja
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	ninja -C $(BUILD)
	meson install -C $(BUILD) --no-rebuild

# What CI runs of the fuzzers: every regression input once, then each
# harness briefly (FUZZ_SECONDS each, two at a time).
FUZZ_SECONDS ?= 15
fuzz-ci: deps
	bash scripts/fuzz.sh --regress
	FUZZ_JOBS=2 bash scripts/fuzz.sh $(FUZZ_SECONDS)

# Longer fuzzing: make fuzz FUZZ_SECONDS=600
fuzz: deps
	FUZZ_JOBS=2 bash scripts/fuzz.sh $(FUZZ_SECONDS)

bench: all
	bash bench/compare.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
