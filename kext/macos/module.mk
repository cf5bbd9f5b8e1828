# kext/macos/module.mk: the macOS side of coverage collection (DESIGN.md §8,
# COVERAGE.md §8.3). Included by the root GNUmakefile after
# coverage/module.mk, whose COVERAGE_OBJ and COVERAGE_LIBS the daemon and
# its tests link.
#
# What runs in the kernel but is plain C (query_build, counters, registry,
# ctl) and what the daemon shares (drain, session) is built and tested on
# every platform: unit tests tests/unit/test_kext_*.c, the fuzz target
# tests/fuzz/fuzz_kctl.c, the freestanding check tests/kext/run-check, and
# the daemon's own file compiled (not linked) as a check. Only
# mirror_kext.c and the socket half of sbpl-mirrord.c need macOS:
#   make kext    on Darwin: $(O)/kext/SBPLMirror.kext and $(O)/sbpl-mirrord
#                elsewhere: a SKIP line

KMAC_KERN_SRC = kext/macos/query_build.c kext/macos/counters.c \
                kext/macos/registry.c kext/macos/ctl.c
KMAC_USER_SRC = kext/macos/drain.c kext/macos/session.c
KMAC_KERN_OBJ = $(KMAC_KERN_SRC:%.c=$(O)/%.o)
KMAC_USER_OBJ = $(KMAC_USER_SRC:%.c=$(O)/%.o)

$(KMAC_USER_OBJ) $(O)/kext/macos/sbpl-mirrord.o: $(O)/parser/grammar.h

# unit tests: the kernel-side modules alone; the drain with coverage.db
KMAC_UNIT = $(patsubst tests/unit/%.c,$(O)/tests/unit/%,\
            $(wildcard tests/unit/test_kext_*.c))
$(KMAC_UNIT): $(KMAC_KERN_OBJ)
$(O)/tests/unit/test_kext_drain: $(KMAC_USER_OBJ) $(COVERAGE_OBJ)
$(O)/tests/unit/test_kext_drain: UNIT_LIBS = $(COVERAGE_LIBS)
$(O)/tests/unit/test_kext_counters: UNIT_LIBS = -lpthread

# the control protocol's fuzz target (tests/fuzzcases/kctl/); the replay
# build links libsbpl.a first, so the archive is named again after ours
$(O)/fuzz/fuzz_kctl: $(KMAC_KERN_SRC:%.c=$(O)/fuzz/obj/%.o)
$(O)/tests/replay_kctl: $(KMAC_KERN_OBJ)
$(O)/tests/replay_kctl: LIBS_CORE := $(O)/libsbpl.a $(LIBS_CORE)

# the daemon compiles everywhere; its transport is macOS-only inside it
CHECK_EXTRA += $(O)/kext/macos/sbpl-mirrord.o

KEXT_NAME   = SBPLMirror
KEXT_BUNDLE = $(O)/kext/$(KEXT_NAME).kext

ifeq ($(shell uname -s),Darwin)

# The kernel build: every freestanding file and the MAC policy, against
# Kernel.framework's headers, linked as a kext (kmutil and kextutil load
# the bundle from $(O)/kext; README.md says how).
KEXT_SDK    ?= $(shell xcrun --sdk macosx --show-sdk-path)
KEXT_CC     ?= $(shell xcrun --sdk macosx --find clang)
KEXT_ARCH   ?= x86_64
KEXT_MINOS  ?= 14.0
KEXT_FLAGS  = -arch $(KEXT_ARCH) -mmacosx-version-min=$(KEXT_MINOS) \
              -mkernel -nostdlib -fno-builtin -fno-common
KEXT_CFLAGS = $(KEXT_FLAGS) -std=c11 -O2 -g -Wall -Wextra \
              -DKERNEL -DSB_FREESTANDING -DSB_KEXT_VERSION='"$(VERSION)"' \
              -I. -isystem $(KEXT_SDK)/System/Library/Frameworks/Kernel.framework/Headers
KEXT_SRC    = $(wildcard kext/*.c) $(KMAC_KERN_SRC) kext/macos/mirror_kext.c
KEXT_OBJ    = $(KEXT_SRC:%.c=$(O)/kext-kernel/%.o)

$(O)/kext-kernel/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(KEXT_CC) $(KEXT_CFLAGS) -MMD -MP -c -o $@ $<

$(KEXT_BUNDLE)/Contents/MacOS/$(KEXT_NAME): $(KEXT_OBJ)
	@mkdir -p $(@D)
	$(Q)$(KEXT_CC) $(KEXT_FLAGS) -Xlinker -kext -o $@ $^ -lkmod -lcc_kext

$(KEXT_BUNDLE)/Contents/Info.plist: kext/macos/Info.plist.in
	@mkdir -p $(@D)
	$(Q)sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@EXECUTABLE@/$(KEXT_NAME)/g' \
	    -e 's/@MINOS@/$(KEXT_MINOS)/g' $< > $@

# the daemon: kernel-control sockets need the BSD names strict POSIX hides
$(O)/kext/macos/sbpl-mirrord.o: CPPALL += -D_DARWIN_C_SOURCE
$(O)/sbpl-mirrord: $(O)/kext/macos/sbpl-mirrord.o $(KMAC_USER_OBJ) \
                   $(KMAC_KERN_OBJ) $(COVERAGE_OBJ) $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $(filter %.o,$^) $(O)/libsbpl.a \
	    $(COVERAGE_LIBS) $(LIBS_CORE)

kext: $(KEXT_BUNDLE)/Contents/Info.plist \
      $(KEXT_BUNDLE)/Contents/MacOS/$(KEXT_NAME) $(O)/sbpl-mirrord
	@echo "built $(KEXT_BUNDLE) and $(O)/sbpl-mirrord (kext/macos/README.md)"

else

kext:
	@echo "SKIP: make kext needs macOS"

endif

.PHONY: kext
