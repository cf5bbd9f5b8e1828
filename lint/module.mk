# lint/module.mk: sbpl-lint (DESIGN.md §3 lint/, §12). Included by the
# root GNUmakefile; adds the program to TOOLS and its tests to CHECK_EXTRA.

LINT_MAIN = lint/sbpl-lint.c
# the coverage.db binding: only the command links it, with coverage/
# (coverage/module.mk is included first)
LINT_COV  = lint/cov_binding.c
LINT_SRC  = $(filter-out $(LINT_MAIN) $(LINT_COV),$(wildcard lint/*.c))
LINT_OBJ  = $(LINT_SRC:%.c=$(O)/%.o)

TOOLS += $(O)/sbpl-lint
CHECK_EXTRA += $(O)/tests/lint/oracle

$(LINT_OBJ) $(O)/lint/sbpl-lint.o $(O)/lint/cov_binding.o: \
    $(O)/parser/grammar.h

$(O)/sbpl-lint: $(O)/lint/sbpl-lint.o $(LINT_OBJ) $(O)/lint/cov_binding.o \
                $(COVERAGE_OBJ) $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $(filter %.o,$^) $(O)/libsbpl.a \
	    $(COVERAGE_LIBS) $(LIBS_CORE)

# unit tests that need lint's objects
$(O)/tests/unit/test_sets $(O)/tests/unit/test_automaton \
$(O)/tests/unit/test_lint: $(LINT_OBJ)

# the differential oracle (LINT.md §10), run by tests/lint/run-check
$(O)/tests/lint/oracle.o: $(O)/parser/grammar.h
$(O)/tests/lint/oracle: $(O)/tests/lint/oracle.o $(LINT_OBJ) $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $^ $(LIBS_CORE)

# the benchmark links lint too; libsbpl.a must come after lint's objects
$(O)/tests/bench/bench_lint: $(O)/tests/bench/bench_lint.o $(LINT_OBJ) \
    $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $^ $(LIBS_CORE)

# the system configuration file: $(sysconfdir)/sbpl-lint.conf (LINT.md §7.3)
$(O)/lint/config.o: CPPALL += -DSB_SYSCONFDIR='"$(sysconfdir)"'

# the fuzz target of the linter (tests/fuzz/fuzz_lint.c): the libFuzzer
# build links lint's objects; the replay build links libsbpl.a after them
$(O)/fuzz/fuzz_lint: $(LINT_SRC:%.c=$(O)/fuzz/obj/%.o)
$(O)/tests/replay_lint: $(LINT_OBJ)
$(O)/tests/replay_lint: LIBS_CORE := $(O)/libsbpl.a $(LIBS_CORE)
