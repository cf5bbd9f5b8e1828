# kext/targets/defs.mk: regenerate (make defs) or verify (make check-defs)
# the per-target tables kext/targets/<t>/{operations,filters,modifiers}.def
# and the names-only tables kext/targets/<t>/names.def that sbpl-lint's
# --also-target reads (DESIGN.md §11, LINT.md §3.8 T6). Included by the root GNUmakefile, which provides O, CC,
# CPPALL, CALL, Q, PKG_CONFIG and SHARED; LDFLAGS is used when set.
#
# mkdefs is a build tool, not part of any program: it is built here and
# run only by these two targets, so the ordinary build never needs the
# format tables under $(SHARED).

DEFS_TARGETS := macos14
DEFS_FILES   := operations.def filters.def modifiers.def
NAMES_TARGETS := ios13 macos12 macos13
NAMES_FILES  := names.def
DEFS_TABLES   = $(SHARED)/format-fixtures/tables
MKDEFS        = $(O)/kext/targets/mkdefs
MKDEFS_SRC   := kext/targets/mkdefs.c common/json.c common/sha256.c common/util.c
MKDEFS_HDR   := common/json.h common/sha256.h common/util.h kext/target.h \
                kext/freestanding.h

$(MKDEFS): $(MKDEFS_SRC) $(MKDEFS_HDR)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPALL) $(CALL) \
		$(shell $(PKG_CONFIG) --cflags jansson nettle) \
		-o $@ $(MKDEFS_SRC) $(LDFLAGS) \
		$(shell $(PKG_CONFIG) --libs jansson nettle)

.PHONY: defs check-defs

# Writes into the source tree on purpose: the .def files are committed.
defs: $(MKDEFS)
	$(Q)test -d $(DEFS_TABLES) || \
		{ echo "defs: $(DEFS_TABLES) not found (set SHARED=)" >&2; exit 1; }
	$(Q)for t in $(DEFS_TARGETS) $(NAMES_TARGETS); do \
		$(MKDEFS) -s $(SHARED) -o kext/targets/$$t \
			kext/targets/$$t/overrides.txt || exit 1; \
	done

# Generates into $(O)/defs-check/<t>/ and compares with the committed files.
check-defs: $(MKDEFS)
	$(Q)if ! test -d $(DEFS_TABLES); then \
		echo "SKIP: check-defs: $(DEFS_TABLES) not found"; \
	else \
		for t in $(DEFS_TARGETS) $(NAMES_TARGETS); do \
			case " $(NAMES_TARGETS) " in \
			*" $$t "*) files="$(NAMES_FILES)" ;; \
			*) files="$(DEFS_FILES)" ;; \
			esac; \
			mkdir -p $(O)/defs-check/$$t && \
			$(MKDEFS) -s $(SHARED) -o $(O)/defs-check/$$t \
				kext/targets/$$t/overrides.txt || exit 1; \
			for f in $$files; do \
				diff -u kext/targets/$$t/$$f $(O)/defs-check/$$t/$$f || \
				{ echo "check-defs: kext/targets/$$t/$$f is stale: run 'make defs'" >&2; exit 1; }; \
			done; \
		done; \
		echo "check-defs: $(DEFS_TARGETS) $(NAMES_TARGETS) up to date"; \
	fi
