# mirror/: sbpl-mirror, the Linux tracer (DESIGN.md §3, §7). Included by
# the GNUmakefile. The backends build only on Linux; mirror/seccomp.c is
# the one libseccomp user. When the coverage module is present
# (coverage/cov_cli.c), run -o records into coverage.db, import, merge and
# info dispatch to sb_cov_cli(), and the command links COVERAGE_OBJ and
# COVERAGE_LIBS, which coverage/module.mk (included first) defines.

ifeq ($(shell uname -s),Linux)

MIRROR_MAIN = mirror/sbpl-mirror.c
MIRROR_SRC  = $(filter-out $(MIRROR_MAIN),$(wildcard mirror/*.c))
MIRROR_OBJ  = $(MIRROR_SRC:%.c=$(O)/%.o)
MIRROR_LIBS = $(call pkg,--libs,libseccomp)
MIRROR_COV  = $(if $(wildcard coverage/cov_cli.c),-DSB_HAVE_COVERAGE)

$(MIRROR_OBJ) $(O)/mirror/sbpl-mirror.o: $(O)/parser/grammar.h
$(O)/mirror/seccomp.o: CPPALL += $(call pkg,--cflags,libseccomp)
$(O)/mirror/sbpl-mirror.o: CPPALL += $(MIRROR_COV)

$(O)/sbpl-mirror: $(O)/mirror/sbpl-mirror.o $(MIRROR_OBJ) \
                  $(if $(MIRROR_COV),$(COVERAGE_OBJ)) $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $(filter %.o,$^) $(O)/libsbpl.a \
	    $(MIRROR_LIBS) $(if $(MIRROR_COV),$(COVERAGE_LIBS)) $(LIBS_CORE)

# the overhead benchmark's trap floors install sbpl-mirror's own filters
$(O)/tests/bench/bench_mirror: $(MIRROR_OBJ)
$(O)/tests/bench/bench_mirror: LIBS_CORE += $(MIRROR_LIBS)

# the pure operation map, table-tested without tracing (COVERAGE.md §6.8)
$(O)/tests/unit/test_opmap: $(O)/mirror/opmap.o

# the exercise program, dynamic and static (COVERAGE.md §6.8)
$(O)/tests/mirror/exercise: tests/mirror/exercise.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -o $@ $<
$(O)/tests/mirror/exercise-static: tests/mirror/exercise.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -static -o $@ $<

TOOLS       += $(O)/sbpl-mirror
CHECK_EXTRA += $(O)/tests/mirror/exercise $(O)/tests/mirror/exercise-static

endif
