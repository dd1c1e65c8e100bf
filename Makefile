# sipd - the two commands: `make run` and `make test`.
# Both first install whatever Debian packages are missing (apt-get, only
# when something is missing), then build with CMake.

BUILD      ?= build
TEST_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
BENCH_BUILD?= build-bench
JOBS       ?= $(shell nproc)
FUZZ_SECS  ?= 60

# Packages per purpose (DESIGN.md lists why each is there).
PKGS_BUILD = cmake make gcc pkg-config libcmocka-dev libuv1-dev libyaml-dev libssl-dev sip-tester tshark python3 \
             libsqlite3-dev libhiredis-dev redis-server libpcre2-dev \
             libmicrohttpd-dev libjansson-dev chromium baresip-core espeak-ng sox curl
PKGS_FUZZ  = clang libclang-rt-14-dev
PKGS_BENCH = libosip2-dev

APT = env DEBIAN_FRONTEND=noninteractive apt-get

define need_pkgs
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "wireshark-common wireshark-common/install-setuid boolean false" \
	    | $$SUDO debconf-set-selections; \
	  $$SUDO $(APT) update -qq && $$SUDO $(APT) install -y -qq $$missing >/dev/null; \
	fi
endef

.PHONY: all deps build run test fuzz bench-parse clean

all: build

deps:
	$(call need_pkgs,$(PKGS_BUILD))

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# sipd runs in the foreground, logging on stderr; Ctrl-C (SIGINT) stops it
# gracefully, SIGHUP reloads etc/sipd.yaml.
run: build
	mkdir -p var
	exec $(BUILD)/apps/sipd/sipd -c etc/sipd.yaml

# Tests run on the ASan/UBSan build with warnings as errors.
test: deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSIPD_SANITIZE=ON \
	  -DSIPD_WERROR=ON >/dev/null
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS)

# libFuzzer targets, each run for FUZZ_SECS seconds (not part of `make test`).
fuzz: deps
	$(call need_pkgs,$(PKGS_FUZZ))
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSIPD_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECS)

bench-parse: deps
	$(call need_pkgs,$(PKGS_BENCH))
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DSIPD_BENCH=ON \
	  -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON >/dev/null
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target bench_parse
	taskset -c 1 $(BENCH_BUILD)/bench/bench_parse

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD)
