# annotate/: sbpl-annotate (COVERAGE.md §4, DESIGN.md §3). Included by the
# root GNUmakefile after coverage/module.mk, whose COVERAGE_OBJ and
# COVERAGE_LIBS it links: the model is read from coverage.db.

ANN_MAIN = annotate/sbpl-annotate.c
ANN_SRC  = $(filter-out $(ANN_MAIN),$(wildcard annotate/*.c))
ANN_OBJ  = $(ANN_SRC:%.c=$(O)/%.o)

$(ANN_OBJ) $(O)/annotate/sbpl-annotate.o: $(O)/parser/grammar.h

ifneq ($(wildcard $(ANN_MAIN)),)
TOOLS += $(O)/sbpl-annotate
$(O)/sbpl-annotate: $(O)/annotate/sbpl-annotate.o $(ANN_OBJ) $(COVERAGE_OBJ) \
                    $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $(filter %.o,$^) $(O)/libsbpl.a \
	    $(COVERAGE_LIBS) $(LIBS_CORE)
endif

# unit tests of the emitters and the model (tests/unit/test_ann_*.c)
ANN_UNIT = $(patsubst tests/unit/%.c,$(O)/tests/unit/%,\
           $(wildcard tests/unit/test_ann_*.c))
$(ANN_UNIT): $(ANN_OBJ) $(COVERAGE_OBJ)
$(ANN_UNIT): UNIT_LIBS = $(COVERAGE_LIBS)

# the synthetic coverage.db of the round trips (tests/annotate/run-check)
$(O)/tests/annotate/synth.o: $(O)/parser/grammar.h
$(O)/tests/annotate/synth: $(O)/tests/annotate/synth.o $(COVERAGE_OBJ) \
                           $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $(filter %.o,$^) $(O)/libsbpl.a \
	    $(COVERAGE_LIBS) $(LIBS_CORE)
CHECK_EXTRA += $(O)/tests/annotate/synth

# the benchmark writes coverage.db and times the command
$(O)/tests/bench/bench_annotate: $(O)/tests/bench/bench_annotate.o \
    $(COVERAGE_OBJ) $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $(filter %.o,$^) $(O)/libsbpl.a \
	    $(COVERAGE_LIBS) $(LIBS_CORE)

# the fuzz target of the annotated-file reader (tests/fuzz/fuzz_strip.c)
$(O)/fuzz/fuzz_strip: $(O)/fuzz/obj/annotate/strip.o
$(O)/tests/replay_strip: $(O)/annotate/strip.o
$(O)/tests/replay_strip: LIBS_CORE := $(O)/libsbpl.a $(LIBS_CORE)
