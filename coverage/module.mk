# coverage/: coverage.db, attribution, the importers, and the import, merge
# and info subcommands of sbpl-mirror (DESIGN.md §3, COVERAGE.md). Included
# by the root GNUmakefile, before mirror/module.mk, for which it defines:
#   COVERAGE_OBJ   every coverage object but cov_main.o
#   COVERAGE_LIBS  the libraries they need beyond $(LIBS_CORE) (sqlite3)
# The tracer's main calls sb_cov_cli() (coverage/cov_cli.h) for import,
# merge and info; until mirror/sbpl-mirror.c exists, coverage/cov_main.c
# is the whole of $(O)/sbpl-mirror.

COV_PKGS   = sqlite3
COV_LIBS   = $(call pkg,--libs,$(COV_PKGS))
COV_SRC    = $(filter-out coverage/cov_main.c,$(wildcard coverage/*.c))
COV_GEN    = $(O)/coverage/schema.c
COV_OBJ    = $(COV_SRC:%.c=$(O)/%.o) $(COV_GEN:.c=.o)
# what the importers need: no sqlite3, no compiler (fuzz targets, benchmarks)
COV_IMPORT_SRC = coverage/import.c coverage/import_jsonl.c \
                 coverage/import_ulog.c coverage/import_sbmirror.c \
                 coverage/import_eslogger.c coverage/jsondoc.c
COV_IMPORT_OBJ = $(COV_IMPORT_SRC:%.c=$(O)/%.o)
COVERAGE_OBJ   = $(COV_OBJ)
COVERAGE_LIBS  = $(COV_LIBS)

# the schema, embedded (COVERAGE.md §2.2, DESIGN.md §12)
$(O)/coverage/schema.c: common/embed.sh coverage/schema.sql
	@mkdir -p $(@D)
	$(Q)sh common/embed.sh sb_covschema coverage/ coverage/schema.sql > $@

$(COV_SRC:%.c=$(O)/%.o) $(O)/coverage/cov_main.o: $(O)/parser/grammar.h
$(O)/coverage/covdb.o: CPPALL += $(call pkg,--cflags,$(COV_PKGS))

ifeq ($(wildcard mirror/sbpl-mirror.c),)
TOOLS += $(O)/sbpl-mirror
$(O)/sbpl-mirror: $(O)/coverage/cov_main.o $(COV_OBJ) $(O)/libsbpl.a
	$(Q)$(CC) $(LDALL) -o $@ $^ $(LIBS_CORE) $(COV_LIBS)
endif

# unit tests (tests/unit/test_<x>.c): the coverage objects and sqlite3
COV_UNIT = $(addprefix $(O)/tests/unit/,test_covdb test_attrib \
           test_import_jsonl test_import_ulog test_import_sbmirror \
           test_import_eslogger)
$(COV_UNIT): $(COV_OBJ)
$(COV_UNIT): UNIT_LIBS = $(COV_LIBS)

# fuzz targets: the libFuzzer build links objects, the replay build links
# libsbpl.a first, so the archive is named again after our objects
COV_FUZZ = jsonl ulog sbmirror eslogger
$(COV_FUZZ:%=$(O)/fuzz/fuzz_%): $(COV_IMPORT_SRC:%.c=$(O)/fuzz/obj/%.o)
$(COV_FUZZ:%=$(O)/tests/replay_%): $(COV_IMPORT_OBJ)
$(COV_FUZZ:%=$(O)/tests/replay_%): LIBS_CORE := $(O)/libsbpl.a $(LIBS_CORE)

# the importer benchmark: parse-only and end-to-end throughput
$(O)/tests/bench/bench_import: $(COV_OBJ)
$(O)/tests/bench/bench_import: LIBS_CORE := $(O)/libsbpl.a $(LIBS_CORE) \
                                            $(COV_LIBS)
