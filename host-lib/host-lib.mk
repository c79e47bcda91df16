# host-lib: the D3DDDI callbacks over the wire protocol, the `vidalloc` CLI, the demo.
# Included by the top Makefile (uses BUILD, GEN, Q, VENV, PYTHON, SIM_BIN, SIM_LIB, FW_IMG,
# CC_NATIVE; include it after sim/sim.mk).
#
#   host-lib     $(HL_LIB) libvidalloc.a (+ .so), $(HL_CLI) vidalloc, demo, seed example,
#                the end-to-end test program
#   install      PREFIX=/usr/local: headers, libraries, CLI, pkg-config file
#   demo-alloc   run the demo (DEV=sim by default; DEV=inproc, DEV=uart:/dev/ttyUSB1,
#                DEV='sim?link=pcie', DEV='inproc?link=pcie': any device URI; `make demo`
#                passes DEV on)
#   bench-host   the protocol figures (inproc: cycles and simulated time)
#   bench-pcie   the PCIe figures (bench-qlink, then demo --bench over inproc?link=pcie)
#   cosim-host   end-to-end tests: host-lib -> UART RTL -> firmware, over `sim` and `inproc`
#   cosim-render pfnRenderCb end to end (render_e2e: GPU, faults, TDR) over `sim` and `inproc`

HL_BUILD   := $(BUILD)/host-lib
HL_LIB     := $(HL_BUILD)/libvidalloc.a
HL_SO      := $(HL_BUILD)/libvidalloc.so
HL_CLI     := $(HL_BUILD)/vidalloc
HL_DEMO    := $(HL_BUILD)/demo
HL_SEED    := $(HL_BUILD)/seed_example
HL_E2E     := $(HL_BUILD)/host_e2e
HL_RENDER_E2E := $(HL_BUILD)/render_e2e
PREFIX     ?= /usr/local
DEV        ?= sim

HL_SRCS    := $(sort $(wildcard host-lib/src/*.c)) $(PROTO_SRCS)
HL_OBJS    := $(patsubst %.c,$(HL_BUILD)/obj/%.o,$(HL_SRCS))
# The installed header set: host-lib's API, the contracts it includes (proto/), and the
# version and feature bits generated from spec/.
HL_PUBLIC_HDRS := $(wildcard host-lib/include/vidalloc/*.h) $(PROTO_PUBLIC_HDRS) \
                  $(GEN)/vidalloc/vd_soc.h
HL_INCLUDES := -Ihost-lib/include $(PROTO_INCLUDES) -I$(GEN)
HL_WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
CXX_NATIVE ?= c++
# -pthread: the handle registry (handles.c) is behind a mutex.
HL_CFLAGS  := -std=c11 -O2 -g -fPIC -pthread $(HL_WARN) -D_POSIX_C_SOURCE=200809L \
              $(HL_INCLUDES) -Ihost-lib/src -Isim \
              -DVD_DEFAULT_SIM_BIN='"$(abspath $(SIM_BIN))"' \
              -DVD_DEFAULT_BOARD_SIM_BIN='"$(abspath $(BSIM_BIN))"' \
              -DVD_DEFAULT_FW_IMG='"$(abspath $(FW_IMG))"' \
              -DVD_DEFAULT_BOARD_FW_IMG='"$(abspath $(call fw_img,$(BOARD)))"'
# Programs that offer the inproc transport link the simulator library; --undefined pulls it
# in (host-lib refers to it weakly, so programs without it still link).
HL_INPROC_LIBS := -Wl,--undefined=vd_sim_create $(SIM_LIB) $(SIM_LIB_LIBS)
HL_PROG_CFLAGS := -std=c11 -O2 -g $(HL_WARN) -D_POSIX_C_SOURCE=200809L $(HL_INCLUDES)

.PHONY: host-lib install install-check demo-alloc bench-host bench-pcie cosim-host cosim-render
host-lib: $(HL_LIB) $(HL_SO) $(HL_CLI) $(HL_DEMO) $(HL_SEED) $(HL_E2E) $(HL_RENDER_E2E) \
          $(HL_BUILD)/cxx-headers.stamp

# The public headers must also compile as C++ (extern "C" guards, a WDK-style driver in C++).
$(HL_BUILD)/cxx-headers.stamp: $(HL_PUBLIC_HDRS)
	@mkdir -p $(@D)
	@echo "  CXX     public headers as C++"
	$(Q)printf '#include "vidalloc/%s"\n' $(notdir $(HL_PUBLIC_HDRS)) | \
	  $(CXX_NATIVE) -std=c++17 $(HL_WARN:-Wstrict-prototypes=) $(HL_INCLUDES) -fsyntax-only -x c++ -
	$(Q)touch $@

$(HL_BUILD)/obj/%.o: %.c | $(GEN)/vd_regs.h $(GEN)/vidalloc/vd_soc.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC_NATIVE) $(HL_CFLAGS) -MMD -MP -c $< -o $@

$(HL_LIB): $(HL_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(HL_SO): $(HL_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) -shared -pthread -Wl,-soname,libvidalloc.so.0 -o $@ $^

# Programs: CLI, demo, the end-to-end test program (all with inproc).
$(HL_CLI): host-lib/cli/vidalloc.c $(HL_LIB) $(SIM_LIB)
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -o $@ $< $(HL_LIB) $(HL_INPROC_LIBS)

$(HL_DEMO): host-lib/examples/demo.c $(HL_LIB) $(SIM_LIB)
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -o $@ $< $(HL_LIB) $(HL_INPROC_LIBS)

$(HL_E2E): tests/cosim/host/host_e2e.c tests/cosim/host/e2e_check.h $(HL_LIB) $(SIM_LIB)
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -o $@ $< $(HL_LIB) $(HL_INPROC_LIBS)

# pfnRenderCb end to end (GPU, faults, TDR): tests/cosim/host/test_render_e2e.py runs it.
$(HL_RENDER_E2E): tests/cosim/host/render_e2e.c tests/cosim/host/e2e_check.h $(HL_LIB) $(SIM_LIB)
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -o $@ $< $(HL_LIB) $(HL_INPROC_LIBS)

# The end-to-end programs linked with another build target's simulator library: their
# `inproc` device is that target's SoC (their `sim` device is pointed at its simulator by
# URI). tests/cosim/host/test_targets.py runs them for target `minimal`.
HL_TARGET_E2E_LIBS = -Wl,--undefined=vd_sim_create $(BUILD)/sim-$*/libvidalloc_sim.a $(SIM_LIB_LIBS)
$(BUILD)/sim-%/host_e2e: tests/cosim/host/host_e2e.c tests/cosim/host/e2e_check.h $(HL_LIB) \
                         $(BUILD)/sim-%/libvidalloc_sim.a
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -o $@ $< $(HL_LIB) $(HL_TARGET_E2E_LIBS)
$(BUILD)/sim-%/render_e2e: tests/cosim/host/render_e2e.c tests/cosim/host/e2e_check.h $(HL_LIB) \
                           $(BUILD)/sim-%/libvidalloc_sim.a
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -o $@ $< $(HL_LIB) $(HL_TARGET_E2E_LIBS)
HL_MINIMAL := $(call sim_bin,minimal) $(call sim_dir,minimal)/host_e2e \
              $(call sim_dir,minimal)/render_e2e

# The seed page's closing example, verbatim but for the device-open step. Its
# `allocInfo.hAllocation = NULL` (a UINT handle; MSVC's NULL is 0) is the one warning waived.
$(HL_SEED): host-lib/examples/seed_example.c $(HL_LIB) $(SIM_LIB) $(HL_PUBLIC_HDRS)
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -Wno-int-conversion -o $@ $< $(HL_LIB) $(HL_INPROC_LIBS)

-include $(HL_OBJS:.o=.d)

# DEV is quoted: a URI's ? and & are not for the shell.
demo-alloc: $(HL_DEMO) $(SIM_BIN) $(FW_IMG)
	$(Q)$(HL_DEMO) --dev '$(DEV)'

bench-host: $(HL_DEMO) $(FW_IMG)
	$(Q)$(HL_DEMO) --bench

# The PCIe figures: bench-qlink (the link's and dispatcher's cycles, the kernel's alone at
# demo's live counts), then demo --bench over inproc?link=pcie against that kernel figure.
bench-pcie: $(HL_DEMO) $(FW_IMG)
	$(Q)$(MAKE) --no-print-directory bench-qlink > $(HL_BUILD)/bench-qlink.txt || \
	  { cat $(HL_BUILD)/bench-qlink.txt; exit 1; }
	$(Q)cat $(HL_BUILD)/bench-qlink.txt; echo
	$(Q)k=$$(sed -n 's/^kernel alone, live 0\.\.63: \([0-9]*\) cycles.*/\1/p' \
	  $(HL_BUILD)/bench-qlink.txt); test -n "$$k" && \
	  $(HL_DEMO) --bench --dev 'inproc?link=pcie' --kernel-cycles "$$k"

cosim-host: host-lib $(SIM_BIN) $(FW_IMG) $(HL_MINIMAL) $(VENV)/.stamp-requirements
	$(Q)VIDALLOC_SIM=$(abspath $(SIM_BIN)) VIDALLOC_FW_IMG=$(abspath $(FW_IMG)) \
	  VIDALLOC_HOST_BIN_DIR=$(abspath $(HL_BUILD)) \
	  VIDALLOC_TARGET_DIR_minimal=$(abspath $(call sim_dir,minimal)) \
	  $(VENV)/bin/python -m pytest -q -n $(JOBS) tests/cosim/host

cosim-render: host-lib $(SIM_BIN) $(FW_IMG) $(VENV)/.stamp-requirements
	$(Q)VIDALLOC_SIM=$(abspath $(SIM_BIN)) VIDALLOC_FW_IMG=$(abspath $(FW_IMG)) \
	  VIDALLOC_HOST_BIN_DIR=$(abspath $(HL_BUILD)) \
	  $(VENV)/bin/python -m pytest -q tests/cosim/host/test_render_e2e.py

install: $(HL_LIB) $(HL_SO) $(HL_CLI) $(SIM_LIB)
	@echo "  INSTALL $(PREFIX)"
	$(Q)install -d $(DESTDIR)$(PREFIX)/include/vidalloc $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/bin
	$(Q)install -m 644 $(HL_PUBLIC_HDRS) $(DESTDIR)$(PREFIX)/include/vidalloc/
	$(Q)install -m 644 sim/vd_sim.h $(DESTDIR)$(PREFIX)/include/vidalloc/
	$(Q)install -m 644 $(HL_LIB) $(SIM_LIB) $(DESTDIR)$(PREFIX)/lib/
	$(Q)install -m 755 $(HL_SO) $(DESTDIR)$(PREFIX)/lib/libvidalloc.so.0
	$(Q)ln -sf libvidalloc.so.0 $(DESTDIR)$(PREFIX)/lib/libvidalloc.so
	$(Q)install -m 755 $(HL_CLI) $(DESTDIR)$(PREFIX)/bin/
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e "s|@VERSION@|$$($(PYTHON) tools/regmap.py --version)|" \
	  host-lib/vidalloc.pc.in \
	  >$(DESTDIR)$(PREFIX)/lib/pkgconfig/vidalloc.pc

# The installed header set is self-contained: the seed example builds and links against the
# installed tree alone (pkg-config; no source directory on the include path).
HL_INSTALL_CHECK := $(HL_BUILD)/install-check
install-check: $(HL_LIB) $(HL_SO) $(HL_CLI) $(SIM_LIB)
	$(Q)rm -rf $(HL_INSTALL_CHECK)
	$(Q)$(MAKE) --no-print-directory install DESTDIR= PREFIX=$(abspath $(HL_INSTALL_CHECK)) >/dev/null
	@echo "  CC      seed_example against $(HL_INSTALL_CHECK) (pkg-config vidalloc)"
	$(Q)export PKG_CONFIG_PATH=$(abspath $(HL_INSTALL_CHECK))/lib/pkgconfig; \
	  $(CC_NATIVE) -std=c11 $(HL_WARN) -Wno-int-conversion $$(pkg-config --cflags vidalloc) \
	    -o $(HL_INSTALL_CHECK)/seed_example host-lib/examples/seed_example.c \
	    $$(pkg-config --libs vidalloc) $$(pkg-config --variable=inproc_libs vidalloc) \
	  && echo "  OK      the installed headers are self-contained (vidalloc $$(pkg-config --modversion vidalloc))"
